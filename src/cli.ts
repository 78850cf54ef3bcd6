// `npx flow-release <plan|deploy|rollback>`: the command-line edge, beside the action's (main.ts). It reads the
// settings from flags and the environment, validates them exactly as the action validates its inputs, runs the same
// pipeline, and tells the same story: the summary rendered for a terminal and the audit log written to a file.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getInputs, InputError, type Inputs } from './settings/inputs.ts';
import { parseCli, UsageError, USAGE, type CliOptions } from './cli/args.ts';
import { ConsoleLogger, type CliIo } from './cli/console-logger.ts';
import { systemClock, type Clock } from './common/clock.ts';
import { redactor } from './common/redact.ts';
import { httpGet, newReleaseId } from './common/release-id.ts';
import type { RunEnd } from './domain/types.ts';
import { buildAuditDocument, writeAuditDocument } from './evidence/audit.ts';
import { sealJournal } from './evidence/seal.ts';
import { buildSummary } from './evidence/summary.ts';
import { renderSummaryForTerminal } from './evidence/terminal.ts';
import { Journal } from './journal/journal.ts';
import { runPipeline } from './pipeline.ts';

export interface CliEnv {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The whole of standard input (for --client-secret-stdin). */
  readStdin(): Promise<string>;
  clock: Clock;
}

const processEnv = (): CliEnv => ({
  io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
  env: process.env,
  cwd: process.cwd(),
  readStdin: async () => {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
  clock: systemClock
});

/** Runs one command; resolves to the exit status (0 succeeded/planned, 1 other outcomes, 2 usage errors). */
export async function cli(argv: readonly string[], e: CliEnv = processEnv()): Promise<number> {
  const usage = (message: string) => {
    e.io.err(`flow-release: ${redactor.redact(message)}\n\nRun flow-release --help for the usage.\n`);
    return 2;
  };
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv, e.env);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  if (parsed.help) {
    e.io.out(`${USAGE}\n`);
    return 0;
  }
  if (parsed.secretFromStdin) parsed.values['client-secret'] = (await e.readStdin()).replace(/\r?\n$/, '');
  let inputs: Inputs;
  try {
    inputs = getInputs((name) => parsed.values[name] ?? '');
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const hint = 'Each setting is a flag (--client-id) or a variable (FLOW_RELEASE_CLIENT_ID); see --help.';
    return usage(`${err.message.replace('Invalid action inputs', 'Invalid settings')}\n${hint}`);
  }
  redactor.addBasic(inputs.clientId, inputs.clientSecret);
  return release(inputs, parsed, e);
}

async function release(inputs: Inputs, o: CliOptions, e: CliEnv): Promise<number> {
  const log = new ConsoleLogger(e.io, o.verbose);
  const workspace = resolve(e.cwd, o.workspace ?? '.');
  const releaseId = newReleaseId(e.clock);
  const evidenceDir = resolve(e.cwd, o.auditDir ?? join(tmpdir(), 'flow-release', releaseId));
  mkdirSync(evidenceDir, { recursive: true });
  const journal = Journal.create({ dir: evidenceDir, releaseId, clock: e.clock });
  const sha = git(workspace, 'rev-parse', 'HEAD');
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    log.warning(`Received ${signal}: starting no new change, abandoning waits (again to quit at once).`);
    journal.append('cancelled', { status: 'warning', details: { signal } });
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  let end: RunEnd;
  try {
    end = await runPipeline({
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
      httpGet,
      evidenceDir,
      localLedger: o.localState
    });
  } catch (err) {
    const message = redactor.redact(err instanceof Error ? err.message : String(err));
    journal.append('error', { status: 'error', details: { message } });
    end = { outcome: 'failed', stepError: `Release ${releaseId} failed: ${message}` };
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  return report(journal, end, { e, evidenceDir, releaseId });
}

function report(journal: Journal, end: RunEnd, r: { e: CliEnv; evidenceDir: string; releaseId: string }): number {
  sealJournal(journal, r.e.clock, end);
  const auditPath = join(r.evidenceDir, `flow-release-${r.releaseId}.audit.json`);
  const audit = buildAuditDocument(journal.events);
  writeAuditDocument(auditPath, audit);
  const summary = buildSummary(journal.events, { auditLocalPath: auditPath });
  r.e.io.out(`\n${redactor.redact(renderSummaryForTerminal(summary))}\n`);
  r.e.io.out(`Audit log: ${auditPath} (hash chain head ${audit.chain.headHash})\nJournal:   ${journal.path}\n`);
  const ok = (end.outcome === 'succeeded' || end.outcome === 'planned') && !end.stepError;
  if (end.stepError) r.e.io.err(`flow-release: ${redactor.redact(end.stepError)}\n`);
  return ok ? 0 : 1;
}

/** One git query in the workspace; undefined when it is not a repository (plan works without one). */
function git(cwd: string, ...args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}
