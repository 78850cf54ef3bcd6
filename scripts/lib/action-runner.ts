// Runs the built action (dist/index.js) the way a GitHub runner does: INPUT_* variables, a step-summary file, an
// outputs file, a state file and RUNNER_TEMP — used by the demo, the end-to-end tests, the fault suite and the bench.
// RUNNER_TEMP is a fresh directory under os.tmpdir() (scripts/lib/temp.ts tempDir: the caller removes it with
// removeTemp(run.runnerTemp) or removeAllTemp()), and the action's TMPDIR is a folder inside it, so nothing the action
// writes lands outside what the caller cleans up — even when the action is killed (SIGKILL) with temp files open.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  runnerTemp: string;
  /** Paths of every evidence file the run left (journal, audit). */
  evidenceFiles: string[];
  auditPath?: string;
  audit?: Record<string, unknown>;
  durationMs: number;
  /** Set when the runner killed the process (SIGKILL): after `timeoutMs` in all, or `idleTimeoutMs` of silence. */
  killedBy?: 'timeout' | 'idle';
}

export interface RunActionOptions {
  workspace: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Entry point; default dist/index.js. */
  entry?: string;
  /** Called once the process is started (e.g. to send it a signal later). */
  onStart?: (child: ChildProcess) => void;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /**
   * Kills the process (SIGKILL) after this long in all. Default 120 s, or none when `idleTimeoutMs` is given: a total
   * budget is a wall-clock deadline that a slow machine can exceed, so the tests use the idle watchdog alone.
   */
  timeoutMs?: number;
  /**
   * Kills the process (SIGKILL) after this long without a byte on stdout or stderr: a hang guard that slowness does
   * not trip, since the action logs every step, and every wait at least every 10 s (a bake without checks is one
   * silent sleep of the bake: keep this above the longest bake).
   */
  idleTimeoutMs?: number;
  /**
   * Starts the action in its own process group (detached): `killActionGroup(child)` then SIGKILLs the action and every
   * process it started (git), as a runner that dies would. The fault suite's kill points use it.
   */
  processGroup?: boolean;
}

/** Parses GitHub's file-command format (`name<<DELIM\nvalue\nDELIM` or `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

const running = new Set<ChildProcess>();
const grouped = new WeakSet<ChildProcess>();

/** SIGKILLs a child and, when it was started with `processGroup: true`, every process of its group. Never throws. */
export function killActionGroup(child: ChildProcess): void {
  try {
    if (grouped.has(child) && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs every action process still running: for a script interrupted mid-run, before it removes their RUNNER_TEMP
 * (a process left to handle the signal itself would write its evidence there after the removal).
 */
export function killRunningActions(): void {
  for (const child of running) killActionGroup(child);
}

export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  const runnerTemp = tempDir('flow-release-runner-');
  const files = { summary: 'step-summary.md', output: 'output.txt', state: 'state.txt', env: 'env.txt' };
  for (const f of Object.values(files)) writeFileSync(join(runnerTemp, f), '');
  const actionTmp = join(runnerTemp, 'tmp');
  mkdirSync(actionTmp);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    TMPDIR: actionTmp,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_STEP_SUMMARY: join(runnerTemp, files.summary),
    GITHUB_OUTPUT: join(runnerTemp, files.output),
    GITHUB_STATE: join(runnerTemp, files.state),
    GITHUB_ENV: join(runnerTemp, files.env),
    RUNNER_TEMP: runnerTemp,
    GITHUB_REPOSITORY: 'contoso/contact-centre-flows',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKFLOW: 'Release flows',
    GITHUB_SERVER_URL: 'https://github.com',
    GIT_TERMINAL_PROMPT: '0',
    ...opts.env
  };
  for (const [k, v] of Object.entries(opts.inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const started = Date.now();
  // FLOW_RELEASE_ENTRY=src/index.ts runs the sources directly (Node 24 strips the types) while developing.
  const entry = opts.entry ?? resolve(REPO_ROOT, process.env.FLOW_RELEASE_ENTRY ?? 'dist/index.js');
  const child = spawn(process.execPath, [entry], {
    cwd: opts.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.processGroup ? { detached: true } : {})
  });
  running.add(child);
  if (opts.processGroup) grouped.add(child);
  opts.onStart?.(child);
  let stdout = '';
  let stderr = '';
  let killedBy: ActionRun['killedBy'];
  const kill = (why: 'timeout' | 'idle') => {
    killedBy ??= why;
    killActionGroup(child);
  };
  const totalMs = opts.timeoutMs ?? (opts.idleTimeoutMs === undefined ? 120_000 : undefined);
  const timer = totalMs === undefined ? undefined : setTimeout(() => kill('timeout'), totalMs);
  let idle: NodeJS.Timeout | undefined;
  const active = () => {
    if (opts.idleTimeoutMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => kill('idle'), opts.idleTimeoutMs);
  };
  active();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    active();
    stdout += d;
    opts.onStdout?.(d);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    active();
    stderr += d;
  });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) =>
    child.on('close', (code, sig) => res([code, sig]))
  );
  running.delete(child);
  clearTimeout(timer);
  clearTimeout(idle);
  const read = (f: string) => readFileSync(join(runnerTemp, f), 'utf8');
  const evidenceFiles = listFiles(join(runnerTemp, 'flow-release'));
  const auditPath = evidenceFiles.find((f) => f.endsWith('.audit.json'));
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(read(files.output)),
    summary: read(files.summary),
    state: parseFileCommands(read(files.state)),
    runnerTemp,
    evidenceFiles,
    auditPath,
    audit: auditPath ? (JSON.parse(readFileSync(auditPath, 'utf8')) as Record<string, unknown>) : undefined,
    durationMs: Date.now() - started,
    ...(killedBy ? { killedBy } : {})
  };
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
