// One stage: snapshot (once per run) → publish its changed flows (bounded concurrency) → verify by identity that
// they are still live while baking with checks, and again after. Returns the failure, or undefined when the stage
// succeeded; journals stage-started and stage-succeeded / stage-failed.
import { bakeStage } from './bake.ts';
import { isCancellation, throwIfCancelled, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';
import type { Plan, StagePlan } from './plan.ts';
import { runBounded } from './pool.ts';
import { publishFlow } from './publish-flow.ts';
import { verifyStage } from './verify.ts';
import { writeAhead } from './write-ahead.ts';

export interface StageFailure {
  stage: StagePlan;
  reason: string;
  cancelled?: boolean;
}

function fail(run: RunContext, stage: StagePlan, reason: string, cancelled = false): StageFailure {
  run.ctx.journal.append('stage-failed', {
    stage: stage.spec.name,
    status: 'error',
    details: { name: stage.spec.name, reason }
  });
  return { stage, reason, cancelled };
}

/** One export job for the published version of every existing flow that this and the later stages will change. */
async function snapshotAll(run: RunContext, plan: Plan, fromStage: number): Promise<Map<string, ExportedVersion>> {
  const { ctx } = run;
  const existing = plan.stages
    .filter((s) => s.index >= fromStage)
    .flatMap((s) => s.flows)
    .filter((f) => (f.action === 'create' || f.action === 'update') && f.flowId && f.publishedVersion);
  if (existing.length === 0) return new Map();
  const stageOf = new Map(existing.map((f) => [f.flowId!, f.stage]));
  const snaps = await exportVersions(
    ctx,
    existing.map((f) => ({ name: f.name, type: f.type, flowId: f.flowId!, version: f.publishedVersion! })),
    { signal: ctx.signal, stage: plan.stages[fromStage]?.spec.name }
  );
  for (const s of snaps.values()) {
    ctx.journal.append('snapshot', {
      stage: stageOf.get(s.flowId),
      flow: s.name,
      status: 'ok',
      details: { flowId: s.flowId, version: s.version, contentHash: s.hash, exportJobId: s.jobId }
    });
  }
  return snaps;
}

/** Publish the stage's changed flows; a failure or a cancellation starts nothing new. */
async function publishAll(
  run: RunContext,
  stage: StagePlan,
  toChange: StagePlan['flows']
): Promise<string[] | 'cancelled'> {
  const { ctx } = run;
  const failures: string[] = [];
  let cancelled = false;
  await runBounded(
    toChange,
    ctx.manifest.concurrency,
    async (p) => {
      const r = await publishFlow(run, stage.spec.name, p);
      if (r.kind === 'cancelled') cancelled = true;
      else if (r.kind === 'refused' || r.kind === 'failed') failures.push(r.error);
    },
    () => failures.length === 0 && !cancelled && !ctx.signal?.aborted
  );
  return cancelled || ctx.signal?.aborted ? 'cancelled' : failures;
}

export async function runStage(run: RunContext, stage: StagePlan, plan: Plan): Promise<StageFailure | undefined> {
  const { ctx } = run;
  const name = stage.spec.name;
  const stageStartedAt = ctx.clock.now();
  ctx.journal.append('stage-started', {
    stage: name,
    status: 'info',
    details: { index: stage.index, name, flows: stage.flows.map((f) => f.name) }
  });
  ctx.log.startGroup(`Stage ${stage.index + 1}: ${name}`);
  try {
    return await stageSteps(run, stage, plan, stageStartedAt);
  } finally {
    ctx.log.endGroup();
  }
}

async function stageSteps(
  run: RunContext,
  stage: StagePlan,
  plan: Plan,
  stageStartedAt: number
): Promise<StageFailure | undefined> {
  const { ctx } = run;
  const name = stage.spec.name;
  const toChange = stage.flows.filter((f) => f.action === 'create' || f.action === 'update');
  if (toChange.length === 0) {
    ctx.log.info(`Stage ${name}: every flow is unchanged; nothing to publish, bake or check.`);
    ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
    return undefined;
  }

  // 1. Snapshot every existing flow before touching any: once, for this and every later stage, in one export job,
  //    so later stages start publishing at once. The check before each publish (publish-flow.ts) proves a snapshot
  //    taken earlier is still the live version.
  try {
    throwIfCancelled(ctx);
    run.work.snapshots ??= await snapshotAll(run, plan, stage.index);
  } catch (e) {
    if (isCancellation(ctx, e)) return fail(run, stage, 'cancelled', true);
    return fail(run, stage, `Snapshot before publishing failed, nothing in this stage was changed: ${errorText(e)}`);
  }
  // Write-ahead (write-ahead.ts): the lock and what the release may change, durable before the first change.
  const refused = await writeAhead(run, plan, stage.index);
  if (refused) return fail(run, stage, refused);
  if (ctx.signal?.aborted) return fail(run, stage, 'cancelled', true);

  // 2. Publish.
  const published = await publishAll(run, stage, toChange);
  if (published === 'cancelled') return fail(run, stage, 'cancelled', true);
  if (published.length > 0) return fail(run, stage, `Publish failed: ${published.join(' | ')}`);

  // 3. Bake with checks while verify.ts proves that the versions this stage published are still live (a concurrent
  //    publisher may have won the race); a later version ends the bake at once. Proved again after the bake.
  const stop = new AbortController();
  const verifying = verifyStage(run, stage, toChange).then((v) => {
    if (v) stop.abort(new Error('verification failed'));
    return v;
  });
  const bake = await bakeStage(run, stage, stageStartedAt, stop.signal);
  const verifyFailure = await verifying;
  if (ctx.signal?.aborted) return fail(run, stage, 'cancelled', true);
  if (verifyFailure) return fail(run, stage, verifyFailure);
  if (bake) return fail(run, stage, bake.reason, bake.cancelled);
  const after = await verifyStage(run, stage, toChange);
  if (after) return fail(run, stage, after);

  ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
  return undefined;
}
