import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { backoffDelay, MAX_DELAY_MS, MIN_DELAY_MS, waitFor, WaitTimeoutError } from '../../src/genesys/wait.ts';

describe('waitFor', () => {
  it('backs off ×1.5 from 250 ms up to the 5 s cap and returns the finished value', async () => {
    const clock = new FakeClock();
    const log = new MemoryLogger();
    let polls = 0;
    const value = await waitFor({
      what: 'publish job',
      id: 'job-1',
      poll: async () => ++polls,
      done: (n) => n >= 12,
      state: () => 'Started',
      clock,
      log,
      deadlineMs: 60_000
    });
    expect(value).toBe(12);
    expect(clock.sleeps[0]).toBe(MIN_DELAY_MS);
    expect(clock.sleeps[1]).toBe(375);
    expect(Math.max(...clock.sleeps)).toBe(MAX_DELAY_MS);
    for (let i = 1; i < clock.sleeps.length; i++) expect(clock.sleeps[i]!).toBeGreaterThanOrEqual(clock.sleeps[i - 1]!);
    // Progress lines at most every 10 s, in the documented form.
    const progress = log.lines.filter((l) => l.startsWith('Waiting for publish job job-1 (Started,'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil((clock.now() - Date.UTC(2026, 0, 1)) / 10_000));
  });

  it('scales the first delay by the expected latency', () => {
    expect(backoffDelay(1, 8000)).toBe(2000);
    expect(backoffDelay(1, 100)).toBe(MIN_DELAY_MS);
    expect(backoffDelay(20, 8000)).toBe(MAX_DELAY_MS);
  });

  it('throws a WaitTimeoutError at the deadline, naming the id and the last state, never sleeping past it', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const err = await waitFor({
      what: 'export job',
      id: 'exp-9',
      poll: async () => 'Started',
      done: () => false,
      state: (s) => s,
      clock,
      log: new MemoryLogger(),
      deadlineMs: 30_000
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toContain('exp-9');
    expect((err as WaitTimeoutError).lastState).toBe('Started');
    expect(clock.now() - start).toBe(30_000);
  });

  it('polls again after a transient (5xx / network) error but fails at once on a 4xx', async () => {
    const clock = new FakeClock();
    let n = 0;
    const ok = await waitFor({
      what: 'execution',
      id: 'e1',
      poll: async () => {
        n++;
        if (n <= 2) throw new GenesysError({ kind: 'http', status: 503, message: 'unavailable' });
        if (n === 3) throw new GenesysError({ kind: 'network', message: 'reset' });
        return 'COMPLETED';
      },
      done: (s) => s === 'COMPLETED',
      clock,
      log: new MemoryLogger(),
      deadlineMs: 60_000
    });
    expect(ok).toBe('COMPLETED');
    expect(n).toBe(4);
    const fatal = await waitFor({
      what: 'execution',
      id: 'e2',
      poll: async () => {
        throw new GenesysError({ kind: 'http', status: 403, message: 'missing permission' });
      },
      done: () => true,
      clock,
      log: new MemoryLogger(),
      deadlineMs: 60_000
    }).catch((e: unknown) => e);
    expect((fatal as GenesysError).status).toBe(403);
  });

  it('stops when the signal aborts and emits progress events sparingly', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const events: number[] = [];
    let n = 0;
    const err = await waitFor({
      what: 'publish job',
      id: 'j',
      poll: async () => {
        if (++n === 40) ac.abort(new Error('operator cancelled'));
        return n;
      },
      done: () => false,
      clock,
      log: new MemoryLogger(),
      deadlineMs: 3_600_000,
      signal: ac.signal,
      onProgress: (_s, elapsed) => events.push(elapsed)
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('operator cancelled');
    expect(n).toBe(40);
    for (let i = 1; i < events.length; i++) expect(events[i]! - events[i - 1]!).toBeGreaterThanOrEqual(60_000);
  });
});
