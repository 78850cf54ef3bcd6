// `npm run bench`: measures the built action (dist/index.js, or FLOW_RELEASE_ENTRY) against the embedded emulator.
//  1. overhead: release wall time ÷ its floor (per stage: slowest job + bake + check time), 10 / 50 / 200 flows;
//  2. API calls per released flow by endpoint class, counted by the emulator;
//  3. the 200-flow release under the default 300 requests/min/token: 429s, and time vs the rate-limit floor taken
//     per stage (stages are sequential and their calls bunch in the publish phase; see `stageFloors`);
//  4. the same releases driven by two baselines (sequential 5 s doubling to 60 s, fixed 15 s);
//  5. start-up: process start → first request the emulator sees (real time), and the size of dist/;
//  6. peak RSS of the action for the 200-flow release.
// Time is dilated (scripts/lib/bench-timescale.ts): the manifest, the emulator and the action all use real-world
// durations (60 s bakes, 4–8 s jobs, a 60 s rate-limit window) while the clock of every party runs SCALE× faster.
// Prints a table and writes bench-results/bench.json. Options: --scale N (default 20), --sizes 10,50,200, --runs N.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ScenarioInput } from '../emulator/scenario.ts';
import { startEmulator, type Emulator, type RequestRecord } from '../emulator/server.ts';
import { systemClock, type Clock } from '../src/common/clock.ts';
import { runBaseline, STRATEGIES, type BaselineRun } from './lib/bench-baselines.ts';
import { makeRelease, type BenchRelease, type BenchTimings } from './lib/bench-fixture.ts';
import { exitPeakImportUrl, MEMORY_FILE_ENV, type MemoryReport } from './lib/bench-memory.ts';
import { dilatedClock, preloadImportUrl, SCALE_ENV, T0_ENV } from './lib/bench-timescale.ts';
import { killRunningActions, REPO_ROOT, runAction, type ActionRun } from './lib/action-runner.ts';
import { createGitFixture } from './lib/git-fixture.ts';
import { onExitOrSignal, removeAllTemp } from './lib/temp.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '20' },
    sizes: { type: 'string', default: '10,50,200' },
    runs: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '' },
    'no-baselines': { type: 'boolean', default: false },
    // Measurement aids for the memory figure: --memory samples process.memoryUsage() inside the action
    // (scripts/lib/bench-memory.ts) and prints its peak; --node-options adds flags (e.g. --heap-prof) to the action.
    memory: { type: 'boolean', default: false },
    'node-options': { type: 'string', default: '' }
  }
});
const SCALE = Number(args.scale);
const SIZES = args.sizes.split(',').map(Number);
const STARTUP_RUNS = Number(args.runs);
/** The manifest's `concurrency:`; empty = the action's default. */
const CONCURRENCY = args.concurrency ? Number(args.concurrency) : undefined;
const TIMINGS: BenchTimings = { jobMs: [4000, 8000], exportMs: 2000, bakeMs: 60_000 };
const RATE_PER_MINUTE = 300;
const ENTRY = process.env.FLOW_RELEASE_ENTRY ?? 'dist/index.js';
const STARTUP_ENTRY = join(REPO_ROOT, 'dist/index.js');
const benchStarted = Date.now();
// Every repository, source dir and runner temp dir of the bench is a tempDir: all removed at exit or on a signal.
onExitOrSignal(() => {
  killRunningActions();
  removeAllTemp();
});

if (!existsSync(join(REPO_ROOT, ENTRY))) {
  console.error(`${ENTRY} is missing: run \`npm run build\` first (or set FLOW_RELEASE_ENTRY=src/index.ts).`);
  process.exit(2);
}

const log = (s: string) => console.log(`[bench ${((Date.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${s}`);

// ------------------------------------------------------------------------------------------------ helpers

interface JournalEvent {
  type: string;
  at: string;
  stage?: string;
  details?: Record<string, unknown>;
}

function journalOf(run: ActionRun): JournalEvent[] {
  const file = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  if (!file) throw new Error(`the run left no journal (exit ${run.exitCode}):\n${run.stderr.slice(-2000)}`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEvent);
}

const CLASSES = ['auth', 'plan', 'snapshot', 'publish', 'polling', 'verify', 'checks', 'export', 'other'] as const;
type CallClass = (typeof CLASSES)[number];

/** Endpoint class of one emulator request; exports before `releaseEnd` are snapshots, after it the commit's export. */
function classify(r: RequestRecord, releaseEnd: number): CallClass {
  const k = r.key;
  if (k.startsWith('POST /oauth')) return 'auth';
  if (k === 'GET /api/v2/flows') return 'plan';
  if (k.includes('/flows/export/jobs') || /download|export/i.test(k))
    return Date.parse(r.at) <= releaseEnd ? 'snapshot' : 'export';
  if (k === 'POST /api/v2/flows/jobs' || k.startsWith('PUT ')) return 'publish';
  if (k === 'GET /api/v2/flows/jobs/{id}') return 'polling';
  if (k === 'GET /api/v2/flows/{id}') return 'verify';
  if (k.includes('/analytics/')) return 'checks';
  return 'other';
}

/**
 * Calls that count against the 300/min/token budget: every /api/v2 request (the emulator limits exactly those; the
 * login and the upload/download URLs are outside it). Each bench release has an emulator of its own and the action is
 * its only client, so all of them carry the action's token.
 */
const isRateLimited = (r: RequestRecord) => r.path.startsWith('/api/v2/');
const rateMs = (calls: number) => (calls / RATE_PER_MINUTE) * 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const checkInterval = (bakeMs: number) => Math.max(1000, Math.min(Math.min(bakeMs, 30_000) || bakeMs || 1000, bakeMs));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function withEmulator<T>(rel: BenchRelease, clock: Clock, f: (e: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ port: 0, scenario: rel.scenario as ScenarioInput, clock });
  try {
    return await f(emulator);
  } finally {
    await emulator.close();
  }
}

function inputsFor(e: Emulator): Record<string, string> {
  return {
    command: 'deploy',
    manifest: 'genesys/release.yml',
    'api-url': e.baseUrl,
    'login-url': e.baseUrl,
    'client-id': e.clientId,
    'client-secret': e.clientSecret,
    'commit-artifacts': 'true',
    'github-token': ''
  };
}

/** Peak RSS (VmHWM) of a running process, sampled until it exits. */
function watchPeakRss(pid: number): { peakKb: () => number; stop: () => void } {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // exited
    }
  };
  const timer = setInterval(read, 50);
  return { peakKb: () => peak, stop: () => clearInterval(timer) };
}

// ------------------------------------------------------------------------------------------------ our release

interface StageResult {
  name: string;
  flows: number;
  slowestJobMs: number;
  bakeMs: number;
  checkMs: number;
  /** Journal `stage-started` → `stage-succeeded`. */
  wallMs: number;
  /** Rate-limited calls in the stage's window: before its `bake-started` (snapshots, publish, polling, verify) … */
  publishCalls: number;
  /** … and from `bake-started` to `stage-succeeded` (checks, exports taken during the bake). */
  bakeCalls: number;
  /** slowest job + bake + checks (item 1's floor for this stage). */
  latencyFloorMs: number;
  /** publishCalls ÷ rate + max(bake + checks, bakeCalls ÷ rate). */
  rateFloorMs: number;
  floorMs: number;
  dominates: 'rate' | 'latency';
  /** wallMs ÷ floorMs. */
  ratio: number;
}

interface OursResult {
  n: number;
  outcome: string;
  exitCode: number | null;
  releaseMs: number;
  processMs: number;
  afterReleaseMs: number;
  stages: StageResult[];
  /** Release time outside every stage's window (plan before the first stage, gaps between stages). */
  outsideStagesMs: number;
  /** Rate-limited calls made in that time. */
  outsideStagesCalls: number;
  /** outsideStagesCalls ÷ rate + Σ stage floors: the per-stage floor of the whole release. */
  stageFloorSumMs: number;
  /** releaseMs ÷ stageFloorSumMs. */
  stageFloorRatio: number;
  latencyFloorMs: number;
  overhead: number;
  calls: Record<CallClass, number>;
  callsTotal: number;
  callsPerFlow: number;
  rateLimitedCalls: number;
  /** Literal whole-release figure (info): every rate-limited call of the release ÷ rate. Not reachable: see above. */
  rateFloorMs: number;
  rateRatio: number;
  rateDominates: boolean;
  status429: number;
  peakRssMb: number;
}

async function runOurs(rel: BenchRelease): Promise<OursResult> {
  const t0 = Date.now();
  const clock = dilatedClock(t0, SCALE);
  return withEmulator(rel, clock, async (emu) => {
    const repo = createGitFixture(rel.sourceDir, 'flow-release-bench-');
    let rss: ReturnType<typeof watchPeakRss> | undefined;
    const memoryFile = args.memory ? join(repo.workspace, '..', `bench-memory-${rel.n}.json`) : undefined;
    const peakFile = join(repo.workspace, '..', `bench-vmhwm-${rel.n}.txt`);
    // JavaScript preloads only: a .ts preload would start Node's TypeScript stripper (~18 MB) inside the action
    // process, which the shipped dist/ never does. --memory adds the .ts probe, and with it that cost.
    const nodeOptions = [
      `--import=${preloadImportUrl()}`,
      `--import=${exitPeakImportUrl(peakFile)}`,
      ...(memoryFile ? [`--import=${join(REPO_ROOT, 'scripts/lib/bench-memory.ts')}`] : []),
      ...(args['node-options'] ? [args['node-options']] : [])
    ];
    const run = await runAction({
      workspace: repo.workspace,
      inputs: inputsFor(emu),
      env: {
        GITHUB_SHA: repo.head(),
        NODE_OPTIONS: nodeOptions.join(' '),
        [T0_ENV]: String(t0),
        [SCALE_ENV]: String(SCALE),
        ...(memoryFile && { [MEMORY_FILE_ENV]: memoryFile })
      },
      onStart: (child) => (rss = child.pid ? watchPeakRss(child.pid) : undefined),
      timeoutMs: 300_000
    });
    rss?.stop();
    if (memoryFile && existsSync(memoryFile)) {
      const m = JSON.parse(readFileSync(memoryFile, 'utf8')) as MemoryReport;
      const fmt = (x: MemoryReport['peak']) =>
        `rss ${x.rss} MB, heap ${x.heapUsed}/${x.heapTotal} MB, external ${x.external} MB, arrayBuffers ${x.arrayBuffers} MB at ${x.t} ms`;
      log(`${rel.n} flows: memory peak: ${fmt(m.peak)}`);
      log(`${rel.n} flows: memory final: ${fmt(m.final)}`);
      log(`${rel.n} flows: resident mappings at exit:\n  ${m.mappings.join('\n  ')}`);
      log(
        `${rel.n} flows: timeline (t ms: rss/heapUsed): ${m.timeline.map((x) => `${x.t}:${x.rss}/${x.heapUsed}`).join(' ')}`
      );
    }
    const events = journalOf(run);
    const at = (e: JournalEvent | undefined) => (e ? Date.parse(e.at) : NaN);
    const started = at(events.find((e) => e.type === 'release-started'));
    const stageEnds = events.filter((e) => e.type === 'stage-succeeded');
    const releaseEnd = at(stageEnds[stageEnds.length - 1]);
    const finished = at(events.find((e) => e.type === 'release-finished'));
    const outcome = run.outputs.outcome ?? '?';
    if (outcome !== 'succeeded' || stageEnds.length !== rel.stages.length) {
      throw new Error(
        `the ${rel.n}-flow release ended ${outcome} (exit ${run.exitCode}): ${run.stderr.slice(-1500)}\n${run.stdout.slice(-3000)}`
      );
    }
    const requests = emu.requests();
    const limitedAt = requests.filter(isRateLimited).map((r) => Date.parse(r.at));
    const callsIn = (from: number, to: number) => limitedAt.filter((t) => t >= from && t <= to).length;
    const stages = rel.stages.map((s): StageResult => {
      const begin = at(events.find((e) => e.type === 'stage-started' && e.stage === s.name));
      const bake = at(events.find((e) => e.type === 'bake-started' && e.stage === s.name));
      const end = at(stageEnds.find((e) => e.stage === s.name));
      const lastCheck = Math.max(
        ...events.filter((e) => e.type === 'check-result' && e.stage === s.name).map((e) => Date.parse(e.at))
      );
      const slowestJobMs = Math.max(...s.flows.map((f) => f.jobMs));
      // The last check round starts when the bake ends: its duration is necessary work, part of the floor.
      const checkMs = Math.max(0, lastCheck - (bake + s.bakeMs));
      const publishCalls = callsIn(begin, bake - 1);
      const bakeCalls = callsIn(bake, end);
      const latencyFloorMs = slowestJobMs + s.bakeMs + checkMs;
      // The publish phase's calls cannot go faster than the rate; the bake and the last check round take their own
      // time, unless the calls made during them need even longer at the rate.
      const rateFloorMs = rateMs(publishCalls) + Math.max(s.bakeMs + checkMs, rateMs(bakeCalls));
      const floorMs = Math.max(latencyFloorMs, rateFloorMs);
      const wallMs = end - begin;
      return {
        name: s.name,
        flows: s.flows.length,
        slowestJobMs,
        bakeMs: s.bakeMs,
        checkMs,
        wallMs,
        publishCalls,
        bakeCalls,
        latencyFloorMs,
        rateFloorMs,
        floorMs,
        dominates: rateFloorMs > latencyFloorMs ? 'rate' : 'latency',
        ratio: wallMs / floorMs
      };
    });
    const latencyFloorMs = stages.reduce((a, s) => a + s.latencyFloorMs, 0);
    const calls = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<CallClass, number>;
    for (const r of requests) calls[classify(r, releaseEnd)]++;
    const callsTotal = requests.length;
    const inRelease = callsIn(started, releaseEnd);
    const rateFloorMs = rateMs(inRelease);
    const releaseMs = releaseEnd - started;
    const outsideStagesCalls = inRelease - stages.reduce((a, s) => a + s.publishCalls + s.bakeCalls, 0);
    const stageFloorSumMs = rateMs(outsideStagesCalls) + stages.reduce((a, s) => a + s.floorMs, 0);
    return {
      n: rel.n,
      outcome,
      exitCode: run.exitCode,
      releaseMs,
      processMs: finished - t0,
      afterReleaseMs: finished - releaseEnd,
      stages,
      outsideStagesMs: releaseMs - stages.reduce((a, s) => a + s.wallMs, 0),
      outsideStagesCalls,
      stageFloorSumMs,
      stageFloorRatio: releaseMs / stageFloorSumMs,
      latencyFloorMs,
      overhead: releaseMs / latencyFloorMs,
      calls,
      callsTotal,
      callsPerFlow: callsTotal / rel.n,
      rateLimitedCalls: inRelease,
      rateFloorMs,
      rateRatio: releaseMs / Math.max(rateFloorMs, latencyFloorMs),
      rateDominates: rateFloorMs > latencyFloorMs,
      status429: requests.filter((r) => r.status === 429).length,
      // VmHWM read by the process itself at exit (exact), or sampled from outside if that file is missing.
      peakRssMb: Math.max(rss?.peakKb() ?? 0, existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) : 0) / 1024
    };
  });
}

// ------------------------------------------------------------------------------------------------ baselines

interface BaselineResult extends BaselineRun {
  n: number;
  releaseMs: number;
  calls: number;
  status429: number;
}

async function runBaselines(rel: BenchRelease): Promise<BaselineResult[]> {
  // Both strategies at once, each against its own emulator: they sleep almost all the time.
  return Promise.all(
    STRATEGIES.map(async (s) => {
      const clock = dilatedClock(Date.now(), SCALE);
      return withEmulator(rel, clock, async (emu) => {
        const run = await runBaseline(rel, s, emu, clock, checkInterval);
        const requests = emu.requests();
        return {
          ...run,
          n: rel.n,
          releaseMs: run.endedAt - run.startedAt,
          calls: requests.length,
          status429: requests.filter((r) => r.status === 429).length
        };
      });
    })
  );
}

// ------------------------------------------------------------------------------------------------ start-up

async function measureStartup(): Promise<{ runsMs: number[]; medianMs: number }> {
  const rel = makeRelease(3, { jobMs: [20, 40], exportMs: 20, bakeMs: 0 });
  const runsMs: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    await withEmulator(rel, systemClock, async (emu) => {
      const repo = createGitFixture(rel.sourceDir, 'flow-release-bench-');
      let spawnedAt = 0;
      const run = await runAction({
        // Always the bundle that ships: running the sources directly pays for type stripping.
        entry: STARTUP_ENTRY,
        workspace: repo.workspace,
        inputs: { ...inputsFor(emu), 'commit-artifacts': 'false' },
        env: { GITHUB_SHA: repo.head() },
        onStart: () => (spawnedAt = Date.now()),
        timeoutMs: 60_000
      });
      const first = emu.requests()[0];
      if (!first) throw new Error(`start-up run made no request (exit ${run.exitCode}): ${run.stderr.slice(-1000)}`);
      runsMs.push(Date.parse(first.at) - spawnedAt);
    });
  }
  return { runsMs, medianMs: median(runsMs) };
}

function dirSize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .reduce((a, d) => a + statSync(join(d.parentPath, d.name)).size, 0);
}

// ------------------------------------------------------------------------------------------------ main

log(`entry ${ENTRY}, time scale ×${SCALE}, sizes ${SIZES.join('/')}, ${cpus().length} CPUs`);
const ours: OursResult[] = [];
const baselines: BaselineResult[] = [];
for (const n of SIZES) {
  const rel = makeRelease(n, TIMINGS, { concurrency: CONCURRENCY });
  log(`${n} flows: action release…`);
  const r = await runOurs(rel);
  ours.push(r);
  log(
    `${n} flows: ${sec(r.releaseMs)} (floor ${sec(r.latencyFloorMs)}, ×${r.overhead.toFixed(3)}), ${r.callsTotal} calls, ${r.status429}×429, ${r.peakRssMb.toFixed(0)} MB`
  );
  if (!args['no-baselines']) {
    log(`${n} flows: baselines…`);
    const b = await runBaselines(rel);
    baselines.push(...b);
    log(`${n} flows: ${b.map((x) => `${x.strategy} ${sec(x.releaseMs)} (${x.calls} calls)`).join(', ')}`);
  }
}
log('start-up…');
const startup = await measureStartup();
const distDir = join(REPO_ROOT, 'dist');
const dist = existsSync(distDir)
  ? { indexBytes: statSync(join(distDir, 'index.js')).size, totalBytes: dirSize(distDir) }
  : { indexBytes: 0, totalBytes: 0 };

// ------------------------------------------------------------------------------------------------ report

interface Figure {
  id: string;
  figure: string;
  value: string;
  target: string;
  pass?: boolean;
}
const figures: Figure[] = [];
const fig = (id: string, figure: string, value: string, target = '—', pass?: boolean) =>
  figures.push({ id, figure, value, target, pass });

for (const r of ours) {
  fig(
    '1',
    `overhead ratio, ${r.n} flows`,
    `×${r.overhead.toFixed(3)} (${sec(r.releaseMs)} / ${sec(r.latencyFloorMs)})`,
    r.n === 50 ? '≤ 1.10' : '(info)',
    r.n === 50 ? r.overhead <= 1.1 : undefined
  );
}
for (const r of ours) {
  const split = CLASSES.filter((c) => r.calls[c] > 0)
    .map((c) => `${c} ${(r.calls[c] / r.n).toFixed(2)}`)
    .join(', ');
  fig('2', `API calls per flow, ${r.n} flows`, `${r.callsPerFlow.toFixed(2)} (${split})`, '≤ 8', r.callsPerFlow <= 8);
}
// Calls = fixed + perFlow × n, least squares over the sizes run: the fixed part (auth, plan, the export jobs of each
// stage, one grouped analytics query per stage and round) is why few-flow releases cost more per flow.
if (ours.length >= 2) {
  const mx = ours.reduce((a, r) => a + r.n, 0) / ours.length;
  const my = ours.reduce((a, r) => a + r.callsTotal, 0) / ours.length;
  const perFlow =
    ours.reduce((a, r) => a + (r.n - mx) * (r.callsTotal - my), 0) / ours.reduce((a, r) => a + (r.n - mx) ** 2, 0);
  const fixed = my - perFlow * mx;
  const breakEven = perFlow < 8 ? Math.max(1, Math.ceil(fixed / (8 - perFlow))) : undefined;
  fig(
    '2',
    'calls ≈ fixed + per flow × n (fit over the sizes)',
    `${fixed.toFixed(1)} + ${perFlow.toFixed(2)} × n` +
      (breakEven === undefined ? '' : `; ≤ 8 per flow from about ${breakEven} flows`),
    '(info)'
  );
}
const big = ours.find((r) => r.n === Math.max(...SIZES));
if (big) {
  fig('3', `429 responses, ${big.n} flows, 300/min`, String(big.status429), '0', big.status429 === 0);
  const rateBound = big.stages.filter((s) => s.dominates === 'rate');
  for (const s of rateBound) {
    const bakePart =
      rateMs(s.bakeCalls) > s.bakeMs + s.checkMs
        ? `${s.bakeCalls} calls in the bake ÷ 300/min ${sec(rateMs(s.bakeCalls))}`
        : `bake ${sec(s.bakeMs)} + checks ${sec(s.checkMs)}`;
    fig(
      '3',
      `stage wall ÷ stage floor, ${big.n} flows, ${s.name} (rate-bound)`,
      `×${s.ratio.toFixed(3)} (${sec(s.wallMs)} / ${sec(s.floorMs)} = ` +
        `${s.publishCalls} calls ÷ 300/min ${sec(rateMs(s.publishCalls))} + ${bakePart})`,
      '≤ 1.20',
      s.ratio <= 1.2
    );
  }
  if (rateBound.length === 0) {
    fig('3', `stage wall ÷ stage floor, ${big.n} flows`, 'no stage is rate-bound: the target does not apply', '≤ 1.20');
  }
  fig(
    '3',
    `time ÷ Σ per-stage floors, ${big.n} flows`,
    `×${big.stageFloorRatio.toFixed(3)} (${sec(big.releaseMs)} / ${sec(big.stageFloorSumMs)}; rate floor dominates in ` +
      `${rateBound.map((s) => s.name).join(', ') || 'no stage'})`,
    '(info)'
  );
  fig(
    '3',
    `time ÷ max(whole-release rate floor, latency floor)`,
    `×${big.rateRatio.toFixed(3)} (${big.rateLimitedCalls} calls ÷ 300/min = ${sec(big.rateFloorMs)}; ` +
      `latency floor ${sec(big.latencyFloorMs)}) — not reachable, see note`,
    '(info)'
  );
}
for (const b of baselines) {
  const o = ours.find((r) => r.n === b.n)!;
  const label = STRATEGIES.find((s) => s.name === b.strategy)!.label;
  fig(
    '4',
    `baseline "${label}", ${b.n} flows`,
    `${sec(b.releaseMs)}, ${b.calls} calls; ours ÷ it = ×${(o.releaseMs / b.releaseMs).toFixed(3)}`,
    '< 1 (ours faster)',
    o.releaseMs < b.releaseMs
  );
}
fig(
  '5',
  'start-up: spawn → first request (dist, median)',
  `${startup.medianMs} ms (runs: ${startup.runsMs.join(', ')})`,
  '≤ 300 ms',
  startup.medianMs <= 300
);
fig(
  '5',
  'dist/ size',
  `index.js ${(dist.indexBytes / 1048576).toFixed(2)} MB; dist/ ${(dist.totalBytes / 1048576).toFixed(2)} MB`,
  '(report)'
);
if (big) fig('6', `peak RSS, ${big.n} flows`, `${big.peakRssMb.toFixed(0)} MB`, '≤ 200 MB', big.peakRssMb <= 200);

const widths = [2, Math.max(46, ...figures.map((f) => f.figure.length)), 0, 18];
widths[2] = Math.min(110, Math.max(...figures.map((f) => f.value.length)));
const row = (c: string[]) => c.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `\nFlow Release bench — ${new Date().toISOString()}, ${cpus()[0]?.model ?? '?'} ×${cpus().length}, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}, time ×${SCALE}, entry ${ENTRY}\n`
);
console.log(row(['#', 'figure', 'value', 'target', 'result']));
for (const f of figures) {
  console.log(row([f.id, f.figure, f.value, f.target, f.pass === undefined ? '' : f.pass ? 'PASS' : 'MISS']));
}
console.log(
  [
    '',
    'Item 3, the rate-limit floor, is taken per stage. Stages run one after the other (a stage may not publish during',
    "the previous stage's bake) and a stage's calls bunch in its publish phase, so all of a release's calls ÷ 300/min",
    'spread over the whole release is not a floor any release can reach (it is printed as info only). For each stage,',
    'from the journal (stage-started, bake-started, stage-succeeded) and the emulator request log, counting only',
    "rate-limited /api/v2 calls (the action's token):",
    '  latency floor = slowest job + bake + last check round;',
    '  rate floor    = calls before bake-started ÷ 300/min + max(bake + last check round, calls during the bake ÷ 300/min);',
    '  stage floor   = max(latency floor, rate floor); the stage is rate-bound when its rate floor is the larger.',
    `The target (≤ 1.20) applies to each rate-bound stage of the ${big?.n ?? 'largest'}-flow release: stage wall ÷ stage floor.`,
    'A stage whose calls fit in one 300-call window may beat a rate floor (ratio < 1): the limit is per minute.'
  ].join('\n')
);
const stageLines = ours.flatMap((r) => [
  ...r.stages.map(
    (s) =>
      `  ${String(r.n).padStart(3)} flows / ${s.name.padEnd(8)} ${String(s.flows).padStart(3)} flows: wall ${sec(s.wallMs)}; ` +
      `latency floor ${sec(s.latencyFloorMs)} (slowest job ${sec(s.slowestJobMs)} + bake ${sec(s.bakeMs)} + checks ${sec(s.checkMs)}); ` +
      `rate floor ${sec(s.rateFloorMs)} (${s.publishCalls} + ${s.bakeCalls} calls); ` +
      `${s.dominates} floor dominates, wall ÷ floor ×${s.ratio.toFixed(3)}`
  ),
  `  ${String(r.n).padStart(3)} flows / outside stages: ${sec(r.outsideStagesMs)}, ${r.outsideStagesCalls} calls; ` +
    `release ${sec(r.releaseMs)} ÷ Σ per-stage floors ${sec(r.stageFloorSumMs)} = ×${r.stageFloorRatio.toFixed(3)}`
]);
console.log(`\nStages (virtual time; calls = before bake + during bake):\n${stageLines.join('\n')}`);
const totalS = (Date.now() - benchStarted) / 1000;
console.log(`\nBench wall time: ${totalS.toFixed(0)} s real.`);

const outDir = join(REPO_ROOT, 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'bench.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cpus: cpus().length, memoryBytes: totalmem(), node: process.version },
      entry: ENTRY,
      timeScale: SCALE,
      timings: TIMINGS,
      figures,
      ours,
      baselines,
      startup,
      dist,
      benchSeconds: totalS
    },
    null,
    2
  )
);
console.log(`Results: ${join(outDir, 'bench.json')}`);
// Misses are reported, not failed: the figures are the product of the bench.
process.exit(0);
