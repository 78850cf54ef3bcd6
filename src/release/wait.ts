// The one poller for everything asynchronous in Genesys Cloud: Architect jobs, export and validate jobs, publish
// operations and flow executions. Adaptive backoff (start small, grow ×1.5, cap), a deadline, progress lines that a
// person watching the log can follow, and tolerance for transient read errors.
import type { Clock } from '../clock.ts';
import { isGenesysError } from '../genesys/errors.ts';
import type { Logger } from '../log.ts';

export interface WaitOptions<T> {
  /** What is waited for, for messages: `publish job`, `export job`, `execution`... */
  what: string;
  id: string;
  poll: () => Promise<T>;
  done: (t: T) => boolean;
  clock: Clock;
  log: Logger;
  /** How long to wait at most, from the first poll. */
  deadlineMs: number;
  /** An absolute deadline (clock time) that may cut `deadlineMs` short, e.g. the grace after a cancellation. */
  deadlineAt?: number;
  signal?: AbortSignal;
  /** A short state label for progress lines (`Started`, `RUNNING`...). */
  state?: (t: T) => string;
  /** Typical time to completion when known: the backoff starts at a quarter of it (bounded). */
  expectedLatencyMs?: number;
  /** Override the delay before poll number `attempt` (1-based, after the first). */
  schedule?: (attempt: number) => number;
  /** Called sparingly (at most every `progressEventMs`) for the journal's `wait-progress` events. */
  onProgress?: (state: string, elapsedMs: number) => void;
  progressLogMs?: number;
  progressEventMs?: number;
}

export const MIN_DELAY_MS = 250;
export const MAX_DELAY_MS = 5000;

export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly id: string;
  readonly lastState: string;
  readonly elapsedMs: number;
  constructor(what: string, id: string, lastState: string, elapsedMs: number) {
    super(
      `Gave up waiting for ${what} ${id} after ${Math.round(elapsedMs / 1000)} s (last state: ${lastState}). ` +
        'It may still finish in Genesys Cloud; raise the job timeout in the manifest if this job is legitimately slow.'
    );
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.id = id;
    this.lastState = lastState;
    this.elapsedMs = elapsedMs;
  }
}

/** Errors worth polling again: the connection or the server failed, not our request. */
export function isTransientError(e: unknown): boolean {
  if (!isGenesysError(e)) return false;
  if (e.kind === 'network' || e.kind === 'timeout') return true;
  return e.kind === 'http' && e.status !== undefined && (e.status >= 500 || e.status === 429);
}

export function backoffDelay(attempt: number, expectedLatencyMs?: number): number {
  const first =
    expectedLatencyMs === undefined
      ? MIN_DELAY_MS
      : Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expectedLatencyMs / 4)));
  return Math.min(MAX_DELAY_MS, Math.round(first * 1.5 ** Math.max(0, attempt - 1)));
}

export async function waitFor<T>(o: WaitOptions<T>): Promise<T> {
  const start = o.clock.now();
  const deadline = Math.min(start + o.deadlineMs, o.deadlineAt ?? Number.POSITIVE_INFINITY);
  const logEvery = o.progressLogMs ?? 10_000;
  const eventEvery = o.progressEventMs ?? 60_000;
  let lastLog = start;
  let lastEvent = start;
  let lastState = 'not polled yet';
  let attempt = 0;
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    attempt++;
    try {
      const value = await o.poll();
      if (o.state) lastState = o.state(value);
      if (o.done(value)) return value;
    } catch (e) {
      if (!isTransientError(e)) throw e;
      lastState = `transient error: ${(e as Error).message}`;
      o.log.debug(`Polling ${o.what} ${o.id} failed transiently, will poll again: ${(e as Error).message}`);
    }
    const now = o.clock.now();
    const elapsed = now - start;
    if (now >= deadline) throw new WaitTimeoutError(o.what, o.id, lastState, elapsed);
    if (now - lastLog >= logEvery) {
      lastLog = now;
      o.log.info(`Waiting for ${o.what} ${o.id} (${lastState}, ${Math.round(elapsed / 1000)} s)`);
    }
    if (o.onProgress && now - lastEvent >= eventEvery) {
      lastEvent = now;
      o.onProgress(lastState, elapsed);
    }
    const delay = o.schedule ? o.schedule(attempt) : backoffDelay(attempt, o.expectedLatencyMs);
    // Never sleep past the deadline: the last poll happens at the deadline itself.
    await o.clock.sleep(Math.max(0, Math.min(delay, deadline - now)), o.signal);
  }
}
