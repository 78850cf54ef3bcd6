// Time dilation for the bench. Loaded into the action process with NODE_OPTIONS=--import (it patches the process's
// Date.now and setTimeout), and used in-process as a Clock for the emulator and the baseline drivers. With scale k,
// virtual time runs k× faster than real time from the instant t0: a 60 s bake takes 60/k real seconds, a 300/min
// rate-limit window lasts 60/k real seconds, and the action's own constants (poll delays, pacing window, check
// intervals, retry backoffs) are dilated exactly like the emulator's latencies — so the production code is measured
// unchanged, in its own units. CPU time is not dilated: each real millisecond of work costs k virtual ms, which makes
// the figures pessimistic (it stands in for network round trips).
import type { Clock } from '../../src/common/clock.ts';

export const T0_ENV = 'FLOW_RELEASE_BENCH_T0';
export const SCALE_ENV = 'FLOW_RELEASE_BENCH_TIME_SCALE';

export function dilatedClock(t0: number, scale: number, realNow: () => number = Date.now): Clock {
  return {
    now: () => Math.round(t0 + (realNow() - t0) * scale),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms) / scale
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      })
  };
}

/** Patches this process's clock when the env asks for it (the preload side). */
export function installDilation(env: NodeJS.ProcessEnv = process.env): boolean {
  const t0 = Number(env[T0_ENV]);
  const scale = Number(env[SCALE_ENV]);
  if (!(t0 > 0) || !(scale > 0) || scale === 1) return false;
  const realNow = Date.now.bind(Date);
  Date.now = () => Math.round(t0 + (realNow() - t0) * scale);
  const realSetTimeout = globalThis.setTimeout;
  const patched = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    realSetTimeout(fn, Math.max(0, Number(ms) || 0) / scale, ...args);
  globalThis.setTimeout = Object.assign(patched, realSetTimeout) as unknown as typeof setTimeout;
  return true;
}

/**
 * The preload as a JavaScript `data:` URL for `--import`, built from `installDilation`'s own source (type stripping
 * leaves plain JavaScript behind). Loading a `.ts` preload makes Node start its TypeScript stripper (an ~18 MB
 * WebAssembly module) inside the action process, which the shipped `dist/` never pays: the bench must not add it to
 * the action's memory figure.
 */
export function preloadImportUrl(): string {
  const source =
    `const T0_ENV = ${JSON.stringify(T0_ENV)}; const SCALE_ENV = ${JSON.stringify(SCALE_ENV)};\n` +
    `(${installDilation.toString()})(process.env);\n`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
