// The command line of `flow-release`: the command, the settings (the action's input names, as flags or as
// FLOW_RELEASE_* variables) and the options only a local run has. Secrets never come from a flag: a flag lands in the
// shell history and the process list, so the client secret comes from the environment or from standard input.
import { parseArgs } from 'node:util';
import type { Command } from '../domain/types.ts';
import { COMMANDS } from '../settings/inputs.ts';

export const USAGE = `Usage: flow-release <plan|deploy|rollback|doctor> [options]

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

export class UsageError extends Error {
  constructor(message: string) {
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
] as const;

/** Other variables accepted for a setting, after FLOW_RELEASE_<NAME>. */
const ALIASES: Record<string, readonly string[]> = {
  'client-id': ['GENESYS_CLOUD_CLIENT_ID'],
  'client-secret': ['GENESYS_CLOUD_CLIENT_SECRET']
};

export interface CliOptions {
  command: Command;
  /** Raw setting values by action input name, for getInputs (which validates them exactly as the action does). */
  values: Record<string, string>;
  workspace?: string;
  auditDir?: string;
  branch?: string;
  /** Keep the release ledger in the local repository (never pushed). */
  localState: boolean;
  secretFromStdin: boolean;
  verbose: boolean;
}

export type Parsed = { help: true } | ({ help: false } & CliOptions);

const envName = (setting: string) => `FLOW_RELEASE_${setting.toUpperCase().replace(/-/g, '_')}`;

function fromEnv(setting: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of [envName(setting), ...(ALIASES[setting] ?? [])]) {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function rejectSecretFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    const name = /^--(client-secret|github-token)(=|$)/.exec(arg)?.[1];
    if (name)
      throw new UsageError(
        `--${name} is not accepted: a secret on the command line ends up in the shell history and the process list. ` +
          (name === 'client-secret'
            ? 'Set FLOW_RELEASE_CLIENT_SECRET (or GENESYS_CLOUD_CLIENT_SECRET), or pipe it in with --client-secret-stdin.'
            : 'Set FLOW_RELEASE_GITHUB_TOKEN, or leave it out and git uses your own credentials.')
      );
  }
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  rejectSecretFlags(argv);
  const options = Object.fromEntries(SETTINGS.map((s) => [s, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
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
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return { help: true };
  return { help: false, ...toOptions(parsed.positionals, v, env) };
}

function toOptions(
  positionals: string[],
  v: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv
): CliOptions {
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError(`Say what to do: ${COMMANDS.join(', ')}.`);
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`Unknown command '${command}': use ${COMMANDS.join(', ')}.`);
  if (extra.length) throw new UsageError(`Unexpected argument(s) after ${command}: ${extra.length} extra; see --help.`);
  const values: Record<string, string> = { command };
  for (const s of SETTINGS) {
    const flag = v[s];
    const value = typeof flag === 'string' ? flag : fromEnv(s, env);
    if (value !== undefined) values[s] = value;
  }
  if (v['commit-artifacts'] && v['no-commit-artifacts'])
    throw new UsageError('--commit-artifacts and --no-commit-artifacts contradict each other; give one.');
  if (v['commit-artifacts']) values['commit-artifacts'] = 'true';
  if (v['no-commit-artifacts']) values['commit-artifacts'] = 'false';
  const secret = fromEnv('client-secret', env);
  if (v['client-secret-stdin'] && secret !== undefined)
    throw new UsageError('--client-secret-stdin was given and a client secret is set in the environment; use one.');
  if (secret !== undefined) values['client-secret'] = secret;
  const token = env.FLOW_RELEASE_GITHUB_TOKEN;
  if (token) values['github-token'] = token;
  return {
    command: command as Command,
    values,
    ...(typeof v.workspace === 'string' ? { workspace: v.workspace } : {}),
    ...(typeof v['audit-dir'] === 'string' ? { auditDir: v['audit-dir'] } : {}),
    ...(typeof v.branch === 'string' ? { branch: v.branch } : {}),
    localState: v['local-state'] === true,
    secretFromStdin: v['client-secret-stdin'] === true,
    verbose: v.verbose === true
  };
}
