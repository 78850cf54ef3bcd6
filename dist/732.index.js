export const id = 732;
export const ids = [732];
export const modules = {

/***/ 45732:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cli: () => (/* binding */ cli)
});

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/settings/inputs.ts
var settings_inputs = __webpack_require__(97428);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/cli/args.ts
// The command line of `flow-release`: the command, the settings (the action's input names, as flags or as
// FLOW_RELEASE_* variables) and the options only a local run has. Secrets never come from a flag: a flag lands in the
// shell history and the process list, so the client secret comes from the environment or from standard input.


const USAGE = `Usage: flow-release <plan|deploy|rollback|doctor> [options]

Runs one release the way the GitHub Action does, on this machine: the same validation, stages, checks, rollback and
evidence. The summary is printed at the end and the audit log is written to a file (its path is printed).

Commands:
  plan        validate the manifest and show what would change; changes nothing
  deploy      release the flows, stage by stage, rolling back on failure
  rollback    restore an earlier release from the org's ledger (default: the newest good one unlike what is live)
  doctor      check, read-only, what the org allows and how it behaves (safe on production)

Settings (a flag wins over its variable; the names are the action's inputs):
  --manifest <path>        FLOW_RELEASE_MANIFEST        default genesys/release.yml (relative to --workspace)
  --region <domain>        FLOW_RELEASE_REGION          e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud
  --api-url <url>          FLOW_RELEASE_API_URL         a gateway or the emulator (with --login-url)
  --login-url <url>        FLOW_RELEASE_LOGIN_URL
  --client-id <id>         FLOW_RELEASE_CLIENT_ID or GENESYS_CLOUD_CLIENT_ID
  (client secret)          FLOW_RELEASE_CLIENT_SECRET or GENESYS_CLOUD_CLIENT_SECRET, or --client-secret-stdin
  --flows <names>          FLOW_RELEASE_FLOWS           one per line, or comma-separated on one line
  --[no-]commit-artifacts  FLOW_RELEASE_COMMIT_ARTIFACTS  default true: commit and push the published flows
  (push token)             FLOW_RELEASE_GITHUB_TOKEN    optional; otherwise git uses your own credentials
  --state-branch <name>    FLOW_RELEASE_STATE_BRANCH    default flow-release-state: the org's release ledger
  --takeover-lock <bool>   FLOW_RELEASE_TAKEOVER_LOCK   take the org's lock from a run you know is dead
  --on-unfinished <what>   FLOW_RELEASE_ON_UNFINISHED   restore (default) or stop, for a dead run's release
  --rollback-to <id>       FLOW_RELEASE_ROLLBACK_TO     rollback: the release id to restore

Local options:
  --workspace <dir>        the repository root (default: the current directory)
  --audit-dir <dir>        where the audit log and journal go (default: <temp>/flow-release/<release-id>)
  --branch <name>          the branch the artifact commit is pushed to (default: the checked-out branch)
  --local-state            keep the release ledger in this repository only (refs/flow-release/…), never pushed
  --client-secret-stdin    read the client secret from standard input (e.g. from a password manager's CLI)
  --verbose                also print debug lines
  -h, --help               this help

Exit status: 0 succeeded or planned, 1 any other outcome, 2 a usage error or invalid settings.`;
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
/** Settings read from flags or FLOW_RELEASE_<NAME>; their names are action.yml's inputs. */
const SETTINGS = [
    'manifest',
    'region',
    'api-url',
    'login-url',
    'client-id',
    'flows',
    'commit-artifacts',
    'state-branch',
    'takeover-lock',
    'on-unfinished',
    'rollback-to'
];
/** Other variables accepted for a setting, after FLOW_RELEASE_<NAME>. */
const ALIASES = {
    'client-id': ['GENESYS_CLOUD_CLIENT_ID'],
    'client-secret': ['GENESYS_CLOUD_CLIENT_SECRET']
};
const envName = (setting) => `FLOW_RELEASE_${setting.toUpperCase().replace(/-/g, '_')}`;
function fromEnv(setting, env) {
    for (const name of [envName(setting), ...(ALIASES[setting] ?? [])]) {
        const v = env[name];
        if (v !== undefined && v !== '')
            return v;
    }
    return undefined;
}
function rejectSecretFlags(argv) {
    for (const arg of argv) {
        const name = /^--(client-secret|github-token)(=|$)/.exec(arg)?.[1];
        if (name)
            throw new UsageError(`--${name} is not accepted: a secret on the command line ends up in the shell history and the process list. ` +
                (name === 'client-secret'
                    ? 'Set FLOW_RELEASE_CLIENT_SECRET (or GENESYS_CLOUD_CLIENT_SECRET), or pipe it in with --client-secret-stdin.'
                    : 'Set FLOW_RELEASE_GITHUB_TOKEN, or leave it out and git uses your own credentials.'));
    }
}
function parseCli(argv, env) {
    rejectSecretFlags(argv);
    const options = Object.fromEntries(SETTINGS.map((s) => [s, { type: 'string' }]));
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({
            args: [...argv],
            allowPositionals: true,
            strict: true,
            options: {
                ...options,
                'commit-artifacts': { type: 'boolean' },
                'no-commit-artifacts': { type: 'boolean' },
                workspace: { type: 'string' },
                'audit-dir': { type: 'string' },
                branch: { type: 'string' },
                'local-state': { type: 'boolean' },
                'client-secret-stdin': { type: 'boolean' },
                verbose: { type: 'boolean' },
                help: { type: 'boolean', short: 'h' }
            }
        });
    }
    catch (e) {
        throw new UsageError(e.message);
    }
    const v = parsed.values;
    if (v.help)
        return { help: true };
    return { help: false, ...toOptions(parsed.positionals, v, env) };
}
function toOptions(positionals, v, env) {
    const [command, ...extra] = positionals;
    if (!command)
        throw new UsageError(`Say what to do: ${settings_inputs/* COMMANDS */.Lo.join(', ')}.`);
    if (!settings_inputs/* COMMANDS */.Lo.includes(command))
        throw new UsageError(`Unknown command '${command}': use ${settings_inputs/* COMMANDS */.Lo.join(', ')}.`);
    if (extra.length)
        throw new UsageError(`Unexpected argument(s) after ${command}: ${extra.length} extra; see --help.`);
    const values = { command };
    for (const s of SETTINGS) {
        const flag = v[s];
        const value = typeof flag === 'string' ? flag : fromEnv(s, env);
        if (value !== undefined)
            values[s] = value;
    }
    if (v['commit-artifacts'] && v['no-commit-artifacts'])
        throw new UsageError('--commit-artifacts and --no-commit-artifacts contradict each other; give one.');
    if (v['commit-artifacts'])
        values['commit-artifacts'] = 'true';
    if (v['no-commit-artifacts'])
        values['commit-artifacts'] = 'false';
    const secret = fromEnv('client-secret', env);
    if (v['client-secret-stdin'] && secret !== undefined)
        throw new UsageError('--client-secret-stdin was given and a client secret is set in the environment; use one.');
    if (secret !== undefined)
        values['client-secret'] = secret;
    const token = env.FLOW_RELEASE_GITHUB_TOKEN;
    if (token)
        values['github-token'] = token;
    return {
        command: command,
        values,
        ...(typeof v.workspace === 'string' ? { workspace: v.workspace } : {}),
        ...(typeof v['audit-dir'] === 'string' ? { auditDir: v['audit-dir'] } : {}),
        ...(typeof v.branch === 'string' ? { branch: v.branch } : {}),
        localState: v['local-state'] === true,
        secretFromStdin: v['client-secret-stdin'] === true,
        verbose: v.verbose === true
    };
}

// EXTERNAL MODULE: ./src/common/redact.ts
var redact = __webpack_require__(6800);
;// CONCATENATED MODULE: ./src/cli/console-logger.ts

function where(a) {
    if (!a?.file)
        return '';
    return `${a.file}${a.startLine ? `:${a.startLine}` : ''}${a.startColumn ? `:${a.startColumn}` : ''}: `;
}
class ConsoleLogger {
    io;
    verbose;
    constructor(io, verbose = false) {
        this.io = io;
        this.verbose = verbose;
    }
    debug(message) {
        if (this.verbose)
            this.io.out(`  debug: ${redact/* redactor */.$.redact(message)}\n`);
    }
    info(message) {
        this.io.out(`${redact/* redactor */.$.redact(message)}\n`);
    }
    warning(message, annotation) {
        this.io.err(`warning: ${where(annotation)}${redact/* redactor */.$.redact(message)}\n`);
    }
    error(message, annotation) {
        this.io.err(`error: ${where(annotation)}${redact/* redactor */.$.redact(message)}\n`);
    }
    startGroup(name) {
        this.io.out(`▸ ${redact/* redactor */.$.redact(name)}\n`);
    }
    endGroup() { }
    setSecret(value) {
        redact/* redactor */.$.add(value);
    }
}

// EXTERNAL MODULE: ./src/common/clock.ts
var clock = __webpack_require__(39987);
// EXTERNAL MODULE: ./src/common/release-id.ts
var release_id = __webpack_require__(81168);
// EXTERNAL MODULE: ./src/evidence/audit.ts
var evidence_audit = __webpack_require__(51178);
// EXTERNAL MODULE: ./src/evidence/seal.ts
var seal = __webpack_require__(10500);
// EXTERNAL MODULE: ./src/evidence/summary.ts + 4 modules
var evidence_summary = __webpack_require__(18414);
;// CONCATENATED MODULE: ./src/evidence/terminal.ts
// The step summary for a terminal: the same Markdown buildSummary writes (one story for the action and the CLI),
// rendered as plain text — headings underlined, tables aligned, links as "text (url)", escapes and entities undone.
// Control characters never reach the terminal: escapeText has removed them from every value, and they are stripped
// again here.
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#37': '%', '#58': ':' };
/** Undoes escapeText and inline Markdown: **bold**, [text](url), <br>, backslash escapes, entities. */
function inline(text) {
    return (text
        .replace(/<br>/g, '; ')
        .replace(/<\/?sub>/g, '')
        .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, '$1 ($2)')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/\\([\\`*_[\]|~$#])/g, '$1')
        .replace(/&(amp|lt|gt|quot|#37|#58);/g, (_, e) => ENTITIES[e] ?? '')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ''));
}
/** The cells of a table row, split on the pipes that are not escaped. */
function cells(row) {
    const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
    return inner.split(/(?<!\\)\|/).map((c) => inline(c.trim()));
}
/** Emoji the summary uses that terminals draw two columns wide (the others it uses are one column). */
const WIDE = new Set([0x23ed, 0x23f3, 0x23f8, 0x26d4, 0x2705, 0x274c, 0x2754, 0x2796]);
/** Display width in terminal columns: wide emoji count 2, the emoji variation selector 0, anything else 1. */
function width(s) {
    let n = 0;
    for (const ch of s) {
        const c = ch.codePointAt(0) ?? 0;
        n += c === 0xfe0f ? 0 : c >= 0x1f000 || WIDE.has(c) ? 2 : 1;
    }
    return n;
}
function renderTable(rows) {
    const body = rows.filter((r) => !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(r.trim())).map(cells);
    const widths = [];
    for (const r of body)
        r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
    const line = (r) => r
        .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))
        .join('  ')
        .trimEnd();
    const [head, ...rest] = body;
    if (!head)
        return [];
    return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)];
}
function renderSummaryForTerminal(markdown) {
    const out = [];
    const lines = markdown.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        if (line.trimStart().startsWith('|')) {
            const table = [];
            while (i < lines.length && (lines[i] ?? '').trimStart().startsWith('|'))
                table.push(lines[i++] ?? '');
            i--;
            out.push(...renderTable(table));
            continue;
        }
        const heading = /^(#{1,6})\s+(.*)$/.exec(line);
        if (heading) {
            const text = inline(heading[2] ?? '');
            out.push(text, (heading[1] === '##' || heading[1] === '#' ? '=' : '-').repeat(width(text)));
        }
        else if (line.startsWith('> '))
            out.push(`  ${inline(line.slice(2))}`);
        else
            out.push(inline(line));
    }
    return `${out
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim()}\n`;
}

// EXTERNAL MODULE: ./src/journal/journal.ts
var journal_journal = __webpack_require__(14896);
// EXTERNAL MODULE: ./src/pipeline.ts + 76 modules
var pipeline = __webpack_require__(67094);
;// CONCATENATED MODULE: ./src/cli.ts
// `npx flow-release <plan|deploy|rollback>`: the command-line edge, beside the action's (main.ts). It reads the
// settings from flags and the environment, validates them exactly as the action validates its inputs, runs the same
// pipeline, and tells the same story: the summary rendered for a terminal and the audit log written to a file.
















const processEnv = () => ({
    io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
        let text = '';
        for await (const chunk of process.stdin)
            text += String(chunk);
        return text;
    },
    clock: clock/* systemClock */.m
});
/** Runs one command; resolves to the exit status (0 succeeded/planned, 1 other outcomes, 2 usage errors). */
async function cli(argv, e = processEnv()) {
    const usage = (message) => {
        e.io.err(`flow-release: ${redact/* redactor */.$.redact(message)}\n\nRun flow-release --help for the usage.\n`);
        return 2;
    };
    let parsed;
    try {
        parsed = parseCli(argv, e.env);
    }
    catch (err) {
        if (err instanceof UsageError)
            return usage(err.message);
        throw err;
    }
    if (parsed.help) {
        e.io.out(`${USAGE}\n`);
        return 0;
    }
    if (parsed.secretFromStdin)
        parsed.values['client-secret'] = (await e.readStdin()).replace(/\r?\n$/, '');
    let inputs;
    try {
        inputs = (0,settings_inputs/* getInputs */.GP)((name) => parsed.values[name] ?? '');
    }
    catch (err) {
        if (!(err instanceof settings_inputs/* InputError */.dz))
            throw err;
        const hint = 'Each setting is a flag (--client-id) or a variable (FLOW_RELEASE_CLIENT_ID); see --help.';
        return usage(`${err.message.replace('Invalid action inputs', 'Invalid settings')}\n${hint}`);
    }
    redact/* redactor */.$.addBasic(inputs.clientId, inputs.clientSecret);
    return release(inputs, parsed, e);
}
async function release(inputs, o, e) {
    const log = new ConsoleLogger(e.io, o.verbose);
    const workspace = (0,external_node_path_.resolve)(e.cwd, o.workspace ?? '.');
    const releaseId = (0,release_id/* newReleaseId */.P)(e.clock);
    const evidenceDir = (0,external_node_path_.resolve)(e.cwd, o.auditDir ?? (0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'flow-release', releaseId));
    (0,external_node_fs_.mkdirSync)(evidenceDir, { recursive: true });
    const journal = journal_journal/* Journal */.CQ.create({ dir: evidenceDir, releaseId, clock: e.clock });
    const sha = git(workspace, 'rev-parse', 'HEAD');
    const controller = new AbortController();
    const onSignal = (signal) => {
        if (controller.signal.aborted)
            process.exit(130);
        log.warning(`Received ${signal}: starting no new change, abandoning waits (again to quit at once).`);
        journal.append('cancelled', { status: 'warning', details: { signal } });
        controller.abort(new Error(`cancelled by ${signal}`));
    };
    process.on('SIGINT', onSignal);
    let end;
    try {
        end = await (0,pipeline/* runPipeline */.a)({
            inputs,
            workspace,
            releaseId,
            journal,
            clock: e.clock,
            log,
            signal: controller.signal,
            github: sha ? { sha } : {},
            builtins: { run: releaseId, release: releaseId, sha: sha ?? '' },
            branch: o.branch ?? git(workspace, 'branch', '--show-current') ?? '',
            httpGet: release_id/* httpGet */.l,
            evidenceDir,
            localLedger: o.localState
        });
    }
    catch (err) {
        const message = redact/* redactor */.$.redact(err instanceof Error ? err.message : String(err));
        journal.append('error', { status: 'error', details: { message } });
        end = { outcome: 'failed', stepError: `Release ${releaseId} failed: ${message}` };
    }
    finally {
        process.removeListener('SIGINT', onSignal);
    }
    return report(journal, end, { e, evidenceDir, releaseId });
}
function report(journal, end, r) {
    (0,seal/* sealJournal */.n)(journal, r.e.clock, end);
    const auditPath = (0,external_node_path_.join)(r.evidenceDir, `flow-release-${r.releaseId}.audit.json`);
    const audit = (0,evidence_audit/* buildAuditDocument */.BV)(journal.events);
    (0,evidence_audit/* writeAuditDocument */.Ay)(auditPath, audit);
    const summary = (0,evidence_summary/* buildSummary */.fR)(journal.events, { auditLocalPath: auditPath });
    r.e.io.out(`\n${redact/* redactor */.$.redact(renderSummaryForTerminal(summary))}\n`);
    r.e.io.out(`Audit log: ${auditPath} (hash chain head ${audit.chain.headHash})\nJournal:   ${journal.path}\n`);
    const ok = (end.outcome === 'succeeded' || end.outcome === 'planned') && !end.stepError;
    if (end.stepError)
        r.e.io.err(`flow-release: ${redact/* redactor */.$.redact(end.stepError)}\n`);
    return ok ? 0 : 1;
}
/** One git query in the workspace; undefined when it is not a repository (plan works without one). */
function git(cwd, ...args) {
    try {
        const out = (0,external_node_child_process_.execFileSync)('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        return out || undefined;
    }
    catch {
        return undefined;
    }
}


/***/ })

};
