import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { adaptiveDelay, expectedLatency, MIN_DELAY_MS, waitFor } from '../../src/genesys/wait.ts';

/** A job that finishes `latencyMs` after the wait starts, polled through waitFor; returns the polls it took. */
async function job(clock: FakeClock, latencyMs: number, expectedLatencyMs = 4000) {
  const start = clock.now();
  let polls = 0;
  await waitFor({
    what: 'publish job',
    id: `job-${latencyMs}`,
    poll: async () => {
      polls++;
      return clock.now() - start >= latencyMs ? 'Success' : 'Started';
    },
    done: (s) => s === 'Success',
    clock,
    log: new MemoryLogger(),
    deadlineMs: 600_000,
    expectedLatencyMs
  });
  return { polls, tookMs: clock.now() - start };
}

describe('adaptive polling (expectedLatencyMs)', () => {
  it('makes the first poll at the expected latency, not at once, then every quarter of it growing ×1.5', async () => {
    const clock = new FakeClock();
    const r = await job(clock, 4000);
    expect(r.polls).toBe(1);
    expect(clock.sleeps[0]).toBe(4000);
    expect(adaptiveDelay(2, 4000)).toBe(1000);
    expect(adaptiveDelay(3, 4000)).toBe(1500);
    expect(adaptiveDelay(30, 4000)).toBe(5000);
    expect(adaptiveDelay(1, 10)).toBe(MIN_DELAY_MS);
  });

  it('learns from finished waits on the same clock: slow jobs are first polled near their real latency', async () => {
    const clock = new FakeClock();
    const first = await job(clock, 9000);
    expect(first.polls).toBeGreaterThan(2);
    for (let i = 0; i < 4; i++) await job(clock, 9000);
    const learned = expectedLatency(clock, 'publish job', 4000)!;
    expect(learned).toBeGreaterThan(8000);
    const later = await job(clock, 9000);
    expect(later.polls).toBeLessThanOrEqual(2);
    expect(later.tookMs - 9000).toBeLessThan(2500);
    // Another clock (another test, another process) starts from the caller's expectation again.
    expect(expectedLatency(new FakeClock(), 'publish job', 4000)).toBe(4000);
  });

  it('drifts down when every job is done at its first poll', async () => {
    const clock = new FakeClock();
    for (let i = 0; i < 12; i++) await job(clock, 1000);
    expect(expectedLatency(clock, 'publish job', 4000)!).toBeLessThan(2000);
  });

  it('keeps the old schedule without an expected latency: an immediate first poll', async () => {
    const clock = new FakeClock();
    let polls = 0;
    await waitFor({
      what: 'execution',
      id: 'x',
      poll: async () => ++polls,
      done: (n) => n >= 1,
      clock,
      log: new MemoryLogger(),
      deadlineMs: 1000
    });
    expect(polls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});
