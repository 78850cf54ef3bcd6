// Cancellation as a check sees it: a cancelled run starts nothing new, and a cancellation is never reported as a
// failed measurement. The engine recognises what is thrown here (the signal's reason) as its own cancellation.
import type { CheckContext } from './types.ts';

/** Call before anything that starts work in the org. */
export function throwIfCancelled(ctx: Pick<CheckContext, 'signal'>): void {
  if (ctx.signal?.aborted) throw ctx.signal.reason;
}

/** Is `e` the run's cancellation (rethrow it) rather than a failure of the measurement? */
export function isCancellation(ctx: Pick<CheckContext, 'signal'>, e: unknown): boolean {
  if (ctx.signal?.aborted !== true) return false;
  return e === ctx.signal.reason || (e instanceof Error && e.name === 'CancelledError');
}
