// `npm run conformance -- <dir> [--concurrency N]`: every Archy file in <dir> (default $ARCHY_CORPUS, else
// ../shared/archy-corpus) released by the BUILT action (dist/index.js, through scripts/lib/action-runner.ts) against
// an emulator org of its own that renders exports as Architect does. Per file: the org is seeded with what the file
// references (emulator/references.ts), its {{placeholders}} get generated values (manifest substitutions), then
//   1. plan            — command: plan must succeed and plan a create;
//   2. deploy          — the flow is created, proved by identity, and its rendered export committed;
//   3. rollback        — a second release (a repository with no record, so the same content is published again) with a
//                        failing http check must end rolled-back with the restore verified (export against export).
// Fast: files run 3 at a time (--concurrency), emulator latencies are short and time runs ×8 (--time-scale) in the
// action and the emulator alike. Prints a table (file, key→type, plan, deploy, rollback, seconds: real time), totals,
// and `conformance: N passed, M failed`;
// exits 1 on any failure (2 when the directory or dist/ is missing). Reference data is read, never copied.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { extractReferences } from '../emulator/references.ts';
import type { ScenarioInput } from '../emulator/scenario.ts';
import { startEmulator, type Emulator } from '../emulator/server.ts';
import { typeForArchyKey } from '../src/genesys/flow-types.ts';
import type { JournalEvent } from '../src/journal/events.ts';
import { REPO_ROOT, runAction, type ActionRun } from './lib/action-runner.ts';
import { dilatedClock, preloadImportUrl, SCALE_ENV, T0_ENV } from './lib/bench-timescale.ts';
import { createGitFixture, type GitFixture } from './lib/git-fixture.ts';
import { removeAllTemp, removeTemp, removeTempOnExit, tempDir } from './lib/temp.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const concurrency = Math.max(1, Math.min(8, Number(flag('--concurrency') ?? 3) || 3));
/**
 * Time runs this many times faster in the action process and in the emulators (scripts/lib/bench-timescale.ts, as the
 * bench does): the action's own poll delays and the bake shrink with the emulator's latencies, production code
 * unchanged. `--time-scale 1` runs in real time.
 */
const scale = Math.max(1, Number(flag('--time-scale') ?? 8) || 8);
const t0 = Date.now();
const dir = resolve(args[0] ?? process.env.ARCHY_CORPUS ?? resolve(REPO_ROOT, '../shared/archy-corpus'));
if (!existsSync(dir)) {
  console.error(`conformance: no directory ${dir}`);
  process.exit(2);
}
if (!existsSync(join(REPO_ROOT, 'dist/index.js'))) {
  console.error('conformance: dist/index.js is missing — run `npm run build` first (the built action is what runs).');
  process.exit(2);
}
removeTempOnExit();

const LATENCY = { jobMs: 40, exportMs: 30, validateMs: 30, publishMs: 40, executionMs: 30 };
const FLOW_FILE = 'genesys/flows/flow.yaml';

type Phase = 'pass' | 'FAIL' | '-';
interface Row {
  file: string;
  keyType: string;
  plan: Phase;
  deploy: Phase;
  rollback: Phase;
  seconds: number;
  why?: string;
}

/** Generated values for the file's {{placeholders}} (Archy replaces the exact text `{{key}}`). */
function placeholderValues(text: string): Record<string, string> {
  const keys = [...new Set([...text.matchAll(/\{\{([A-Za-z0-9_.-]+)\}\}/g)].map((m) => m[1]!))];
  return Object.fromEntries(keys.map((k) => [k, `conf-${k}`]));
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (m, key: string) => values[key] ?? m);

/** An org holding everything the (filled) file references, with short latencies; exports rendered as Architect's. */
function scenarioFor(filled: string, self: string): ScenarioInput {
  const refs = extractReferences(filled);
  const body = (parseYaml(filled) as Record<string, Record<string, unknown>>)[refs.key] ?? {};
  const division = typeof body.division === 'string' ? body.division : undefined;
  return {
    latency: LATENCY,
    rateLimit: { perMinute: 100_000 },
    exportRendering: 'architect',
    divisions: division && division !== 'Home' ? ['Home', division] : ['Home'],
    queues: refs.queues,
    dataActions: refs.dataActions.map((d) => (d.category ? { category: d.category, name: d.name } : d.name)),
    flows: refs.flows
      .filter((f) => f.name !== self)
      .map((f) => ({ name: f.name, type: f.type ?? 'inboundcall', versions: 1 }))
  };
}

function manifest(flow: Record<string, unknown>, check?: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    flows: [flow],
    stages: [
      {
        name: 'all',
        flows: [flow.name],
        bake: check ? '1s' : '0s',
        'check-interval': '1s',
        checks: check ? ['down'] : []
      }
    ],
    ...(check ? { checks: { down: check } } : {}),
    rollback: { automatic: true, 'new-flows': 'delete' },
    artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' },
    'job-timeout': '60s'
  };
}

function repoWith(files: Record<string, string>): GitFixture {
  const src = tempDir('flow-release-conf-src-');
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(src, rel)), { recursive: true });
      writeFileSync(join(src, rel), text);
    }
    return createGitFixture(src, 'flow-release-conf-');
  } finally {
    removeTemp(src);
  }
}

let runId = 7000;
async function act(repo: GitFixture, emu: Emulator, command: string): Promise<ActionRun & { events: JournalEvent[] }> {
  const run = await runAction({
    workspace: repo.workspace,
    inputs: {
      command,
      manifest: 'genesys/release.yml',
      'api-url': emu.baseUrl,
      'login-url': emu.baseUrl,
      'client-id': emu.clientId,
      'client-secret': emu.clientSecret,
      'commit-artifacts': command === 'deploy' ? 'true' : 'false',
      'github-token': '',
      'audit-artifact-name': 'flow-release-audit'
    },
    env: {
      GITHUB_RUN_ID: String(runId++),
      GITHUB_SHA: repo.head(),
      ...(scale > 1
        ? { NODE_OPTIONS: `--import=${preloadImportUrl()}`, [T0_ENV]: String(t0), [SCALE_ENV]: String(scale) }
        : {})
    },
    idleTimeoutMs: 120_000
  });
  const fromAudit = (run.audit as { events?: JournalEvent[] } | undefined)?.events;
  const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  const events =
    fromAudit ??
    (journal
      ? readFileSync(journal, 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as JournalEvent)
      : []);
  removeTemp(run.runnerTemp);
  if (process.env.CONFORMANCE_DEBUG) process.stderr.write(`  ${command}: ${run.durationMs} ms\n`);
  return { ...run, events };
}

const outcomeOf = (run: ActionRun) => run.outputs.outcome ?? `exit ${run.exitCode}`;
const lastError = (run: ActionRun) =>
  (run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? '').replace(/^::error[^:]*::/, '').slice(0, 200);

/** plan → deploy → a failing release that must roll back verified, for one file; timed. */
async function conform(file: string): Promise<Row> {
  const started = Date.now();
  const row = await phases(file).catch((e: unknown): Row => {
    const why = e instanceof Error ? e.message : String(e);
    return { file, keyType: '?', plan: 'FAIL', deploy: '-', rollback: '-', seconds: 0, why };
  });
  return { ...row, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

async function phases(file: string): Promise<Row> {
  const text = readFileSync(join(dir, file), 'utf8');
  const values = placeholderValues(text);
  const filled = fill(text, values);
  let refs: ReturnType<typeof extractReferences>;
  try {
    refs = extractReferences(filled);
  } catch (e) {
    return { file, keyType: '?', plan: 'FAIL', deploy: '-', rollback: '-', seconds: 0, why: String(e) };
  }
  const type = typeForArchyKey(refs.key);
  if (!refs.name)
    return { file, keyType: refs.key, plan: 'FAIL', deploy: '-', rollback: '-', seconds: 0, why: 'no flow name' };
  const row: Row = { file, keyType: `${refs.key}→${type ?? '?'}`, plan: '-', deploy: '-', rollback: '-', seconds: 0 };
  const flow = { name: refs.name, type: type ?? refs.key, file: FLOW_FILE, substitutions: values };
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    scenario: scenarioFor(filled, refs.name ?? ''),
    ...(scale > 1 ? { clock: dilatedClock(t0, scale) } : {})
  });
  const repos: GitFixture[] = [];
  try {
    const repo = repoWith({ 'genesys/release.yml': stringify(manifest(flow)), [FLOW_FILE]: text });
    repos.push(repo);
    const plan = await act(repo, emu, 'plan');
    const planned = plan.events.find((e) => e.type === 'plan');
    row.plan = plan.exitCode === 0 && JSON.stringify(planned?.details ?? {}).includes('"create"') ? 'pass' : 'FAIL';
    if (row.plan === 'FAIL') return { ...row, why: `plan: ${outcomeOf(plan)} ${lastError(plan)}` };

    const deploy = await act(repo, emu, 'deploy');
    const ok = deploy.events.find((e) => e.type === 'publish-succeeded');
    const committed = existsSync(join(repo.workspace, 'genesys/published/release.json'));
    row.deploy = outcomeOf(deploy) === 'succeeded' && ok?.details.identity === 'client' && committed ? 'pass' : 'FAIL';
    if (row.deploy === 'FAIL') return { ...row, why: `deploy: ${outcomeOf(deploy)} ${lastError(deploy)}` };

    const down = { kind: 'http', url: `${emu.baseUrl}/__emulator/conformance-check-down`, 'expect-status': 200 };
    const again = repoWith({ 'genesys/release.yml': stringify(manifest(flow, down)), [FLOW_FILE]: text });
    repos.push(again);
    const second = await act(again, emu, 'deploy');
    const restores = second.events.filter((e) => e.type === 'rollback-flow');
    const verified =
      restores.length === 1 &&
      restores.every((e) => e.details.ok === true && e.details.action === 'republish') &&
      restores[0]!.details.actual.contentHash === restores[0]!.details.expected.contentHash;
    row.rollback = outcomeOf(second) === 'rolled-back' && verified ? 'pass' : 'FAIL';
    if (row.rollback === 'FAIL') return { ...row, why: `rollback: ${outcomeOf(second)} ${lastError(second)}` };
    return row;
  } catch (e) {
    return { ...row, why: e instanceof Error ? e.message : String(e) };
  } finally {
    await emu.close();
    removeTemp(...repos.map((r) => r.root));
  }
}

async function main(): Promise<number> {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  const started = Date.now();
  const rows: Row[] = new Array<Row>(files.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const r = await conform(files[i]!);
      rows[i] = r;
      done++;
      process.stderr.write(`[${done}/${files.length}] ${r.file}: ${r.plan} ${r.deploy} ${r.rollback}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  printTable(rows);
  const passed = rows.filter((r) => r.plan === 'pass' && r.deploy === 'pass' && r.rollback === 'pass').length;
  const count = (k: 'plan' | 'deploy' | 'rollback') => rows.filter((r) => r[k] === 'pass').length;
  console.log('');
  console.log(
    `totals: plan ${count('plan')}/${rows.length}, deploy ${count('deploy')}/${rows.length}, rollback verified ` +
      `${count('rollback')}/${rows.length}; ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${concurrency} at a ` +
      `time, time ×${scale}`
  );
  for (const r of rows.filter((x) => x.why)) console.log(`  ${r.file}: ${r.why}`);
  console.log(`conformance: ${passed} passed, ${rows.length - passed} failed`);
  return passed === rows.length ? 0 : 1;
}

function printTable(rows: Row[]): void {
  const head = ['file', 'key→type', 'plan', 'deploy', 'rollback', 'seconds'];
  const cells = rows.map((r) => [r.file, r.keyType, r.plan, r.deploy, r.rollback, r.seconds.toFixed(1)]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(width[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

let code = 1;
try {
  code = await main();
} finally {
  removeAllTemp();
}
process.exit(code);
