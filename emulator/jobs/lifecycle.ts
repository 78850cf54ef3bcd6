// The one lifecycle of the org's asynchronous work. A `Scheduler` completes whatever has become due on the injected
// clock, oldest first, so a FakeClock that jumps forward sees exactly what a real org would show after that much time.
// `Job` is the state machine the Architect, export and validate jobs share: Registered → Started → Success | Failure,
// with a latency, an optional injected failure and "stuck" (never completes). Each kind supplies only its own work.
import { randomUUID } from 'node:crypto';
import { iso } from '../model.ts';

export type JobStatus = 'Registered' | 'Started' | 'Success' | 'Failure';

export interface JobMessage {
  dateTime: string;
  type: 'Error' | 'Warning';
  text: string;
  details: unknown[];
}

export const errorMessage = (at: number, text: string): JobMessage => ({
  dateTime: iso(at),
  type: 'Error',
  text,
  details: []
});

/** Work that completes at a time on the clock: jobs and publish operations. */
export interface Scheduled {
  /** Registration order; breaks ties between items due at the same instant. */
  seq: number;
  /** Undefined while the work cannot complete (a job not yet uploaded, or stuck). */
  dueAt?: number;
  done: boolean;
  /** Applies the work's effect as of `at`, the instant it was due (not the later instant someone looked). */
  complete(at: number): void;
}

export class Scheduler {
  private seq = 0;
  private pending: Scheduled[] = [];

  /** Registers `item` (numbered in registration order); it completes once its `dueAt` has passed. */
  add<T extends Scheduled>(item: T): T {
    item.seq = ++this.seq;
    this.pending.push(item);
    return item;
  }

  /** Completes every item due at `now`, in due order. */
  tick(now: number): void {
    const due = this.pending.filter((p) => !p.done && p.dueAt !== undefined && p.dueAt <= now);
    if (due.length === 0) return;
    due.sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0) || a.seq - b.seq);
    for (const item of due) {
      item.done = true;
      item.complete(item.dueAt ?? now);
    }
    this.pending = this.pending.filter((p) => !p.done);
  }
}

export abstract class Job implements Scheduled {
  readonly id = randomUUID();
  seq = 0;
  dueAt?: number;
  done = false;
  /** When the job's clock started (registration, or the upload for an Architect job). */
  startedAt?: number;
  /** The job stays Started forever (fault `stuck-job`). */
  stuck = false;
  /** An injected failure; each kind decides after which of its own checks it applies. */
  failureMessage?: string;
  /** Set once the job has ended. */
  status?: 'Success' | 'Failure';
  messages: JobMessage[] = [];
  readonly registeredAt: number;
  latencyMs: number;

  constructor(registeredAt: number, latencyMs: number) {
    this.registeredAt = registeredAt;
    this.latencyMs = latencyMs;
  }

  /** How long after its start the job still reports Registered. */
  protected abstract registeredForMs(): number;

  /** The job's work, run once when it is due: the errors it fails with (none = Success). */
  protected abstract run(at: number): string[];

  /** Starts the job's clock: it completes `latencyMs` later unless it is stuck. */
  start(now: number): void {
    this.startedAt = now;
    if (!this.stuck) this.dueAt = now + this.latencyMs;
  }

  statusAt(now: number): JobStatus {
    if (this.status) return this.status;
    if (this.startedAt === undefined) return 'Registered';
    return now - this.startedAt < this.registeredForMs() && !this.stuck ? 'Registered' : 'Started';
  }

  complete(at: number): void {
    const errors = this.run(at);
    this.status = errors.length > 0 ? 'Failure' : 'Success';
    this.messages = errors.map((text) => errorMessage(at, text));
  }
}
