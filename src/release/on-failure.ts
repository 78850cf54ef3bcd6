// What a failed run does: a cancellation stops (nothing new, not even a rollback); otherwise everything this run
// changed is rolled back in rollbackOrder (newest change first) and verified — unless automatic rollback is off.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { FlowType } from '../genesys/models.ts';
import { runStageChecks } from '../checks/index.ts';
import { abortReason, isCancellation, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { runSpec } from './bake.ts';
import { conclude, finishCancelled } from './finish.ts';
import type { StagePlan } from './plan.ts';
import { rollbackFlows, rollbackOrder, type ChangedFlow } from './rollback.ts';
import type { StageFailure } from './stage.ts';
import type { ReleaseResult } from './types.ts';
import { exportHash } from './normalize.ts';
import { rollbackContent } from './write-ahead.ts';

/** The content before the release to restore: the ledger's copy when there is a ledger, else the run's snapshot. */
async function restoreTarget(
  run: RunContext,
  c: ReturnType<RunContext['view']>['changed'][number]
): Promise<ChangedFlow['snapshot']> {
  if (!c.snapshot) return undefined;
  if (run.ledger) {
    // A rollback target is always the last known-good content from the ledger, never what happens to be live.
    const before = run.ledger.doc?.inProgress?.flows.find((f) => f.name === c.name && f.type === c.type)?.before;
    if (!before?.content || !before.version) return undefined;
    try {
      const content = await run.ledger.getBlob(before.content);
      return { version: before.version, content, hash: exportHash(content) };
    } catch (e) {
      const message = `The ledger's content of "${c.name}" before this release cannot be read: ${errorText(e)}`;
      run.ctx.journal.append('warning', { flow: c.name, status: 'warning', details: { message } });
      return undefined;
    }
  }
  const snap = run.work.snapshots?.get(c.flowId);
  return snap ? { version: snap.version, content: rollbackContent(snap), hash: snap.hash } : undefined;
}

/** What this run changed (the journal's facts) with what to restore it to (ledger content, settle). */
async function changedFlows(run: RunContext): Promise<ChangedFlow[]> {
  return Promise.all(
    run.view().changed.map(async (c) => ({
      name: c.name,
      type: c.type as FlowType,
      stage: c.stage,
      flowId: c.flowId,
      created: c.created,
      snapshot: await restoreTarget(run, c),
      publishedVersion: c.publishedVersion,
      settle: run.work.settle.get(c.name),
      seq: c.seq
    }))
  );
}

function journalCancelled(run: RunContext, stage: string | undefined): void {
  run.ctx.journal.append('cancelled', { stage, status: 'warning', details: { signal: abortReason(run.ctx.signal) } });
}

/** Round 0: the failed stage's checks on the restored versions, journaled as evidence (the outcome stays). */
async function recheck(run: RunContext, stage: StagePlan): Promise<void> {
  const { ctx } = run;
  try {
    await runStageChecks(ctx, runSpec(stage), 0, run.view().live, ctx.clock.now());
  } catch (e) {
    if (!isCancellation(ctx, e)) {
      ctx.journal.append('warning', {
        status: 'warning',
        details: { message: `Post-rollback checks could not run: ${errorText(e)}` }
      });
    }
  }
}

export async function rollbackAndFinish(
  run: RunContext,
  failedStage: StagePlan | undefined,
  reason: string
): Promise<ReleaseResult> {
  const { ctx } = run;
  const changed = await changedFlows(run);
  const flows = rollbackOrder(changed).map((c) => c.name);
  if (!ctx.manifest.rollback.automatic) return conclude(run, { kind: 'rollback-off', reason, flows });
  const stage = failedStage?.spec.name;
  ctx.journal.append('rollback-started', { stage, status: 'warning', details: { reason, flows } });
  ctx.log.startGroup(`Rollback: ${flows.join(', ')}`);
  // A cancellation during the rollback starts no further restore (the signal is passed down); what is done stays.
  let results: RollbackFlowResult[];
  let ok: boolean;
  let cancelled: boolean;
  try {
    const r = await rollbackFlows(ctx, changed, { newFlows: ctx.manifest.rollback.newFlows });
    cancelled = ctx.signal?.aborted === true;
    results = r.results;
    ok = r.ok && !cancelled;
  } finally {
    ctx.log.endGroup();
  }
  // The signal is journaled before the rollback closes: restores left unverified were cut by it (outcome.ts).
  if (cancelled) journalCancelled(run, stage);
  ctx.journal.append('rollback-finished', { stage, status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  if (cancelled) {
    for (const r of results.filter((x) => !x.ok && x.attempts > 0)) {
      ctx.journal.append('warning', {
        stage,
        flow: r.name,
        status: 'warning',
        details: {
          message: `Cancelled while its rollback publish for "${r.name}" was running: it may still publish on the platform; the flow's state is unknown.`,
          inFlight: { what: 'its rollback publish', flowId: r.flowId }
        }
      });
    }
    return finishCancelled(run, stage, reason);
  }
  if (ok && failedStage && failedStage.spec.checks.length > 0) await recheck(run, failedStage);
  return conclude(run, { kind: 'rollback-done', reason, flows });
}

/** A stage failed: stop on a cancellation, else roll back what changed. */
export async function finishFailedStage(run: RunContext, failure: StageFailure): Promise<ReleaseResult> {
  const stage = failure.stage.spec.name;
  if (failure.cancelled || run.ctx.signal?.aborted) {
    journalCancelled(run, stage);
    return finishCancelled(run, stage);
  }
  const reason = `Stage ${stage}: ${failure.reason}`;
  if (run.view().changed.length === 0) return conclude(run, { kind: 'stage-failed', reason });
  return rollbackAndFinish(run, failure.stage, reason);
}

/** Cancellation outside a stage (the plan), or a bug: nothing of ours may be left half-done. */
export async function finishCrashed(run: RunContext, e: unknown): Promise<ReleaseResult> {
  const { ctx } = run;
  if (isCancellation(ctx, e) || ctx.signal?.aborted) {
    journalCancelled(run, undefined);
    return finishCancelled(run);
  }
  ctx.journal.append('error', { status: 'error', details: { message: errorText(e), error: String(e) } });
  if (run.view().changed.length === 0) return conclude(run, { kind: 'crashed', error: errorText(e) });
  return rollbackAndFinish(run, undefined, errorText(e));
}
