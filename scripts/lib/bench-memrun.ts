// One 200-flow (or N) release of the bench, for memory work: runs the action once with extra NODE_OPTIONS
// (e.g. --trace-gc, --heap-prof) and the memory probe, and keeps its stdout in OUT_DIR. Measurement only.
// Usage: node scripts/lib/bench-memrun.ts <n> [outDir (default bench-results/memrun)] [extra node options]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioInput } from '../../emulator/scenario.ts';
import { startEmulator } from '../../emulator/server.ts';
import { killRunningActions, REPO_ROOT, runAction } from './action-runner.ts';
import { makeRelease } from './bench-fixture.ts';
import {
  ALLOC_PROFILE_ENV,
  exitPeakImportUrl,
  HEAP_SNAPSHOT_ENV,
  MEMORY_FILE_ENV,
  V8_FLAGS_ENV,
  type MemoryReport
} from './bench-memory.ts';
import { dilatedClock, preloadImportUrl, SCALE_ENV, T0_ENV } from './bench-timescale.ts';
import { createGitFixture } from './git-fixture.ts';
import { onExitOrSignal, removeAllTemp } from './temp.ts';

const n = Number(process.argv[2] ?? 200);
const outDir = process.argv[3] ?? join(REPO_ROOT, 'bench-results/memrun');
mkdirSync(outDir, { recursive: true });
// The repository, the source dir and the runner temp dir are tempDirs: removed at exit or on a signal.
onExitOrSignal(() => {
  killRunningActions();
  removeAllTemp();
});
const extra = process.argv
  .slice(4)
  .filter((a) => !a.startsWith('--v8='))
  .join(' ');
const v8Flags = process.argv
  .slice(4)
  .filter((a) => a.startsWith('--v8='))
  .map((a) => a.slice(5))
  .join(' ');
const SCALE = 20;
const rel = makeRelease(n, { jobMs: [4000, 8000], exportMs: 2000, bakeMs: 60_000 });
const t0 = Date.now();
const emu = await startEmulator({ port: 0, scenario: rel.scenario as ScenarioInput, clock: dilatedClock(t0, SCALE) });
const repo = createGitFixture(rel.sourceDir, 'flow-release-bench-');
const memoryFile = join(outDir, 'memory.json');
const run = await runAction({
  workspace: repo.workspace,
  inputs: {
    command: 'deploy',
    manifest: 'genesys/release.yml',
    'api-url': emu.baseUrl,
    'login-url': emu.baseUrl,
    'client-id': emu.clientId,
    'client-secret': emu.clientSecret,
    'commit-artifacts': 'true',
    'github-token': ''
  },
  env: {
    GITHUB_SHA: repo.head(),
    // JSPRELOAD=1: only JavaScript preloads (no TypeScript stripper in the process), and the exact VmHWM at exit.
    NODE_OPTIONS: (process.env.JSPRELOAD
      ? [`--import=${preloadImportUrl()}`, `--import=${exitPeakImportUrl(join(outDir, 'vmhwm.txt'))}`, extra]
      : [
          `--import=${join(REPO_ROOT, 'scripts/lib/bench-preload.ts')}`,
          `--import=${join(REPO_ROOT, 'scripts/lib/bench-memory.ts')}`,
          extra
        ]
    ).join(' '),
    [T0_ENV]: String(t0),
    [SCALE_ENV]: String(SCALE),
    [MEMORY_FILE_ENV]: memoryFile,
    [V8_FLAGS_ENV]: v8Flags,
    ...(process.env.SNAPSHOT && { [HEAP_SNAPSHOT_ENV]: join(outDir, 'exit.heapsnapshot') }),
    ...(process.env.ALLOC && { [ALLOC_PROFILE_ENV]: join(outDir, 'alloc.txt') })
  },
  timeoutMs: 300_000
});
await emu.close();
writeFileSync(join(outDir, 'stdout.txt'), run.stdout);
writeFileSync(join(outDir, 'stderr.txt'), run.stderr);
console.log(`exit ${run.exitCode} outcome ${run.outputs.outcome} in ${run.durationMs} ms`);
if (process.env.JSPRELOAD) {
  console.log(
    `peak RSS (VmHWM at exit) ${(Number(readFileSync(join(outDir, 'vmhwm.txt'), 'utf8')) / 1024).toFixed(1)} MB`
  );
  process.exit(0);
}
const m = JSON.parse(readFileSync(memoryFile, 'utf8')) as MemoryReport;
console.log('peak', JSON.stringify(m.peak));
console.log('final', JSON.stringify(m.final));
console.log(m.mappings.slice(0, Number(process.env.MAPPINGS ?? 4)).join('\n'));
if (process.env.TIMELINE)
  for (const x of m.timeline)
    console.log(
      `${String(x.t).padStart(6)} rss ${x.rss} heap ${x.heapUsed}/${x.heapTotal} ext ${x.external} | ${x.after ?? ''}`
    );
