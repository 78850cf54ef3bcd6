// Client-side pacing for the HTTP layer, so a concurrent release stays under the 300 requests/min/token limit.
import type { Clock } from '../common/clock.ts';

/** Sliding-window pacing on the injected clock. Check and record happen synchronously, so concurrent callers share it. */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly clock: Clock;
  constructor(limit: number, windowMs: number, clock: Clock) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
  }
  /** Resolves when a request may be sent now; returns how long it waited. */
  async acquire(): Promise<number> {
    const started = this.clock.now();
    for (;;) {
      const now = this.clock.now();
      while (this.sent.length > 0 && (this.sent[0] as number) <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return now - started;
      }
      await this.clock.sleep((this.sent[0] as number) + this.windowMs - now);
    }
  }
}
