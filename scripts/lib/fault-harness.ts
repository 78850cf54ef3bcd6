// The fault suite's harness: a world (an in-process emulator + a git fixture + a planted client secret), the action
// runs made in it, and the four invariants every scenario is checked against:
//   1. no secret in any output (stdout, stderr, summary, outputs, state, audit, journal, the runner temp dir with the
//      local artifact, the repository's files and the bare remote's `git log -p`), in raw, base64(id:secret),
//      URL-encoded and JSON-escaped forms, nor any access token the emulator issued;
//   2. every mutating call the emulator saw is accounted for in the journals (see `accountMutations`);
//   3. the outcome output and the exit code agree (0 only for succeeded/planned);
//   4. every manifest flow's final state is reported in the audit document's `flows`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  startEmulator,
  type Emulator,
  type EmulatorState,
  type MutationHooks,
  type RequestRecord
} from '../../emulator/server.ts';
import { runAction, type ActionRun, type RunActionOptions } from './action-runner.ts';
import { createGitFixture, type GitFixture } from './git-fixture.ts';
import type { DurableFigures } from './fault-kill.ts';
import { keepTemp, removeTemp, tempDir } from './temp.ts';

export const CLIENT_ID = 'fault-suite-client';

/** A secret with characters that differ between raw, URL-encoded, base64 and JSON forms. */
export function plantedSecret(): string {
  return `Fs+${randomBytes(6).toString('hex')}/sec=ret&%"q`;
}

/** Every form a leaked secret could take. */
export function secretForms(id: string, secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    Buffer.from(`${id}:${secret}`).toString('base64'),
    Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64'),
    Buffer.from(secret).toString('base64'),
    JSON.stringify(secret).slice(1, -1)
  ]);
  return [...forms].filter((f) => f.length >= 8);
}

export interface Leak {
  where: string;
  form: string;
}

/** Finds any of `needles` in `text`; returns where (and a redacted hint of which form). */
export function findLeaks(where: string, text: string, needles: string[]): Leak[] {
  const out: Leak[] = [];
  for (const n of needles) if (n && text.includes(n)) out.push({ where, form: `${n.slice(0, 3)}…(${n.length} chars)` });
  return out;
}

function walkFiles(dir: string, skip: (p: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (skip(p)) continue;
    if (d.isDirectory()) out.push(...walkFiles(p, skip));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

export interface FlowSpec {
  name: string;
  type?: string;
  /** File flows: YAML written to genesys/flows/<slug>.yaml (or `path`). Omit with `source: draft`. */
  yaml?: string;
  path?: string;
  source?: 'draft';
  extra?: string;
}

export interface StageSpec {
  name: string;
  flows: string[];
  bake?: string;
  checks?: string[];
  extra?: string;
}

export interface ManifestSpec {
  flows: FlowSpec[];
  stages?: StageSpec[];
  checks?: string;
  rollback?: string;
  artifactsDir?: string;
  extra?: string;
}

export const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function ivrYaml(name: string, greeting: string, queue = 'Support'): string {
  return [
    'inboundCall:',
    `  name: ${JSON.stringify(name)}`,
    '  division: Home',
    '  startUpRef: "/inboundCall/tasks/task[Main_10]"',
    '  defaultLanguage: en-us',
    '  initialGreeting:',
    `    tts: ${JSON.stringify(greeting)}`,
    '  tasks:',
    '    - task:',
    '        name: Main',
    '        refId: Main_10',
    '        actions:',
    '          - transferToAcd:',
    '              name: Transfer',
    '              targetQueue:',
    '                lit:',
    `                  name: ${JSON.stringify(queue)}`,
    ''
  ].join('\n');
}

/** The manifest text and flow files of a release. */
export function manifestFiles(m: ManifestSpec): Record<string, string> {
  const files: Record<string, string> = {};
  const lines = ['version: 1', 'flows:'];
  for (const f of m.flows) {
    lines.push(`  - name: ${JSON.stringify(f.name)}`, `    type: ${f.type ?? 'inboundcall'}`);
    if (f.source === 'draft') lines.push('    source: draft');
    else {
      const path = f.path ?? `genesys/flows/${slug(f.name)}.yaml`;
      lines.push(`    file: ${JSON.stringify(path)}`);
      if (f.yaml !== undefined) files[path] = f.yaml;
    }
    if (f.extra) lines.push(...f.extra.split('\n').map((l) => `    ${l}`));
  }
  if (m.stages) {
    lines.push('stages:');
    for (const s of m.stages) {
      lines.push(`  - name: ${JSON.stringify(s.name)}`, `    flows: ${JSON.stringify(s.flows)}`);
      lines.push(`    bake: ${s.bake ?? '1s'}`);
      if (s.checks) lines.push(`    checks: ${JSON.stringify(s.checks)}`);
      if (s.extra) lines.push(...s.extra.split('\n').map((l) => `    ${l}`));
    }
  }
  if (m.checks) lines.push('checks:', ...m.checks.split('\n').map((l) => `  ${l}`));
  lines.push(`rollback: ${m.rollback ?? '{ automatic: true, new-flows: delete }'}`);
  lines.push(
    `artifacts: { dir: ${JSON.stringify(m.artifactsDir ?? 'genesys/published')}, message: 'release: {{release}} [skip ci]' }`
  );
  if (m.extra) lines.push(m.extra);
  files['genesys/release.yml'] = `${lines.join('\n')}\n`;
  return files;
}

export interface OrgFlow {
  name: string;
  type?: string;
  versions?: number;
  draft?: string;
  traffic?: { perMinute: number; failureRatio: number; initial?: number };
}

export interface WorldOptions {
  org?: OrgFlow[];
  faults?: Record<string, unknown>[];
  latency?: Partial<Record<'jobMs' | 'exportMs' | 'validateMs' | 'publishMs' | 'executionMs', number>>;
  rateLimitPerMinute?: number;
  tokenLifetimeSeconds?: number;
  manifest: ManifestSpec;
  /** Extra repository files (path → content), written before the fixture's first commit. */
  files?: Record<string, string>;
  /** The org `GET /api/v2/organizations/me` answers (the ledger's key); drawn at start when absent. */
  organization?: { id: string; name?: string };
}

export const HEALTHY = { perMinute: 30, failureRatio: 0, initial: 25 };

export function defaultOrg(): OrgFlow[] {
  return [
    { name: 'Alpha IVR', versions: 1, traffic: HEALTHY },
    { name: 'Beta IVR', versions: 1, traffic: HEALTHY },
    { name: 'Gamma IVR', versions: 1, traffic: HEALTHY },
    { name: 'Draft IVR', versions: 1, traffic: HEALTHY, draft: ivrYaml('Draft IVR', 'Draft checked in by Architect') }
  ];
}

export interface DeployOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  onStdout?: RunActionOptions['onStdout'];
  /** Run in another workspace (a second clone for concurrent releases). */
  workspace?: string;
  timeoutMs?: number;
  /** Own process group (the kill points SIGKILL the whole group), and a hook once the process is started. */
  processGroup?: boolean;
  onStart?: RunActionOptions['onStart'];
}

export class World {
  readonly secret = plantedSecret();
  /** Secrets the scenario planted besides the client secret (e.g. a wrong secret). */
  readonly extraSecrets: string[] = [];
  readonly runs: ActionRun[] = [];
  em!: Emulator;
  repo!: GitFixture;
  readonly opts: WorldOptions;
  /** Observers of the emulator's mutating requests, replaceable while the world runs (the kill switch). */
  hooks: MutationHooks = {};
  /**
   * Runs killed on purpose (SIGKILL at a kill point) and what they left: a killed run has no outcome and no audit, and
   * its last mutating calls may never reach its journal — so invariants 2–4 skip it (the durable-state checks of
   * fault-kill.ts judge what it left instead): requests with seq ≤ `killedUpToSeq` and the Architect jobs that
   * existed when it died (`killedJobs`) are not required in a journal.
   */
  readonly killed = new Set<ActionRun>();
  killedUpToSeq = 0;
  readonly killedJobs = new Set<string>();
  /** The durable-state figures, when the scenario judges durable state (fault-kill.ts Durable). */
  durableFigures?: DurableFigures;
  constructor(opts: WorldOptions) {
    this.opts = opts;
  }

  async start(): Promise<this> {
    const l = this.opts.latency ?? {};
    this.em = await startEmulator({
      port: 0,
      scenario: {
        client: { id: CLIENT_ID, secret: this.secret },
        tokenLifetimeSeconds: this.opts.tokenLifetimeSeconds ?? 86_400,
        rateLimit: { perMinute: this.opts.rateLimitPerMinute ?? 100_000 },
        latency: { jobMs: 40, exportMs: 20, validateMs: 20, publishMs: 40, executionMs: 20, ...l },
        queues: ['Support', 'Billing'],
        flows: (this.opts.org ?? defaultOrg()).map((f) => ({
          name: f.name,
          type: f.type ?? 'inboundcall',
          versions: f.versions ?? 1,
          ...(f.traffic ? { traffic: f.traffic } : {}),
          ...(f.draft ? { draft: { yaml: f.draft } } : {})
        })),
        faults: this.opts.faults ?? [],
        ...(this.opts.organization ? { organization: this.opts.organization } : {})
      } as never,
      hooks: {
        received: (r) => this.hooks.received?.(r),
        answered: (r) => this.hooks.answered?.(r)
      }
    });
    const files = { ...manifestFiles(this.opts.manifest), ...this.opts.files };
    const srcDir = tempDir('flow-release-fault-src-');
    try {
      for (const [p, content] of Object.entries(files)) {
        mkdirSync(dirname(join(srcDir, p)), { recursive: true });
        writeFileSync(join(srcDir, p), content);
      }
      this.repo = createGitFixture(srcDir, 'flow-release-fault-repo-');
    } finally {
      removeTemp(srcDir);
    }
    return this;
  }

  inputs(over: Record<string, string> = {}): Record<string, string> {
    return {
      command: 'deploy',
      manifest: 'genesys/release.yml',
      'api-url': this.em.baseUrl,
      'login-url': this.em.baseUrl,
      'client-id': CLIENT_ID,
      'client-secret': this.secret,
      'commit-artifacts': 'true',
      'github-token': '',
      'audit-artifact-name': 'flow-release-audit',
      ...over
    };
  }

  async deploy(o: DeployOptions = {}): Promise<ActionRun> {
    const workspace = o.workspace ?? this.repo.workspace;
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).trim();
    const run = await runAction({
      workspace,
      inputs: this.inputs(o.inputs),
      env: { GITHUB_SHA: head, GITHUB_RUN_ID: String(1000 + this.runs.length), ...o.env },
      onStdout: o.onStdout,
      onStart: o.onStart,
      processGroup: o.processGroup,
      timeoutMs: o.timeoutMs ?? 150_000
    });
    this.runs.push(run);
    return run;
  }

  /** A second clone of the remote (another runner's checkout). */
  clone(name: string): string {
    const dir = join(this.repo.root, name);
    execFileSync('git', ['clone', '-q', this.repo.remote, dir], { stdio: 'ignore' });
    return dir;
  }

  async close(): Promise<void> {
    await this.em?.close();
  }

  /** Every directory of this world on disk: the repository (its clones inside) and each run's RUNNER_TEMP. */
  dirs(): string[] {
    return [...(this.repo ? [this.repo.root] : []), ...this.runs.map((r) => r.runnerTemp)];
  }

  /** Removes the world's directories (after close); `keep` leaves them for inspection instead. */
  dispose(keep = false): void {
    if (keep) keepTemp(...this.dirs());
    else removeTemp(...this.dirs());
  }
}

// ------------------------------------------------------------------------------------------------ journal helpers

export interface JEvent {
  seq: number;
  type: string;
  flow?: string;
  stage?: string;
  status: string;
  details: Record<string, unknown>;
}

export function journalOf(run: ActionRun): { events: JEvent[]; text: string } {
  const path = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  if (!path) return { events: [], text: '' };
  const text = readFileSync(path, 'utf8');
  const events = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JEvent);
  return { events, text };
}

export interface AuditFlowLite {
  name: string;
  status: string;
  final: { version: string | null };
  flowId: string | null;
  error: string | null;
}

export function auditFlows(run: ActionRun): AuditFlowLite[] {
  return ((run.audit?.flows as AuditFlowLite[] | undefined) ?? []).slice();
}

export function auditFlow(run: ActionRun, name: string): AuditFlowLite | undefined {
  return auditFlows(run).find((f) => f.name === name);
}

// ------------------------------------------------------------------------------------------------ invariants

export interface InvariantReport {
  secretsLeaked: Leak[];
  unaccounted: string[];
  /** Mutating calls answered with an error before any work (changed nothing): counted, not required in a journal. */
  rejectedMutations: number;
  accountedMutations: number;
  outcomeMismatches: string[];
  unreported: string[];
  duplicatePublishes: number;
  duplicateDetail: string[];
  lostCommits: string[];
  emptyCommits: string[];
}

/**
 * Invariant 2, precisely: each mutating request the emulator recorded that did (or may have done) work — answered
 * < 400, or dropped (`reset`) — must map to journal evidence of one of the scenario's runs:
 *   POST /api/v2/flows/jobs            → every Architect job the emulator created (state.jobs[].id) appears in a
 *                                         journal (publish-started / publish-failed jobId, or a rollback job's
 *                                         wait-progress id) — except a job whose registration answer was lost (still
 *                                         Registered, never uploaded: the org did not change), accounted by a
 *                                         publish-failed event naming the failed registration.
 *   PUT  /__uploads/{jobId}            → that jobId appears in a journal.
 *   POST /api/v2/flows/actions/publish → a publish-started event (method actions-publish) with that flowId.
 *   POST /api/v2/flows/actions/unlock  → a flow-unlocked event with that flowId.
 *   DELETE /api/v2/flows/{id}          → a rollback-flow event (action delete) with that flowId.
 *   POST /api/v2/flows/executions      → at most as many calls as execution check-result events.
 * Requests answered ≥ 400 without processing changed nothing; they are counted as rejected.
 */
export function accountMutations(
  mutating: RequestRecord[],
  state: EmulatorState,
  journals: { events: JEvent[]; text: string }[]
): { unaccounted: string[]; rejected: number; accounted: number } {
  const unaccounted: string[] = [];
  let rejected = 0;
  let accounted = 0;
  const allText = journals.map((j) => j.text).join('\n');
  const events = journals.flatMap((j) => j.events);
  const has = (pred: (e: JEvent) => boolean) => events.some(pred);
  let executions = 0;
  for (const r of mutating) {
    if (r.status >= 400 && !r.reset) {
      rejected++;
      continue;
    }
    const q = new URLSearchParams(r.query.replace(/^\?/, ''));
    let ok = true;
    if (r.method === 'PUT' && r.path.startsWith('/__uploads/')) {
      const jobId = r.path.split('/')[2] ?? '';
      ok = jobId !== '' && allText.includes(jobId);
    } else if (r.method === 'POST' && r.path === '/api/v2/flows/jobs') {
      ok = true; // accounted through state.jobs below
    } else if (r.method === 'POST' && r.path === '/api/v2/flows/actions/publish') {
      const flowId = q.get('flow');
      ok = has(
        (e) => e.type === 'publish-started' && e.details.method === 'actions-publish' && e.details.flowId === flowId
      );
    } else if (r.method === 'POST' && r.path === '/api/v2/flows/actions/unlock') {
      const flowId = q.get('flow');
      ok = has((e) => e.type === 'flow-unlocked' && e.details.flowId === flowId);
    } else if (r.method === 'DELETE' && r.path.startsWith('/api/v2/flows/')) {
      const flowId = r.path.split('/')[4];
      ok = has((e) => e.type === 'rollback-flow' && e.details.action === 'delete' && e.details.flowId === flowId);
    } else if (r.method === 'POST' && r.path === '/api/v2/flows/executions') {
      executions++;
    } else ok = false;
    if (ok) accounted++;
    else unaccounted.push(`${r.method} ${r.path}${r.query} → ${r.reset ? 'reset' : r.status}`);
  }
  const uploaded = new Set(mutating.filter((r) => r.path.startsWith('/__uploads/')).map((r) => r.path.split('/')[2]));
  const registrationLost = events.some(
    (e) => e.type === 'publish-failed' && /register an Architect job/i.test(String(e.details.error ?? ''))
  );
  for (const job of state.jobs) {
    if (allText.includes(job.id)) continue;
    // A registration whose answer was lost: the id never reached the action, nothing was uploaded, so the org did not
    // change; accounted by the publish-failed event that names the failed registration.
    if (job.status === 'Registered' && !uploaded.has(job.id) && registrationLost) continue;
    unaccounted.push(`Architect job ${job.id} (${job.status}) not in any journal`);
  }
  const execChecks = events.filter((e) => e.type === 'check-result' && e.details.kind === 'execution').length;
  if (executions > execChecks) unaccounted.push(`${executions} executions but ${execChecks} execution check results`);
  else accounted += 0;
  return { unaccounted, rejected, accounted };
}

export function checkOutcome(run: ActionRun, label: string): string[] {
  const out: string[] = [];
  const outcome = run.outputs.outcome;
  const valid = ['succeeded', 'rolled-back', 'failed', 'rollback-failed', 'planned'];
  if (!outcome || !valid.includes(outcome)) out.push(`${label}: outcome output missing or invalid (${outcome})`);
  const good = outcome === 'succeeded' || outcome === 'planned';
  if (run.exitCode === 0 && !good) out.push(`${label}: exit 0 with outcome ${outcome}`);
  if (run.exitCode !== 0 && !good) return out;
  if (run.exitCode !== 0 && good) {
    // Allowed only when the step failed for a named reason after a good outcome: the artifact commit failed.
    const { events } = journalOf(run);
    const commitFailed = events.some((e) => e.type === 'commit' && e.details.pushed === false);
    const finished = events.find((e) => e.type === 'release-finished');
    const msg = String(finished?.details.message ?? '');
    if (!commitFailed && !/commit/i.test(msg)) out.push(`${label}: exit ${run.exitCode} with outcome ${outcome}`);
  }
  if (run.signal) out.push(`${label}: killed by ${run.signal}`);
  return out;
}

export function checkReported(run: ActionRun, label: string, manifestFlows: string[]): string[] {
  const out: string[] = [];
  if (!run.audit) {
    // Only acceptable when the inputs were refused before a release (and its journal) existed.
    const refused = run.outputs.outcome === 'failed' && run.evidenceFiles.length === 0 && !run.outputs['release-id'];
    return refused ? [] : [`${label}: no audit document`];
  }
  const { events } = journalOf(run);
  const validationFailed = events.some((e) => e.type === 'validation-failed');
  const finished = events.find((e) => e.type === 'release-finished');
  if (!finished) out.push(`${label}: no release-finished event`);
  if (validationFailed || !events.some((e) => e.type === 'plan')) {
    // The manifest never loaded (or the inputs were refused): nothing was planned, nothing may have changed.
    return out;
  }
  const planned = (events.find((e) => e.type === 'plan')?.details.flows as { name: string }[] | undefined) ?? [];
  const names = new Set([...planned.map((f) => f.name), ...manifestFlows]);
  const flows = auditFlows(run);
  for (const n of names) {
    const f = flows.find((x) => x.name === n);
    if (!f) out.push(`${label}: flow "${n}" missing from audit.flows`);
    else if (!f.status) out.push(`${label}: flow "${n}" has no status`);
  }
  return out;
}

/**
 * Publishes whose content equals the version they replaced. Recomputed from the emulator's publish history (a publish
 * at time t replaced the version whose `datePublishedEnd` is t; re-publishing the live version again also counts),
 * and compared with the emulator's own `duplicatePublishes`: the larger is reported.
 */
export function duplicatePublishes(state: EmulatorState): { count: number; detail: string[] } {
  let count = 0;
  const detail: string[] = [];
  for (const f of state.flows) {
    let own = 0;
    let prevVersion: string | undefined;
    for (const p of f.publishes) {
      const replaced = f.versions.find((v) => v.id !== p.version && v.datePublishedEnd === p.at);
      if ((replaced && replaced.sha256 === p.sha256) || prevVersion === p.version) own++;
      prevVersion = p.version;
    }
    const n = Math.max(own, f.duplicatePublishes);
    if (n > 0)
      detail.push(`${f.name}: ${n} duplicate publish(es) (emulator ${f.duplicatePublishes}, recomputed ${own})`);
    count += n;
  }
  return { count, detail };
}

/** Lost commits (reported but not on the remote, or a succeeded release without one) and empty ones. */
export function checkCommits(world: World): { lost: string[]; empty: string[] } {
  const lost: string[] = [];
  const empty: string[] = [];
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: world.repo.remote, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const onRemote = new Set(git('rev-list', '--all').split('\n').filter(Boolean));
  for (const [i, run] of world.runs.entries()) {
    const sha = run.outputs['commit-sha'];
    const { events } = journalOf(run);
    const commit = events.find((e) => e.type === 'commit');
    if (sha && !onRemote.has(sha)) lost.push(`run ${i + 1}: commit ${sha} reported but not on the remote`);
    if (commit?.details.pushed === true && !onRemote.has(String(commit.details.sha)))
      lost.push(`run ${i + 1}: journal says pushed ${String(commit.details.sha)} but the remote lacks it`);
    const published = JSON.parse(run.outputs.published || '[]') as unknown[];
    const wantCommit =
      run.outputs.outcome === 'succeeded' && world.inputs().command === 'deploy' && published.length > 0;
    if (wantCommit && !sha && commit?.details.pushed !== false && !commit?.details.skipped)
      lost.push(`run ${i + 1}: succeeded with ${published.length} published flow(s) but no commit and no commit error`);
  }
  for (const sha of git('rev-list', 'main').split('\n').filter(Boolean)) {
    const files = git('diff-tree', '--no-commit-id', '--name-only', '-r', '--root', sha);
    if (!files) empty.push(`empty commit ${sha} on the remote`);
  }
  return { lost, empty };
}

/** All text the runs and the repository left, for the secret scan. */
export function outputsToScan(world: World): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const [i, r] of world.runs.entries()) {
    const tag = `run ${i + 1}`;
    // `::add-mask::<value>` lines are the runner's masking commands: consumed by the runner, never shown in the log.
    out.push({ where: `${tag} stdout`, text: r.stdout.replace(/^::add-mask::.*$/gm, '') });
    out.push({ where: `${tag} stderr`, text: r.stderr });
    out.push({ where: `${tag} summary`, text: r.summary });
    out.push({ where: `${tag} outputs`, text: JSON.stringify(r.outputs) });
    out.push({ where: `${tag} state`, text: JSON.stringify(r.state) });
    // Runner temp: the outputs/state/env files, journal, audit, the local artifact copy.
    for (const f of walkFiles(r.runnerTemp)) out.push({ where: `${tag} ${f}`, text: readFileSync(f, 'latin1') });
  }
  const workspaces = new Set([
    world.repo.workspace,
    ...readdirSync(world.repo.root).map((d) => join(world.repo.root, d))
  ]);
  for (const ws of workspaces) {
    if (ws === world.repo.remote || !lstatSync(ws).isDirectory()) continue;
    // Compressed objects are covered by `git log -p` on the remote; everything else (config, index, refs) is read.
    for (const f of walkFiles(ws, (p) => p.endsWith('/.git/objects'))) {
      out.push({ where: f, text: readFileSync(f, 'latin1') });
    }
  }
  const log = execFileSync('git', ['log', '-p', '--all', '--format=fuller'], {
    cwd: world.repo.remote,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  });
  out.push({ where: 'remote git log -p', text: log });
  return out;
}

export function checkInvariants(world: World, manifestFlows: string[]): InvariantReport {
  const state = world.em.state();
  const needles = [
    ...secretForms(CLIENT_ID, world.secret),
    ...world.extraSecrets.flatMap((s) => secretForms(CLIENT_ID, s)),
    ...world.em.issuedTokens()
  ];
  const secretsLeaked = outputsToScan(world).flatMap((o) => findLeaks(o.where, o.text, needles));
  const journals = world.runs.map(journalOf);
  // A run killed on purpose is judged by the durable-state checks (fault-kill.ts), not by invariants 2–4.
  const mutating = world.em.mutatingRequests().filter((r) => r.seq > world.killedUpToSeq);
  const jobs = { ...state, jobs: state.jobs.filter((j) => !world.killedJobs.has(j.id)) };
  const acc = accountMutations(mutating, jobs, journals);
  const judged = world.runs.map((r, i) => ({ r, label: `run ${i + 1}` })).filter(({ r }) => !world.killed.has(r));
  const outcomeMismatches = judged.flatMap(({ r, label }) => checkOutcome(r, label));
  const unreported = judged.flatMap(({ r, label }) => checkReported(r, label, manifestFlows));
  const dup = duplicatePublishes(state);
  const commits = checkCommits(world);
  return {
    secretsLeaked,
    unaccounted: acc.unaccounted,
    rejectedMutations: acc.rejected,
    accountedMutations: acc.accounted,
    outcomeMismatches,
    unreported,
    duplicatePublishes: dup.count,
    duplicateDetail: dup.detail,
    lostCommits: commits.lost,
    emptyCommits: commits.empty
  };
}
