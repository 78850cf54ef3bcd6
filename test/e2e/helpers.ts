// Shared helpers for the end-to-end tests: the action process (scripts/lib/action-runner.ts `runAction`, i.e.
// dist/index.js, or the sources with FLOW_RELEASE_ENTRY=src/index.ts) against the emulator started in-process on a
// free port over loopback HTTP, with tiny latencies so each release takes a few seconds of real time.
//
// Stable exports (other e2e files import them):
//   startTestEmulator(scenario)            → the emulator (emulator/server.ts `Emulator`), fast latencies by default
//   makeRepo({ manifest, flows, files })   → a git repository with a bare origin (scripts/lib/git-fixture.ts)
//   makeWorkspace({ manifest, flows })     → the same files in a plain directory (no git), for validation runs
//   release(repo, emu, inputs?, env?)      → runs the action; the ActionRun plus journal events and annotations
//   baseScenario(), baseManifest(), fixtureFlows(), FLOW_FILES, flowState(), publishedSha(), publishedContent(),
//   mutatingKeys(), publishCount(), duplicatePublishes(), eventsOf(), firstEvent(), annotations(), describeRun()
//   tempDir(prefix)                        → a directory under the temp dir, removed after the test file
//
// Temp directories: the repositories, workspaces and every run's RUNNER_TEMP are tempDirs (test/support/temp.ts),
// removed in afterAll. Time: a run has no wall-clock budget, only an idle watchdog (RUN_IDLE_TIMEOUT_MS of silence,
// which slowness does not trip: the action logs each step, and each wait at least every 10 s; the longest silence in
// these tests is a 60 s bake without checks); jest's per-test timeout in these files is E2E_TEST_TIMEOUT_MS, a hang
// guard far beyond any run on a slow, loaded machine.
import { jest } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ScenarioInput } from '../../emulator/scenario.ts';
import { renderExport } from '../../emulator/render.ts';
import { startEmulator, type Emulator, type RequestRecord } from '../../emulator/server.ts';
import { runAction, type ActionRun } from '../../scripts/lib/action-runner.ts';
import { createGitFixture, type GitFixture } from '../../scripts/lib/git-fixture.ts';
import type { EventDetails, EventType, JournalEvent } from '../../src/journal/events.ts';
import { normalizeExport } from '../../src/git/normalize.ts';
import type { LedgerDocument } from '../../src/ledger/schema.ts';
import { removeTemp, tempDir } from '../support/temp.ts';

export { tempDir } from '../support/temp.ts';

/** The action process is killed after this long without output (see RunActionOptions.idleTimeoutMs). */
export const RUN_IDLE_TIMEOUT_MS = 180_000;
/**
 * jest's timeout for each test and hook of the e2e files: a hang guard only. What bounds a test is the action's own
 * deadlines (job-timeout, check timeouts, bakes, on the action's clock) and the idle watchdog above, not a budget of
 * real seconds that a slow machine could exceed.
 */
export const E2E_TEST_TIMEOUT_MS = 30 * 60_000;
jest.setTimeout(E2E_TEST_TIMEOUT_MS);

export type { Emulator, RequestRecord } from '../../emulator/server.ts';
export type { ActionRun } from '../../scripts/lib/action-runner.ts';
export type { GitFixture } from '../../scripts/lib/git-fixture.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Latencies small enough for a release of a few seconds, large enough that every job is polled at least once. */
export const FAST_LATENCY = { jobMs: 30, exportMs: 20, validateMs: 20, publishMs: 30, executionMs: 20 } as const;

/**
 * Starts the emulator in-process on port 0 (real clock). `latency` and `rateLimit` default to fast values; anything
 * in `scenario` wins. Close it with `emu.close()` (afterAll).
 */
export async function startTestEmulator(scenario: ScenarioInput = {}): Promise<Emulator> {
  return startEmulator({
    port: 0,
    host: '127.0.0.1',
    scenario: {
      rateLimit: { perMinute: 100_000 },
      ...scenario,
      latency: { ...FAST_LATENCY, ...(scenario.latency ?? {}) }
    }
  });
}

/** The three flow files under fixtures/flows, keyed by their path in the repository. */
export const FLOW_FILES = {
  support: 'genesys/flows/support-ivr.yaml',
  billing: 'genesys/flows/billing-ivr.yaml',
  callback: 'genesys/flows/callback-workflow.yaml'
} as const;

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** `{ 'genesys/flows/support-ivr.yaml': <text>, ... }` for makeRepo's `flows`. */
export function fixtureFlows(): Record<string, string> {
  return {
    [FLOW_FILES.support]: fixture('flows/support-ivr.yaml'),
    [FLOW_FILES.billing]: fixture('flows/billing-ivr.yaml'),
    [FLOW_FILES.callback]: fixture('flows/callback-workflow.yaml')
  };
}

/** An org holding the fixture flows' dependencies and one published version of each, with healthy traffic. */
export function baseScenario(extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    queues: ['Support', 'Billing'],
    dataActions: ['Lookup Customer'],
    flows: [
      { name: 'Support IVR', type: 'inboundcall', versions: 1, traffic: { perMinute: 30, initial: 40 } },
      { name: 'Billing IVR', type: 'inboundcall', versions: 2, traffic: { perMinute: 30, initial: 40 } },
      { name: 'Callback Workflow', type: 'workflow', versions: 1, traffic: { perMinute: 10, initial: 40 } }
    ],
    ...extra
  };
}

export interface BaseManifestOptions {
  /** Substituted into every fixture flow as {{greeting}}: change it to change the content of all three. */
  greeting?: string;
  bake?: string;
}

/**
 * Two stages: `canary` (Callback Workflow, execution check `smoke`) then `everything` (Support IVR + Billing IVR,
 * analytics check `failures`). A plain object: tests edit it before passing it to makeRepo.
 */
export function baseManifest(o: BaseManifestOptions = {}): Record<string, unknown> & {
  flows: Record<string, unknown>[];
  stages: Record<string, unknown>[];
  checks: Record<string, Record<string, unknown>>;
} {
  const greeting = o.greeting ?? 'Hello';
  const bake = o.bake ?? '1s';
  return {
    version: 1,
    flows: [
      { name: 'Callback Workflow', type: 'workflow', file: FLOW_FILES.callback, substitutions: { greeting } },
      {
        name: 'Support IVR',
        type: 'inboundcall',
        file: FLOW_FILES.support,
        substitutions: { greeting, queue: 'Support' }
      },
      { name: 'Billing IVR', type: 'inboundcall', file: FLOW_FILES.billing, substitutions: { greeting } }
    ],
    stages: [
      { name: 'canary', flows: ['Callback Workflow'], bake, 'check-interval': '1s', checks: ['smoke'] },
      { name: 'everything', flows: ['Support IVR', 'Billing IVR'], bake, 'check-interval': '1s', checks: ['failures'] }
    ],
    checks: {
      smoke: {
        kind: 'execution',
        flow: 'Callback Workflow',
        input: { customerId: 'synthetic-{{run}}' },
        expect: { status: 'COMPLETED', output: { ok: true } },
        timeout: '10s'
      },
      failures: {
        kind: 'analytics',
        metric: 'outcome-failure-rate',
        max: 0.05,
        'min-samples': 20,
        'on-insufficient-data': 'fail'
      }
    },
    rollback: { automatic: true, 'new-flows': 'delete' },
    artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' },
    'job-timeout': '30s'
  };
}

export interface RepoFiles {
  /** The manifest: a string is written as-is (for broken YAML), an object as YAML. */
  manifest: string | Record<string, unknown>;
  /** Flow files by repository path. Default: fixtureFlows(). */
  flows?: Record<string, string>;
  /** Any other files by repository path (string or bytes). */
  files?: Record<string, string | Buffer>;
  /** Where the manifest goes; default genesys/release.yml (the action's default input). */
  manifestPath?: string;
}

function writeFiles(dir: string, f: RepoFiles): void {
  const all: Record<string, string | Buffer> = {
    [f.manifestPath ?? 'genesys/release.yml']: typeof f.manifest === 'string' ? f.manifest : stringify(f.manifest),
    ...(f.flows ?? fixtureFlows()),
    ...(f.files ?? {})
  };
  for (const [rel, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

/** A git repository (workspace + bare origin on `main`) holding the manifest and flow files, committed and pushed. */
export function makeRepo(f: RepoFiles): GitFixture {
  const src = tempDir('flow-release-e2e-src-');
  try {
    writeFiles(src, f);
    return createGitFixture(src, 'flow-release-e2e-');
  } finally {
    removeTemp(src);
  }
}

/** The same files in a plain directory: enough for runs that must stop at validation (no commit is attempted). */
export function makeWorkspace(f: RepoFiles): { workspace: string } {
  const workspace = tempDir('flow-release-e2e-ws-');
  writeFiles(workspace, f);
  return { workspace };
}

/** Writes files into a repository, commits and pushes them (the next release sees a new commit). */
export function commitFiles(repo: GitFixture, files: Record<string, string | Record<string, unknown>>, msg: string) {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.workspace, rel)), { recursive: true });
    writeFileSync(join(repo.workspace, rel), typeof content === 'string' ? content : stringify(content));
  }
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', msg);
  repo.git('push', '-q', 'origin', 'main');
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  props: Record<string, string>;
  message: string;
}

export interface E2eRun extends ActionRun {
  /** The journal's events (from the audit document, else the journal file). */
  events: JournalEvent[];
  annotations: Annotation[];
}

/** Unescapes a workflow command's data (%25 %0D %0A) and properties (also %3A %2C). */
function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** The `::error ...::` / `::warning ...::` commands of a run's stdout. */
export function annotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const at = kv.indexOf('=');
      props[kv.slice(0, at)] = unescape(kv.slice(at + 1));
    }
    out.push({ level: m[1] as Annotation['level'], props, message: unescape(m[3] ?? '') });
  }
  return out;
}

function readEvents(run: ActionRun): JournalEvent[] {
  const fromAudit = (run.audit as { events?: JournalEvent[] } | undefined)?.events;
  if (fromAudit) return fromAudit;
  const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  if (!journal) return [];
  return readFileSync(journal, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JournalEvent);
}

/** Inputs pointing the action at the emulator (no region, loopback api-url/login-url). */
export function emulatorInputs(emu: Emulator): Record<string, string> {
  return {
    command: 'deploy',
    manifest: 'genesys/release.yml',
    'api-url': emu.baseUrl,
    'login-url': emu.baseUrl,
    'client-id': emu.clientId,
    'client-secret': emu.clientSecret,
    'commit-artifacts': 'true',
    'github-token': '',
    'audit-artifact-name': 'flow-release-audit'
  };
}

let runCounter = 2000;

export interface ReleaseRunOptions {
  /** SIGKILL the action as soon as this returns true (polled every few milliseconds while it runs). */
  killWhen?: () => boolean;
}

/**
 * Runs the action once in `repo.workspace` against `emu`. `inputs` override emulatorInputs(emu) (e.g.
 * `{ command: 'plan' }`, `{ flows: 'Support IVR' }`). GITHUB_SHA is the repository's HEAD when it is a git fixture.
 */
export async function release(
  repo: { workspace: string; head?: () => string },
  emu: Emulator,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  options: ReleaseRunOptions = {}
): Promise<E2eRun> {
  let poll: NodeJS.Timeout | undefined;
  const run = await runAction({
    workspace: repo.workspace,
    inputs: { ...emulatorInputs(emu), ...inputs },
    env: { GITHUB_RUN_ID: String(runCounter++), ...(repo.head ? { GITHUB_SHA: repo.head() } : {}), ...env },
    idleTimeoutMs: RUN_IDLE_TIMEOUT_MS,
    ...(options.killWhen
      ? {
          // kill -9 the moment the condition holds (polled in-process, e.g. on the emulator's state): no signal
          // handler runs, nothing is flushed, the ledger keeps whatever was pushed before.
          onStart: (child) => {
            const when = options.killWhen!;
            poll = setInterval(() => {
              if (when()) {
                clearInterval(poll);
                child.kill('SIGKILL');
              }
            }, 2);
          }
        }
      : {})
  });
  clearInterval(poll);
  return { ...run, events: readEvents(run), annotations: annotations(run.stdout) };
}

/** The events of one type, typed. */
export function eventsOf<T extends EventType>(run: { events: JournalEvent[] }, type: T): JournalEvent<T>[] {
  return run.events.filter((e) => e.type === type) as JournalEvent<T>[];
}

/** The details of the first event of a type (throws when there is none, so a test fails with a clear message). */
export function firstEvent<T extends EventType>(run: { events: JournalEvent[] }, type: T): EventDetails[T] {
  const e = eventsOf(run, type)[0];
  if (!e) throw new Error(`no ${type} event in the journal (types: ${run.events.map((x) => x.type).join(', ')})`);
  return e.details;
}

export type FlowState = ReturnType<Emulator['state']>['flows'][number];

/** The emulator's state of one flow by name (the live one if a deleted flow has the same name). */
export function flowState(emu: Emulator, name: string): FlowState {
  const all = emu.state().flows.filter((f) => f.name === name);
  const f = all.find((x) => !x.deleted) ?? all[0];
  if (!f) throw new Error(`the emulator has no flow named ${name}`);
  return f;
}

/** sha256 of the flow's currently published version (null when none). */
export function publishedSha(emu: Emulator, name: string): string | null {
  const f = flowState(emu, name);
  return f.versions.find((v) => v.id === f.publishedVersion)?.sha256 ?? null;
}

/** The stored YAML of the flow's currently published version, read from the emulator's org (null when none). */
export function publishedYaml(emu: Emulator, name: string): string | null {
  const live = emu.org.flows.filter((f) => f.name === name);
  const f = live.find((x) => !x.deleted) ?? live[0];
  return f?.versions.find((v) => v.id === f.publishedVersionId)?.yaml ?? null;
}

/**
 * The published content as an export of it reads (Architect's rendering, as the emulator renders exports), after
 * export normalisation (src/git/normalize.ts): what a rollback must restore. A restored version is a re-upload of an
 * export, so its stored text differs from the original upload; its rendering does not (rendering is idempotent).
 */
export function publishedContent(emu: Emulator, name: string): string | null {
  const live = emu.org.flows.filter((f) => f.name === name);
  const f = live.find((x) => !x.deleted) ?? live[0];
  const yaml = publishedYaml(emu, name);
  return yaml === null ? null : normalizeExport(renderExport(yaml, { division: f?.division.name }));
}

/** `METHOD /template` of every mutating request since the last resetRequests(). */
export function mutatingKeys(emu: Emulator): string[] {
  return emu.mutatingRequests().map((r: RequestRecord) => r.key);
}

/** Total duplicate publishes over every flow (must stay 0: a re-sent publish is a bug). */
export function duplicatePublishes(emu: Emulator): number {
  return emu.state().flows.reduce((n, f) => n + f.duplicatePublishes, 0);
}

/** Architect jobs whose file was uploaded and that have not ended yet (they may still publish). */
export function pendingJobs(emu: Emulator): string[] {
  return [...emu.org.architectJobs.values()]
    .filter((j) => j.startedAt !== undefined)
    .filter((j) => {
      const status = emu.org.architectJobStatus(j);
      return status !== 'Success' && status !== 'Failure';
    })
    .map((j) => j.id);
}

/** The org's release ledger as pushed to the repository's origin (undefined when there is none). */
export function ledgerOf(repo: GitFixture, orgId: string, branch = 'flow-release-state'): LedgerDocument | undefined {
  try {
    return JSON.parse(repo.remoteGit('show', `${branch}:orgs/${orgId}/ledger.json`)) as LedgerDocument;
  } catch {
    return undefined;
  }
}

/** Total publishes over every flow. */
export function publishCount(emu: Emulator): number {
  return emu.state().flows.reduce((n, f) => n + f.publishCount, 0);
}

/** A compact description of a failed run for assertion messages. */
export function describeRun(run: ActionRun): string {
  const tail = run.stdout.split('\n').slice(-40).join('\n');
  const killed = run.killedBy ? `, killed by the runner's ${run.killedBy} watchdog` : '';
  return `exit ${run.exitCode}${killed}, outputs ${JSON.stringify(run.outputs)}\n--- stdout (tail) ---\n${tail}\n--- stderr ---\n${run.stderr.slice(-2000)}`;
}
