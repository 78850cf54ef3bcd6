// The one poller for everything asynchronous in Genesys Cloud: Architect jobs, export and validate jobs, publish
// operations and flow executions. Adaptive backoff (start small, grow ×1.5, cap), a deadline, progress lines that a
// person watching the log can follow, and tolerance for transient read errors.
// Shared by the engine (jobs) and the check kinds (executions), so it sits below both.
import type { Clock } from '../common/clock.ts';
import { isGenesysError } from './errors.ts';
import type { Logger } from '../common/log.ts';

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
  /**
   * Typical time to completion when known. The wait then polls adaptively: the first poll comes when the work is
   * expected to be done (learned from the waits of the same `what` already finished on this clock, this value until
   * there are some), then every quarter of that, growing ×1.5 up to 5 s. Without it: poll at once, then back off.
   */
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

/** The first poll of an adaptive wait never comes later than this. */
export const MAX_FIRST_DELAY_MS = 60_000;
const HISTORY = 20;

/**
 * Completion times of finished waits, per clock and per `what`: a release's 50 publish jobs behave alike, so the 2nd
 * to 50th are polled when the 1st ones actually finished rather than when a constant guessed they would. Keyed by the
 * clock so that each test's FakeClock starts afresh.
 */
const history = new WeakMap<Clock, Map<string, number[]>>();

/** The latency to plan the first poll on: the median of what was observed, else the caller's expectation. */
export function expectedLatency(clock: Clock, what: string, fallbackMs?: number): number | undefined {
  const seen = history.get(clock)?.get(what);
  if (!seen || seen.length === 0) return fallbackMs;
  const sorted = [...seen].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Records how long a wait of `what` took (an estimate when it was done at the first poll: see waitFor). */
export function recordLatency(clock: Clock, what: string, ms: number): void {
  let byWhat = history.get(clock);
  if (!byWhat) history.set(clock, (byWhat = new Map()));
  const seen = byWhat.get(what) ?? [];
  seen.push(Math.max(0, Math.round(ms)));
  if (seen.length > HISTORY) seen.shift();
  byWhat.set(what, seen);
}

/** Delay before poll `attempt` (1-based) of an adaptive wait planned on latency `expected`. */
export function adaptiveDelay(attempt: number, expected: number): number {
  if (attempt <= 1) return Math.min(MAX_FIRST_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expected)));
  const step = Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expected / 4)));
  return Math.min(MAX_DELAY_MS, Math.round(step * 1.5 ** (attempt - 2)));
}

export async function waitFor<T>(o: WaitOptions<T>): Promise<T> {
  const start = o.clock.now();
  const adaptive = !o.schedule && o.expectedLatencyMs !== undefined;
  const expected = adaptive ? (expectedLatency(o.clock, o.what, o.expectedLatencyMs) ?? 0) : 0;
  const deadline = Math.min(start + o.deadlineMs, o.deadlineAt ?? Number.POSITIVE_INFINITY);
  // When the work's latency is known, polling at once only costs a call: the first poll waits for it.
  if (adaptive) {
    if (o.signal?.aborted) throw o.signal.reason;
    await o.clock.sleep(Math.max(0, Math.min(adaptiveDelay(1, expected), deadline - start)), o.signal);
  }
  let previousPollAt = start;
  const logEvery = o.progressLogMs ?? 10_000;
  const eventEvery = o.progressEventMs ?? 60_000;
  let lastLog = start;
  let lastEvent = start;
  let lastState = 'not polled yet';
  let attempt = 0;
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    attempt++;
    const pollAt = o.clock.now();
    try {
      const value = await o.poll();
      if (o.state) lastState = o.state(value);
      if (o.done(value)) {
        if (adaptive) {
          // Done at the first poll: it may have finished well before, so nudge the estimate down (×0.75); done
          // later: it finished between the last two polls.
          const took = attempt === 1 ? (pollAt - start) * 0.75 : (previousPollAt + pollAt) / 2 - start;
          recordLatency(o.clock, o.what, took);
        }
        return value;
      }
    } catch (e) {
      if (!isTransientError(e)) throw e;
      lastState = `transient error: ${(e as Error).message}`;
      o.log.debug(`Polling ${o.what} ${o.id} failed transiently, will poll again: ${(e as Error).message}`);
    }
    previousPollAt = pollAt;
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
    const delay = o.schedule
      ? o.schedule(attempt)
      : adaptive
        ? adaptiveDelay(attempt + 1, expected)
        : backoffDelay(attempt, o.expectedLatencyMs);
    // Never sleep past the deadline: the last poll happens at the deadline itself.
    await o.clock.sleep(Math.max(0, Math.min(delay, deadline - now)), o.signal);
  }
}
