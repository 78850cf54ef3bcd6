import { describe, expect, it } from '@jest/globals';
import { Job, Scheduler } from '../../emulator/jobs/lifecycle.ts';
import type { Scheduled } from '../../emulator/jobs/lifecycle.ts';

class TestJob extends Job {
  ran: number[] = [];
  private readonly errors: string[];
  constructor(now: number, latencyMs: number, errors: string[] = []) {
    super(now, latencyMs);
    this.errors = errors;
  }
  protected registeredForMs(): number {
    return this.latencyMs * 0.2;
  }
  protected run(at: number): string[] {
    this.ran.push(at);
    return this.errors;
  }
}

describe('Scheduler', () => {
  it('completes what is due in due order, ties by registration, each once, at its due time', () => {
    const scheduler = new Scheduler();
    const completed: string[] = [];
    const item = (name: string, dueAt?: number): Scheduled => ({
      seq: 0,
      done: false,
      ...(dueAt !== undefined ? { dueAt } : {}),
      complete: (at) => completed.push(`${name}@${at}`)
    });
    scheduler.add(item('late', 300));
    scheduler.add(item('never'));
    scheduler.add(item('tie-first', 100));
    scheduler.add(item('tie-second', 100));
    scheduler.tick(99);
    expect(completed).toEqual([]);
    scheduler.tick(1000);
    scheduler.tick(2000);
    expect(completed).toEqual(['tie-first@100', 'tie-second@100', 'late@300']);
  });
});

describe('Job', () => {
  it('is Registered until started, then for its registered phase, Started until due, then Success', () => {
    const scheduler = new Scheduler();
    const job = scheduler.add(new TestJob(0, 1000));
    expect(job.statusAt(5000)).toBe('Registered');
    job.start(5000);
    expect(job.statusAt(5199)).toBe('Registered');
    expect(job.statusAt(5200)).toBe('Started');
    scheduler.tick(7000);
    expect(job.ran).toEqual([6000]);
    expect(job.statusAt(7000)).toBe('Success');
    expect(job.messages).toEqual([]);
  });

  it('fails with messages dated when it was due', () => {
    const scheduler = new Scheduler();
    const job = scheduler.add(new TestJob(0, 1000, ['broken']));
    job.start(0);
    scheduler.tick(60_000);
    expect(job.status).toBe('Failure');
    expect(job.messages).toEqual([
      { dateTime: new Date(1000).toISOString(), type: 'Error', text: 'broken', details: [] }
    ]);
  });

  it('never completes when stuck, and says Started from the start', () => {
    const scheduler = new Scheduler();
    const job = scheduler.add(new TestJob(0, 1000));
    job.stuck = true;
    job.start(0);
    expect(job.statusAt(0)).toBe('Started');
    scheduler.tick(Number.MAX_SAFE_INTEGER);
    expect(job.ran).toEqual([]);
    expect(job.statusAt(Number.MAX_SAFE_INTEGER)).toBe('Started');
  });
});
