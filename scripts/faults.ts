// The fault suite (issue 5): every scenario of scripts/lib/fault-scenarios.ts runs the action against an in-process
// Genesys Cloud emulator in a git fixture and is checked against its own expectation and the four invariants of
// scripts/lib/fault-harness.ts; the fast-check properties over the manifest loader and the inputs run alongside.
// The durable-state scenarios (issue 10 item 8, scripts/lib/fault-durable.ts) add D01–D05 and the kill points (K…,
// generated after one undisturbed calibration run of the fixed release), judged by scripts/lib/fault-kill.ts too.
// Prints the figures, writes fault-results.json, exits non-zero on any failure.
//
//   node scripts/faults.ts                       # everything (dist/index.js; FLOW_RELEASE_ENTRY=src/index.ts for sources)
//   node scripts/faults.ts --only S03,S14b       # scenarios whose id starts with one of these
//   node scripts/faults.ts --out DIR             # where fault-results.json goes (default: fault-results/)
//   node scripts/faults.ts --keep                # keep every scenario's repository and runner temp dirs
//   node scripts/faults.ts --no-fuzz             # skip the properties
//   FC_SEED=123 FC_RUNS=20000 node scripts/faults.ts   # replay / explore the properties
//   FAULTS_CONCURRENCY=3                         # scenarios run at once (default 3)
//   FAULTS_KILL_RUNS=200 FAULTS_KILL_SEED=20261130   # kill-point scenarios (K…): how many, and their seed
//   FAULTS_KILL_CONCURRENCY=16                   # kill-point scenarios run at once, after the others (they mostly
//                                                #   wait on the action's job polling); a failed one's details and
//                                                #   evidence are printed and kept for the first 5 only
//   node scripts/faults.ts --only K,D            # the durable-state scenarios alone (kill points and D01–D05)
//
// Temp directory: a scenario's repository and runner temp dirs are removed when it passes; a failed scenario's are
// kept (their paths are printed and in fault-results.json), and --keep keeps them all. Interrupted (SIGINT/SIGTERM),
// the suite removes what it made before it exits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { killRunningActions, REPO_ROOT } from './lib/action-runner.ts';
import { checkInvariants, World, type InvariantReport } from './lib/fault-harness.ts';
import { calibrateKillRelease, DURABLE_SCENARIOS, killScenarios } from './lib/fault-durable.ts';
import type { DurableFigures } from './lib/fault-kill.ts';
import { SCENARIOS, type FaultScenario } from './lib/fault-scenarios.ts';
import { onExitOrSignal, removeAllTemp, removeTemp, tempDir } from './lib/temp.ts';

export interface ScenarioResult {
  id: string;
  issue: number;
  faultClass: string;
  title: string;
  passed: boolean;
  durationMs: number;
  /** `auditLog` and `summary` (paths) only when the scenario's directories were kept. */
  runs: { outcome?: string; exitCode: number | null; durationMs: number; auditLog?: string; summary?: string }[];
  expectationFailures: string[];
  invariantFailures: string[];
  invariants?: InvariantReport;
  /** The durable-state figures (kill points, misreports, last known-good contents lost, concurrent changes). */
  durable?: DurableFigures;
  error?: string;
  /** The scenario's repository and runner temp dirs, when kept (failed, or --keep). */
  kept?: string[];
}

export interface FuzzResult {
  seed: number;
  runsPerProperty: number;
  properties: number;
  passed: number;
  failed: { name: string; message: string }[];
  totalRuns: number;
  replay: string;
  durationMs: number;
}

function invariantFailures(r: InvariantReport): string[] {
  return [
    ...r.secretsLeaked.map((l) => `secret leaked in ${l.where} (${l.form})`),
    ...r.unaccounted.map((u) => `mutating call not in the journal: ${u}`),
    ...r.outcomeMismatches,
    ...r.unreported,
    ...r.duplicateDetail,
    ...r.lostCommits,
    ...r.emptyCommits
  ];
}

/** `keepFailed`: whether a failed scenario keeps its directories (the kill points keep only their first few). */
export async function runScenario(
  s: FaultScenario,
  keep = false,
  keepFailed: () => boolean = () => true
): Promise<ScenarioResult> {
  const started = Date.now();
  const world = new World(s.world());
  const result: ScenarioResult = {
    id: s.id,
    issue: s.issue,
    faultClass: s.faultClass,
    title: s.title,
    passed: false,
    durationMs: 0,
    runs: [],
    expectationFailures: [],
    invariantFailures: []
  };
  try {
    await world.start();
    if (s.run) await s.run(world);
    else await world.deploy();
    result.runs = world.runs.map((r) => ({
      outcome: r.outputs.outcome,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      auditLog: r.auditPath,
      summary: join(r.runnerTemp, 'step-summary.md')
    }));
    result.expectationFailures = s.expect(world);
    const manifestFlows = world.opts.manifest.flows.map((f) => f.name);
    result.invariants = checkInvariants(world, manifestFlows);
    result.invariantFailures = invariantFailures(result.invariants);
    result.durable = world.durableFigures;
    result.passed = result.expectationFailures.length === 0 && result.invariantFailures.length === 0;
  } catch (e) {
    result.durable = world.durableFigures;
    result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    await world.close().catch(() => undefined);
  }
  // A failed scenario keeps its evidence for a look; the audit log and summary paths above point into it.
  if (keep || (!result.passed && keepFailed())) result.kept = world.dirs();
  else
    for (const r of result.runs) {
      delete r.auditLog;
      delete r.summary;
    }
  world.dispose(Boolean(result.kept));
  result.durationMs = Date.now() - started;
  return result;
}

/** Runs the fast-check property files through jest (its JSON report gives the properties and their results). */
export function runFuzz(): FuzzResult {
  const started = Date.now();
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_240_611;
  const runsPerProperty = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000;
  const outDir = tempDir('flow-release-fuzz-');
  const out = join(outDir, 'jest.json');
  const files = ['test/manifest/loader.property.test.ts', 'test/inputs/inputs.property.test.ts'];
  const res = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${out}`, '--runInBand', ...files],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '--experimental-vm-modules',
        FC_SEED: String(seed),
        FC_RUNS: String(runsPerProperty)
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    }
  );
  const failed: { name: string; message: string }[] = [];
  let properties = 0;
  let passed = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      testResults: {
        name: string;
        message: string;
        assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
      }[];
    };
    for (const file of report.testResults) {
      if (file.assertionResults.length === 0 && file.message)
        failed.push({ name: file.name, message: file.message.slice(0, 2000) });
      for (const a of file.assertionResults) {
        properties++;
        if (a.status === 'passed') passed++;
        else failed.push({ name: a.fullName, message: a.failureMessages.join('\n').slice(0, 2000) });
      }
    }
  } else {
    failed.push({ name: 'jest', message: (res.stderr || res.stdout || 'jest produced no report').slice(-2000) });
  }
  removeTemp(outDir);
  return {
    seed,
    runsPerProperty,
    properties,
    passed,
    failed,
    totalRuns: passed * runsPerProperty,
    replay: `FC_SEED=${seed} FC_RUNS=${runsPerProperty} npm test -- test/manifest test/inputs`,
    durationMs: Date.now() - started
  };
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>, onDone: (r: R) => void): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
        onDone(results[i]);
      }
    })
  );
  return results;
}

export interface Figures {
  scenarios: { passed: number; run: number; byClass: Record<string, { passed: number; run: number }> };
  fuzz?: { properties: number; passed: number; runs: number; seed: number };
  secretsLeaked: number;
  duplicatePublishes: number;
  lostOrEmptyCommits: number;
  outcomeExitMismatches: number;
  unaccountedMutations: number;
  mutatingCallsAccounted: number;
  actionRuns: number;
  /** Durable state (issue 10 item 8). */
  killPoints: { tried: number; planned: number; releaseMutations?: number; seed?: number };
  misreportingRuns: number;
  lastKnownGoodLost: number;
  concurrentBothChanged: number;
  wallTimeMs: number;
}

export function figuresOf(
  results: ScenarioResult[],
  fuzz: FuzzResult | undefined,
  wallTimeMs: number,
  kill: { releaseMutations?: number; seed?: number } = {}
): Figures {
  const byClass: Record<string, { passed: number; run: number }> = {};
  for (const r of results) {
    const c = (byClass[r.faultClass] ??= { passed: 0, run: 0 });
    c.run++;
    if (r.passed) c.passed++;
  }
  const sum = (f: (i: InvariantReport) => number) =>
    results.reduce((n, r) => n + (r.invariants ? f(r.invariants) : 0), 0);
  const dsum = (f: (d: DurableFigures) => number) => results.reduce((n, r) => n + (r.durable ? f(r.durable) : 0), 0);
  return {
    scenarios: { passed: results.filter((r) => r.passed).length, run: results.length, byClass },
    fuzz: fuzz && { properties: fuzz.properties, passed: fuzz.passed, runs: fuzz.totalRuns, seed: fuzz.seed },
    secretsLeaked: sum((i) => i.secretsLeaked.length),
    duplicatePublishes: sum((i) => i.duplicatePublishes),
    lostOrEmptyCommits: sum((i) => i.lostCommits.length + i.emptyCommits.length),
    outcomeExitMismatches: sum((i) => i.outcomeMismatches.length),
    unaccountedMutations: sum((i) => i.unaccounted.length),
    mutatingCallsAccounted: sum((i) => i.accountedMutations),
    actionRuns: results.reduce((n, r) => n + r.runs.length, 0),
    killPoints: { tried: dsum((d) => d.killPointsTried), planned: dsum((d) => d.killPointsPlanned), ...kill },
    misreportingRuns: dsum((d) => d.misreportingRuns.length),
    lastKnownGoodLost: dsum((d) => d.lkgLost.length),
    concurrentBothChanged: dsum((d) => d.bothChanged),
    wallTimeMs
  };
}

function parseArgs(argv: string[]) {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    only: get('--only')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    out: get('--out'),
    keep: argv.includes('--keep'),
    fuzz: !argv.includes('--no-fuzz'),
    scenarios: !argv.includes('--no-scenarios')
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const entry = process.env.FLOW_RELEASE_ENTRY ?? 'dist/index.js';
  if (!existsSync(resolve(REPO_ROOT, entry))) {
    console.error(`${entry} is missing: run \`npm run build\` (or set FLOW_RELEASE_ENTRY=src/index.ts).`);
    return 2;
  }
  onExitOrSignal(() => {
    killRunningActions();
    removeAllTemp();
  });
  const started = Date.now();
  const wanted = (id: string) => !args.only || args.only.some((p) => id.startsWith(p));
  // The kill points need M, the mutating calls of the fixed release undisturbed: one calibration run first.
  const kill: { releaseMutations?: number; seed?: number } = {};
  let killed: FaultScenario[] = [];
  if (args.scenarios && (!args.only || args.only.some((p) => p.startsWith('K')))) {
    const cal = await calibrateKillRelease();
    kill.releaseMutations = cal.m;
    kill.seed = Number(process.env.FAULTS_KILL_SEED ?? 20_261_130);
    const total = Number(process.env.FAULTS_KILL_RUNS ?? 200);
    killed = killScenarios(cal.m, total, kill.seed).filter((s) => wanted(s.id));
    console.log(
      `Kill points: the fixed release makes M = ${cal.m} mutating calls undisturbed (outcome ${cal.outcome}); ${killed.length} kill runs, seed ${kill.seed}`
    );
  }
  const selected = args.scenarios ? [...SCENARIOS, ...DURABLE_SCENARIOS].filter((s) => wanted(s.id)) : [];
  const concurrency = Number(process.env.FAULTS_CONCURRENCY ?? 3);
  const killConcurrency = Number(process.env.FAULTS_KILL_CONCURRENCY ?? 16);
  console.log(`Fault suite: ${selected.length} scenario(s), ${concurrency} at a time, action ${entry}`);
  const print = (r: ScenarioResult, detail = true) => {
    const mark = r.passed ? 'PASS' : 'FAIL';
    console.log(
      `  ${mark} ${r.id.padEnd(42)} ${r.faultClass.padEnd(20)} ${(r.durationMs / 1000).toFixed(1).padStart(5)} s  ${r.runs.map((x) => `${x.outcome}/${x.exitCode}`).join(' ')}`
    );
    const failures = [...r.expectationFailures, ...r.invariantFailures];
    if (detail) for (const f of failures) console.log(`       - ${f}`);
    else if (failures.length > 0) console.log(`       - ${failures.length} failure(s), first: ${failures[0]}`);
    if (r.error) console.log(`       ! ${r.error.split('\n').slice(0, 4).join('\n         ')}`);
    if (r.kept) console.log(`       evidence kept: ${r.kept.join(' ')}`);
  };
  const results = await pool(
    selected,
    concurrency,
    (s) => runScenario(s, args.keep),
    (r) => print(r)
  );
  if (killed.length > 0) {
    console.log(`Kill points: ${killed.length} scenario(s), ${killConcurrency} at a time`);
    let detailed = 0;
    let keptFailed = 0;
    const killResults = await pool(
      killed,
      killConcurrency,
      (s) => runScenario(s, args.keep, () => keptFailed++ < 5),
      (r) => print(r, r.passed || detailed++ < 5)
    );
    results.push(...killResults);
  }
  let fuzz: FuzzResult | undefined;
  if (args.fuzz) {
    console.log(`Properties: FC_SEED=${process.env.FC_SEED ?? 20_240_611} FC_RUNS=${process.env.FC_RUNS ?? 1000} …`);
    fuzz = runFuzz();
    for (const f of fuzz.failed) console.log(`  FAIL ${f.name}\n${f.message}`);
  }
  const figures = figuresOf(results, fuzz, Date.now() - started, kill);

  console.log('\nFlow Release reliability figures');
  console.log(`  Fault scenarios passed / run:       ${figures.scenarios.passed} / ${figures.scenarios.run}`);
  for (const [c, v] of Object.entries(figures.scenarios.byClass))
    console.log(`    ${c.padEnd(22)} ${v.passed} / ${v.run}`);
  if (figures.fuzz)
    console.log(
      `  Fuzzed inputs:                      ${figures.fuzz.runs} runs over ${figures.fuzz.properties} properties (${figures.fuzz.passed} passed, seed ${figures.fuzz.seed}; replay: ${fuzz?.replay})`
    );
  console.log(`  Secrets leaked:                     ${figures.secretsLeaked}`);
  console.log(`  Duplicate publishes (emulator):     ${figures.duplicatePublishes}`);
  console.log(`  Lost or empty commits:              ${figures.lostOrEmptyCommits}`);
  console.log(`  Outcome/exit-code mismatches:       ${figures.outcomeExitMismatches}`);
  console.log(
    `  Mutating calls not in the journal:  ${figures.unaccountedMutations} (${figures.mutatingCallsAccounted} accounted)`
  );
  const kp = figures.killPoints;
  console.log(
    `  Kill points tried:                  ${kp.tried} of ${kp.planned} planned${kp.releaseMutations === undefined ? '' : ` (M = ${kp.releaseMutations} mutating calls in the fixed release, seed ${kp.seed})`}`
  );
  console.log(`  Runs misreporting a flow:           ${figures.misreportingRuns}`);
  console.log(`  Last known-good contents lost:      ${figures.lastKnownGoodLost}`);
  console.log(`  Concurrent runs both changing org:  ${figures.concurrentBothChanged}`);
  console.log(`  Action runs:                        ${figures.actionRuns}`);
  console.log(`  Wall time:                          ${(figures.wallTimeMs / 1000).toFixed(1)} s`);

  const outDir = args.out ?? join(REPO_ROOT, 'fault-results');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, 'fault-results.json');
  writeFileSync(outFile, `${JSON.stringify({ figures, scenarios: results, fuzz }, null, 2)}\n`);
  console.log(`  Results:                            ${outFile}`);

  const ok =
    figures.scenarios.passed === figures.scenarios.run &&
    (!fuzz || (fuzz.failed.length === 0 && fuzz.properties > 0)) &&
    figures.secretsLeaked === 0 &&
    figures.duplicatePublishes === 0 &&
    figures.lostOrEmptyCommits === 0 &&
    figures.outcomeExitMismatches === 0 &&
    figures.unaccountedMutations === 0 &&
    figures.misreportingRuns === 0 &&
    figures.lastKnownGoodLost === 0 &&
    figures.concurrentBothChanged === 0;
  console.log(ok ? '\nAll fault scenarios and properties passed.' : '\nFAULT SUITE FAILED.');
  // A plain closing line for CI log readers: scenarios and properties together.
  const failed = figures.scenarios.run - figures.scenarios.passed + (fuzz?.failed.length ?? 0);
  console.log(
    `faults: ${figures.scenarios.passed + (fuzz?.properties ?? 0) - (fuzz?.failed.length ?? 0)} passed, ${failed} failed`
  );
  return ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  process.exitCode = await main();
}
