// Memory probe for the bench, preloaded into the action process next to bench-preload.ts when
// FLOW_RELEASE_BENCH_MEMORY_FILE is set: samples process.memoryUsage() every 20 ms (real time, unaffected by the
// dilation, which only patches the global setTimeout) and writes the peak sample, the final one and a coarse
// timeline as JSON to that file when the process exits. Measurement only: the action never imports it.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setInterval as realSetInterval } from 'node:timers';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';

export const MEMORY_FILE_ENV = 'FLOW_RELEASE_BENCH_MEMORY_FILE';
/**
 * When set, a sampling allocation profile (every allocation, including objects the GC already collected) is written
 * there at exit, aggregated by function and script: where the bytes were allocated, not what survived.
 */
export const ALLOC_PROFILE_ENV = 'FLOW_RELEASE_BENCH_ALLOC_PROFILE';
/** When set, a heap snapshot is written to this path at exit (what is still reachable then). */
export const HEAP_SNAPSHOT_ENV = 'FLOW_RELEASE_BENCH_HEAP_SNAPSHOT';
/** V8 flags that NODE_OPTIONS refuses (e.g. --trace-gc), set at preload time. */
export const V8_FLAGS_ENV = 'FLOW_RELEASE_BENCH_V8_FLAGS';

export interface MemorySample {
  t: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** The start of the last line the action wrote before the sample (non-debug), to place it in the run. */
  after?: string;
}

export interface MemoryReport {
  peak: MemorySample;
  final: MemorySample;
  timeline: MemorySample[];
  /** The largest mappings of /proc/self/smaps at exit: `rssKb name` (anonymous ones as `[anon]`). */
  mappings: string[];
}

/** Resident memory at exit by mapping (file name, [heap], [stack] or [anon]), largest first. */
function topMappings(limit = 25): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return [];
  }
  const byName = new Map<string, { kb: number; count: number }>();
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[3] || '[anon]';
      if (name === '[anon]') {
        // Anonymous memory by mapping size: V8 heap pages are 256 kB, glibc thread arenas 64 MB (rw + reserved).
        const kb = (parseInt(head[2] as string, 16) - parseInt(head[1] as string, 16)) / 1024;
        name =
          kb === 256 ? '[anon 256 kB: V8 pages]' : kb >= 1024 ? `[anon ${Math.round(kb / 1024)} MB]` : '[anon small]';
      }
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      const e = byName.get(name) ?? { kb: 0, count: 0 };
      e.kb += Number(rss[1]);
      e.count++;
      byName.set(name, e);
    }
  }
  return [...byName.entries()]
    .sort((a, b) => b[1].kb - a[1].kb)
    .slice(0, limit)
    .map(([n, e]) => `${String(e.kb).padStart(7)} kB ${n} (${e.count} mappings)`);
}

const MB = 1024 * 1024;

export function installMemoryProbe(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env[MEMORY_FILE_ENV];
  if (!file) return false;
  if (env[V8_FLAGS_ENV]) setFlagsFromString(env[V8_FLAGS_ENV]);
  const start = performance.now();
  const sample = (): MemorySample => {
    const m = process.memoryUsage();
    const r = (x: number) => Math.round((x / MB) * 10) / 10;
    return {
      t: Math.round(performance.now() - start),
      rss: r(m.rss),
      heapTotal: r(m.heapTotal),
      heapUsed: r(m.heapUsed),
      external: r(m.external),
      arrayBuffers: r(m.arrayBuffers)
    };
  };
  const profile = env[ALLOC_PROFILE_ENV] ? startAllocationProfile(env[ALLOC_PROFILE_ENV]) : undefined;
  let lastLine = '';
  const write = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && !chunk.startsWith('::debug')) lastLine = chunk.slice(0, 70).trim();
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  let peak = sample();
  const timeline: MemorySample[] = [];
  let n = 0;
  let lastRss = 0;
  const timer = realSetInterval(() => {
    const s = { ...sample(), after: lastLine };
    if (s.rss > peak.rss) peak = s;
    // Every half second, and whenever RSS moved by 2 MB or more.
    if (n++ % 25 === 0 || Math.abs(s.rss - lastRss) >= 2) {
      timeline.push(s);
      lastRss = s.rss;
    }
  }, 20);
  timer.unref();
  process.on('exit', () => {
    const final = sample();
    if (final.rss > peak.rss) peak = final;
    timeline.push(final);
    profile?.();
    if (env[HEAP_SNAPSHOT_ENV]) writeHeapSnapshot(env[HEAP_SNAPSHOT_ENV]);
    writeFileSync(file, JSON.stringify({ peak, final, timeline, mappings: topMappings() } satisfies MemoryReport));
  });
  return true;
}

installMemoryProbe();

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Starts sampling allocations; the returned function writes the aggregate (synchronously, at exit). */
function startAllocationProfile(out: string): () => void {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  });
  return () => {
    // The inspector answers synchronously for an in-process session.
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (err || !res) return;
      const bySite = new Map<string, number>();
      const walk = (n: ProfileNode, stack: string[]) => {
        const f = n.callFrame;
        const here = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`;
        const path = [...stack, here];
        if (n.selfSize > 0) {
          // Attribute to the innermost frame in our own code (src/), plus the innermost frame itself.
          const own = [...path].reverse().find((p) => p.includes('src/') || p.includes('dist/index.js')) ?? '(none)';
          const key = `${here}  <=  ${own}`;
          bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
        }
        for (const c of n.children) walk(c, path.slice(-30));
      };
      walk((res as { profile: { head: ProfileNode } }).profile.head, []);
      const total = [...bySite.values()].reduce((a, b) => a + b, 0);
      const rows = [...bySite.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 80)
        .map(([k, v]) => `${(v / 1048576).toFixed(1).padStart(7)} MB  ${k}`);
      writeFileSync(out, `total sampled allocations ${(total / 1048576).toFixed(1)} MB\n${rows.join('\n')}\n`);
    });
  };
}

/**
 * A JavaScript `data:` URL for `--import` that writes the process's VmHWM (peak RSS, kB) to `file` when it exits:
 * the exact peak, which sampling from outside can miss in the last milliseconds, at no cost to the process measured
 * (no TypeScript stripper, unlike the `.ts` probe above).
 */
export function exitPeakImportUrl(file: string): string {
  const source =
    `process.on('exit', () => { const fs = process.getBuiltinModule('node:fs'); ` +
    `const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8')); ` +
    `fs.writeFileSync(${JSON.stringify(file)}, m ? m[1] : ''); });`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
