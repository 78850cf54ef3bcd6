// The bake: after a stage's publishes, wait bakeMs while the stage's checks run every checkIntervalMs (the manifest
// loader delivers it final: at least 1 s, at most the bake) and once at the end. The first failing round ends the
// stage. Checks measure what view() says is live.
import { runStageChecks } from '../checks/index.ts';
import { isCancellation, throwIfCancelled, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import type { StagePlan } from './plan.ts';

export interface BakeFailure {
  reason: string;
  cancelled?: boolean;
}

/** The stage as this run releases it: with a `flows` subset, checks default to the flows actually released. */
export function runSpec(stage: StagePlan): StagePlan['spec'] {
  return { ...stage.spec, flows: stage.flows.map((f) => f.name) };
}

/**
 * Bake the stage; `stop` ends it early without a failure (the content verification failed and reports that).
 * Returns the failure, or undefined.
 */
export async function bakeStage(
  run: RunContext,
  stage: StagePlan,
  stageStartedAt: number,
  stop?: AbortSignal
): Promise<BakeFailure | undefined> {
  const { ctx } = run;
  const { bakeMs, checks, checkIntervalMs: intervalMs } = stage.spec;
  ctx.journal.append('bake-started', { stage: stage.spec.name, status: 'info', details: { bakeMs, intervalMs } });
  ctx.log.info(
    `Baking ${stage.spec.name} for ${Math.round(bakeMs / 1000)} s${checks.length ? `, checks every ${Math.round(intervalMs / 1000)} s` : ''}.`
  );
  const start = ctx.clock.now();
  const end = start + bakeMs;
  // Waits end on a cancellation or when the caller stops the bake.
  const signals = [ctx.signal, stop].filter((x): x is AbortSignal => x !== undefined);
  const sleepSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  const stopped = () => stop?.aborted === true && !ctx.signal?.aborted;
  try {
    if (checks.length === 0) {
      if (bakeMs > 0) await ctx.clock.sleep(bakeMs, sleepSignal);
      return undefined;
    }
    for (let round = 1; ; round++) {
      const next = Math.min(start + round * intervalMs, end);
      const wait = next - ctx.clock.now();
      if (wait > 0) await ctx.clock.sleep(wait, sleepSignal);
      if (stopped()) return undefined;
      throwIfCancelled(ctx);
      const result = await runStageChecks(ctx, runSpec(stage), round, run.view().live, stageStartedAt);
      if (!result.ok) {
        const failed = result.measurements.filter((m) => m.result === 'fail' || m.result === 'inconclusive');
        return {
          reason: `Check failed in bake round ${round}: ${failed.map((m) => `${m.check}: ${m.message}`).join(' | ')}`
        };
      }
      if (ctx.clock.now() >= end || stopped()) return undefined;
    }
  } catch (e) {
    if (isCancellation(ctx, e) || ctx.signal?.aborted) return { reason: 'cancelled', cancelled: true };
    if (stopped()) return undefined;
    return { reason: `Checks could not run: ${errorText(e)}` };
  }
}
