// The release engine's entry point: plan → per stage (snapshot → publish → bake + checks) → on failure a verified
// rollback of everything this release changed → optional export of what went live. Every fact goes into the journal;
// expected failures (API errors, job failures, failed checks, cancellation) never throw, they become the outcome.
import type { Outcome, PlannedFlow, PublishedFlow, RollbackFlowResult } from '../evidence/events.ts';
import type { FlowType } from '../genesys/models.ts';
import { artifactPath } from '../git/record.ts';
import { defaultHttpGet, runStageChecks, type LiveFlow } from './checks.ts';
import { abortReason, errorText, isCancellation, isNotFound, throwIfCancelled, type EngineContext } from './context.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';
import { buildPlan, filterFlows, type FlowPlan, type Plan, type StagePlan } from './plan.ts';
import { runBounded } from './pool.ts';
import { publishDraft, publishYaml, type PublishOutcome } from './publish.ts';
import { recordedTarget, restoreContent, rollbackFlows, type ChangedFlow } from './rollback.ts';
import type { ExportedFlow, FlowResult, ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';

export type { ExportedFlow, FlowResult, ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';

const DEFAULT_CANCEL_GRACE_MS = 10_000;

interface StageFailure {
  stage: StagePlan;
  reason: string;
  cancelled?: boolean;
}

/** Mutable bookkeeping of one run. */
class RunState {
  readonly results = new Map<string, FlowResult>();
  readonly changed: ChangedFlow[] = [];
  readonly live = new Map<string, LiveFlow>();
  readonly published = new Map<string, PublishedFlow>();
  /** Final states whose version counts as published by this run (`command: rollback` adds 'rolled-back'). */
  liveStates = new Set<FlowResult['state']>(['published']);

  set(name: string, patch: Partial<FlowResult>): void {
    const cur = this.results.get(name);
    if (cur) this.results.set(name, { ...cur, ...patch });
  }

  flowResults(): FlowResult[] {
    return [...this.results.values()];
  }

  /** Only what is live at the end counts as published. */
  publishedList(): PublishedFlow[] {
    return [...this.published.values()].filter((p) =>
      this.liveStates.has(this.results.get(p.name)?.state ?? 'unknown')
    );
  }
}

function toPlanned(p: FlowPlan): PlannedFlow {
  const { spec: _spec, org: _org, unlock: _unlock, ...planned } = p;
  return planned;
}

export async function runRelease(deps: ReleaseDeps, opts: ReleaseOptions): Promise<ReleaseResult> {
  const ctx: EngineContext = {
    api: deps.api,
    journal: deps.journal,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    httpGet: deps.httpGet ?? defaultHttpGet,
    manifest: opts.manifest,
    releaseId: opts.releaseId
  };
  const state = new RunState();
  for (const f of opts.manifest.flows) {
    state.results.set(f.name, { name: f.name, type: f.type, state: 'skipped', reason: 'not part of this run' });
  }
  const finish = (outcome: Outcome, message: string): ReleaseResult => {
    const status = outcome === 'succeeded' || outcome === 'planned' ? 'info' : 'error';
    if (status === 'error') ctx.log.error(message);
    else ctx.log.info(message);
    return { outcome, published: state.publishedList(), exports: [], flows: state.flowResults(), message };
  };

  try {
    const { unknown } = filterFlows(opts.manifest.flows, opts.flowsFilter);
    if (unknown.length > 0) {
      const known = opts.manifest.flows.map((f) => f.name).join(', ');
      const message = `The flows input names ${unknown.map((n) => `"${n}"`).join(', ')}, which the manifest does not define (it defines: ${known}). Nothing was changed.`;
      ctx.journal.append('error', { status: 'error', details: { message } });
      return finish('failed', message);
    }
    if (opts.command === 'rollback') return await rollbackCommand(ctx, opts, state, finish);

    ctx.log.startGroup('Plan');
    let plan: Plan;
    try {
      plan = await buildPlan(ctx, opts);
    } finally {
      ctx.log.endGroup();
    }
    ctx.journal.append('plan', {
      status: plan.errors.length ? 'error' : 'info',
      details: {
        flows: plan.flows.map(toPlanned),
        stages: plan.stages.map((s) => ({
          name: s.spec.name,
          flows: s.flows.map((f) => f.name),
          bakeMs: s.spec.bakeMs,
          checks: s.spec.checks
        }))
      }
    });
    for (const p of plan.flows) {
      if (p.action === 'skipped') {
        state.set(p.name, { reason: p.reason });
        continue;
      }
      ctx.log.info(
        `${p.stage}: ${p.name} (${p.type}) → ${p.action}${p.publishedVersion ? ` from version ${p.publishedVersion}` : ''} — ${p.reason}`
      );
      state.set(p.name, {
        flowId: p.flowId,
        fromVersion: p.publishedVersion ?? null,
        version: p.publishedVersion,
        state: p.action === 'unchanged' ? 'unchanged' : opts.command === 'plan' ? 'planned' : 'skipped',
        reason: p.action === 'unchanged' ? p.reason : undefined
      });
      if (p.flowId && p.publishedVersion) {
        state.live.set(p.name, {
          name: p.name,
          type: p.type,
          flowId: p.flowId,
          version: p.publishedVersion,
          previousVersion: null
        });
      }
    }
    if (plan.errors.length > 0) {
      for (const e of plan.errors) ctx.journal.append('error', { status: 'error', details: { message: e } });
      return finish(
        'failed',
        `The plan has ${plan.errors.length} problem(s); nothing was changed:\n- ${plan.errors.join('\n- ')}`
      );
    }
    if (opts.command === 'plan') {
      const n = plan.flows.filter((f) => f.action === 'create' || f.action === 'update').length;
      return finish('planned', `Plan: ${n} flow(s) to publish in ${plan.stages.length} stage(s); nothing was changed.`);
    }

    let failure: StageFailure | undefined;
    for (const stage of plan.stages) {
      failure = await runStage(ctx, stage, state);
      if (failure) break;
    }
    if (failure) return await handleFailure(ctx, opts, state, failure, finish);

    const result = finish('succeeded', successMessage(state));
    if (opts.exportAfter) result.exports = await exportReleased(ctx, state);
    return result;
  } catch (e) {
    // Cancellation outside a stage (plan) or a bug: nothing of ours may be left half-done.
    const cancelled = isCancellation(ctx, e);
    if (cancelled) {
      ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
    } else {
      ctx.journal.append('error', { status: 'error', details: { message: errorText(e), error: String(e) } });
    }
    if (state.changed.length === 0) {
      return finish('failed', cancelled ? 'Cancelled before anything was changed.' : `Release failed: ${errorText(e)}`);
    }
    return await rollbackAndFinish(ctx, opts, state, undefined, errorText(e), cancelled, finish);
  }
}

function successMessage(state: RunState): string {
  const pub = state.publishedList();
  if (pub.length === 0) return 'Release succeeded: nothing needed publishing (every flow is unchanged).';
  return `Release succeeded: published ${pub.map((p) => `${p.name} ${p.fromVersion ?? 'new'} → ${p.toVersion}`).join(', ')}.`;
}

async function runStage(ctx: EngineContext, stage: StagePlan, state: RunState): Promise<StageFailure | undefined> {
  const name = stage.spec.name;
  const stageStartedAt = ctx.clock.now();
  ctx.journal.append('stage-started', {
    stage: name,
    status: 'info',
    details: { index: stage.index, name, flows: stage.flows.map((f) => f.name) }
  });
  ctx.log.startGroup(`Stage ${stage.index + 1}: ${name}`);
  try {
    const toChange = stage.flows.filter((f) => f.action === 'create' || f.action === 'update');
    if (toChange.length === 0) {
      ctx.log.info(`Stage ${name}: every flow is unchanged; nothing to publish, bake or check.`);
      ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
      return undefined;
    }

    // 1. Snapshot every existing flow of the stage before touching any.
    let snapshots: Map<string, ExportedVersion>;
    try {
      throwIfCancelled(ctx);
      snapshots = await snapshotStage(ctx, name, toChange);
    } catch (e) {
      if (isCancellation(ctx, e)) return fail(ctx, stage, 'cancelled', true);
      return fail(ctx, stage, `Snapshot before publishing failed, nothing in this stage was changed: ${errorText(e)}`);
    }

    // 2. Publish, bounded concurrency; a failure or a cancellation starts nothing new.
    const failures: string[] = [];
    let cancelled = false;
    await runBounded(
      toChange,
      ctx.manifest.concurrency > 0 ? ctx.manifest.concurrency : 4,
      async (p) => {
        const r = await publishOne(ctx, stage, p, snapshots.get(p.flowId ?? ''), state);
        if (r === 'cancelled') cancelled = true;
        else if (r !== 'ok') failures.push(r);
      },
      () => failures.length === 0 && !cancelled && !ctx.signal?.aborted
    );
    if (cancelled || ctx.signal?.aborted) return fail(ctx, stage, 'cancelled', true);
    if (failures.length > 0) return fail(ctx, stage, `Publish failed: ${failures.join(' | ')}`);

    // 3. Bake with checks.
    const bake = await bakeStage(ctx, stage, state, stageStartedAt);
    if (bake) return fail(ctx, stage, bake.reason, bake.cancelled);

    ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
    return undefined;
  } finally {
    ctx.log.endGroup();
  }
}

function fail(ctx: EngineContext, stage: StagePlan, reason: string, cancelled = false): StageFailure {
  ctx.journal.append('stage-failed', {
    stage: stage.spec.name,
    status: 'error',
    details: { name: stage.spec.name, reason }
  });
  return { stage, reason, cancelled };
}

async function snapshotStage(
  ctx: EngineContext,
  stage: string,
  flows: FlowPlan[]
): Promise<Map<string, ExportedVersion>> {
  const existing = flows.filter((f) => f.flowId && f.publishedVersion);
  if (existing.length === 0) return new Map();
  const snaps = await exportVersions(
    ctx,
    existing.map((f) => ({ name: f.name, type: f.type, flowId: f.flowId!, version: f.publishedVersion! })),
    { signal: ctx.signal, stage }
  );
  for (const s of snaps.values()) {
    ctx.journal.append('snapshot', {
      stage,
      flow: s.name,
      status: 'ok',
      details: { flowId: s.flowId, version: s.version, contentHash: s.hash, exportJobId: s.jobId }
    });
  }
  return snaps;
}

/** Publish one flow; returns 'ok', 'cancelled' or the failure text. Records every change for the rollback. */
async function publishOne(
  ctx: EngineContext,
  stage: StagePlan,
  p: FlowPlan,
  snapshot: ExportedVersion | undefined,
  state: RunState
): Promise<string> {
  const stageName = stage.spec.name;
  const fromVersion = p.publishedVersion ?? null;
  const target = { name: p.name, type: p.type as FlowType, flowId: p.flowId, fromVersion };
  try {
    throwIfCancelled(ctx);
    if (p.unlock && p.flowId) {
      await ctx.api.unlockFlow(p.flowId);
      ctx.journal.append('flow-unlocked', {
        stage: stageName,
        flow: p.name,
        status: 'warning',
        details: { flowId: p.flowId, lockedBy: p.lockedBy ?? 'unknown' }
      });
      ctx.log.warning(`Force-unlocked "${p.name}" (was checked out by ${p.lockedBy}).`);
    }
    throwIfCancelled(ctx);
  } catch (e) {
    if (isCancellation(ctx, e)) return 'cancelled';
    const error = `Could not unlock "${p.name}": ${errorText(e)}`;
    ctx.journal.append('publish-failed', {
      stage: stageName,
      flow: p.name,
      status: 'error',
      details: { flowId: p.flowId, error }
    });
    state.set(p.name, { state: 'failed', reason: error });
    return error;
  }

  let out: PublishOutcome;
  if (p.spec.source === 'file') {
    const content = p.spec.content;
    out = await publishYaml(ctx, target, content, {
      signal: ctx.signal,
      stage: stageName,
      onJob: (jobId) =>
        ctx.journal.append('publish-started', {
          stage: stageName,
          flow: p.name,
          status: 'info',
          details: { flowId: p.flowId, method: 'architect-job', jobId, fromVersion }
        })
    });
  } else {
    ctx.journal.append('publish-started', {
      stage: stageName,
      flow: p.name,
      status: 'info',
      details: { flowId: p.flowId, method: 'actions-publish', fromVersion }
    });
    out = await publishDraft(ctx, { ...target, flowId: p.flowId! }, p.draftVersion!, {
      signal: ctx.signal,
      stage: stageName
    });
  }

  const flowId = out.flowId ?? p.flowId;
  if (out.ok && flowId && out.toVersion) {
    const contentHash = p.spec.source === 'file' ? p.spec.contentHash : undefined;
    ctx.journal.append('publish-succeeded', {
      stage: stageName,
      flow: p.name,
      status: 'ok',
      details: { flowId, fromVersion, toVersion: out.toVersion, jobId: out.jobId, contentHash, created: !p.flowId }
    });
    ctx.log.info(`Published "${p.name}": ${fromVersion ?? 'new'} → ${out.toVersion}`);
    recordChange(state, stageName, p, flowId, out.toVersion, snapshot);
    state.set(p.name, { flowId, state: 'published', version: out.toVersion, contentHash, reason: undefined });
    state.published.set(p.name, { name: p.name, type: p.type, flowId, fromVersion, toVersion: out.toVersion });
    state.live.set(p.name, {
      name: p.name,
      type: p.type,
      flowId,
      version: out.toVersion,
      previousVersion: fromVersion,
      publishedAt: ctx.clock.now()
    });
    return 'ok';
  }

  if (out.cancelled) {
    // In doubt: the job may still land. The rollback settles it first, then restores.
    if (flowId || out.jobId) {
      recordChange(state, stageName, p, flowId, undefined, snapshot, out.settle);
      state.set(p.name, { flowId, state: 'unknown', reason: 'cancelled while publishing' });
    }
    return 'cancelled';
  }
  const error = `"${p.name}": ${out.error ?? 'publish failed'}`;
  ctx.journal.append('publish-failed', {
    stage: stageName,
    flow: p.name,
    status: 'error',
    details: {
      flowId,
      jobId: out.jobId,
      error: out.error ?? 'publish failed',
      messages: out.messages,
      timedOut: out.timedOut
    }
  });
  if (out.changed !== false) {
    // Changed or unknown: the rollback must restore it (it re-reads the state first).
    recordChange(state, stageName, p, flowId, out.toVersion, snapshot, out.settle);
  }
  state.set(p.name, { flowId, state: out.changed === false ? 'failed' : 'unknown', reason: error });
  return error;
}

function recordChange(
  state: RunState,
  stage: string,
  p: FlowPlan,
  flowId: string | undefined,
  version: string | undefined,
  snapshot: ExportedVersion | undefined,
  settle?: (deadlineAt: number) => Promise<void>
): void {
  state.changed.push({
    name: p.name,
    type: p.type as FlowType,
    stage,
    // '' for a create whose job was cut short before the id was known: the rollback looks it up by name.
    flowId: flowId ?? p.flowId ?? '',
    created: !p.flowId,
    snapshot: snapshot ? { version: snapshot.version, content: snapshot.raw, hash: snapshot.hash } : undefined,
    publishedVersion: version,
    settle
  });
}

/** The stage as this run releases it: with a `flows` subset, checks default to the flows actually released. */
function runSpec(stage: StagePlan): StagePlan['spec'] {
  return { ...stage.spec, flows: stage.flows.map((f) => f.name) };
}

async function bakeStage(
  ctx: EngineContext,
  stage: StagePlan,
  state: RunState,
  stageStartedAt: number
): Promise<{ reason: string; cancelled?: boolean } | undefined> {
  const { bakeMs, checks } = stage.spec;
  const intervalMs = Math.max(1000, Math.min(stage.spec.checkIntervalMs || bakeMs || 1000, bakeMs || Infinity));
  ctx.journal.append('bake-started', { stage: stage.spec.name, status: 'info', details: { bakeMs, intervalMs } });
  ctx.log.info(
    `Baking ${stage.spec.name} for ${Math.round(bakeMs / 1000)} s${checks.length ? `, checks every ${Math.round(intervalMs / 1000)} s` : ''}.`
  );
  const start = ctx.clock.now();
  const end = start + bakeMs;
  try {
    if (checks.length === 0) {
      if (bakeMs > 0) await ctx.clock.sleep(bakeMs, ctx.signal);
      return undefined;
    }
    for (let round = 1; ; round++) {
      const next = Math.min(start + round * intervalMs, end);
      const wait = next - ctx.clock.now();
      if (wait > 0) await ctx.clock.sleep(wait, ctx.signal);
      throwIfCancelled(ctx);
      const run = await runStageChecks(ctx, runSpec(stage), round, state.live, stageStartedAt);
      if (!run.ok) {
        const failed = run.measurements.filter((m) => m.result === 'fail' || m.result === 'inconclusive');
        return {
          reason: `Check failed in bake round ${round}: ${failed.map((m) => `${m.check}: ${m.message}`).join(' | ')}`
        };
      }
      if (ctx.clock.now() >= end) return undefined;
    }
  } catch (e) {
    if (isCancellation(ctx, e)) return { reason: 'cancelled', cancelled: true };
    return { reason: `Checks could not run: ${errorText(e)}` };
  }
}

async function handleFailure(
  ctx: EngineContext,
  opts: ReleaseOptions,
  state: RunState,
  failure: StageFailure,
  finish: (o: Outcome, m: string) => ReleaseResult
): Promise<ReleaseResult> {
  if (failure.cancelled) {
    ctx.journal.append('cancelled', {
      stage: failure.stage.spec.name,
      status: 'warning',
      details: { signal: abortReason(ctx.signal) }
    });
  }
  const reason = `Stage ${failure.stage.spec.name}: ${failure.cancelled ? 'cancelled' : failure.reason}`;
  if (state.changed.length === 0) {
    markUnreached(state);
    return finish('failed', `${reason}. Nothing had been changed in the org.`);
  }
  return rollbackAndFinish(ctx, opts, state, failure.stage, reason, failure.cancelled === true, finish);
}

function markUnreached(state: RunState): void {
  for (const r of state.results.values()) {
    if (r.state === 'skipped' && r.reason === undefined)
      state.set(r.name, { reason: 'release stopped before its stage' });
  }
}

async function rollbackAndFinish(
  ctx: EngineContext,
  opts: ReleaseOptions,
  state: RunState,
  failedStage: StagePlan | undefined,
  reason: string,
  cancelled: boolean,
  finish: (o: Outcome, m: string) => ReleaseResult
): Promise<ReleaseResult> {
  markUnreached(state);
  const names = [...state.changed].reverse().map((c) => c.name);
  if (!ctx.manifest.rollback.automatic) {
    const m = `${reason}. Automatic rollback is off (rollback.automatic: false): ${names.join(', ')} stay as published; run command: rollback to restore the last release.`;
    return finish('failed', m);
  }
  ctx.journal.append('rollback-started', {
    stage: failedStage?.spec.name,
    status: 'warning',
    details: { reason, flows: names }
  });
  ctx.log.startGroup(`Rollback: ${names.join(', ')}`);
  // After a cancellation the rollback ignores the signal but only for a bounded grace period on the clock.
  const deadlineAt = cancelled ? ctx.clock.now() + (opts.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS) : undefined;
  const rollbackCtx: EngineContext = { ...ctx, signal: undefined };
  let results: RollbackFlowResult[];
  let ok: boolean;
  try {
    const r = await rollbackFlows(rollbackCtx, state.changed, { newFlows: ctx.manifest.rollback.newFlows, deadlineAt });
    results = r.results;
    ok = r.ok;
  } finally {
    ctx.log.endGroup();
  }
  ctx.journal.append('rollback-finished', {
    stage: failedStage?.spec.name,
    status: ok ? 'ok' : 'error',
    details: { ok, flows: results }
  });
  for (const r of results) {
    const c = state.changed.find((x) => x.name === r.name);
    if (r.ok) {
      state.set(r.name, {
        state: r.action === 'delete' ? 'deleted' : 'rolled-back',
        flowId: r.flowId,
        version: r.action === 'delete' ? undefined : r.actual.version,
        reason
      });
      if (r.action === 'republish' && c && r.actual.version) {
        const live = state.live.get(r.name);
        if (live) state.live.set(r.name, { ...live, version: r.actual.version, publishedAt: ctx.clock.now() });
      } else state.live.delete(r.name);
    } else {
      state.set(r.name, { state: 'unknown', version: r.actual.version, reason: `rollback failed: ${r.error ?? ''}` });
    }
  }

  if (ok && failedStage && failedStage.spec.checks.length > 0 && !cancelled) {
    // Round 0: the same checks on the restored versions, journaled as evidence (they do not change the outcome).
    try {
      await runStageChecks(rollbackCtx, runSpec(failedStage), 0, state.live, ctx.clock.now());
    } catch (e) {
      ctx.journal.append('warning', {
        status: 'warning',
        details: { message: `Post-rollback checks could not run: ${errorText(e)}` }
      });
    }
  }
  if (ok) {
    return finish('rolled-back', `${reason.replace(/\.$/, '')}. Rolled back and verified: ${names.join(', ')}.`);
  }
  const bad = results.filter((r) => !r.ok);
  return finish(
    'rollback-failed',
    `${reason}. ROLLBACK FAILED for ${bad
      .map(
        (r) =>
          `${r.name} (expected ${JSON.stringify(r.expected)}, actual ${JSON.stringify(r.actual)}: ${r.error ?? ''})`
      )
      .join('; ')}. Restore these flows by hand in Architect or run command: rollback.`
  );
}

/** One export job for every flow whose new version is live; normalised content for the git commit. */
async function exportReleased(ctx: EngineContext, state: RunState): Promise<ExportedFlow[]> {
  const pub = state.publishedList();
  if (pub.length === 0) return [];
  try {
    const got = await exportVersions(
      ctx,
      pub.map((p) => ({ name: p.name, type: p.type, flowId: p.flowId, version: p.toVersion })),
      { signal: ctx.signal }
    );
    const out: ExportedFlow[] = [];
    for (const p of pub) {
      const e = got.get(p.flowId);
      if (!e) continue;
      out.push({
        name: p.name,
        type: p.type,
        flowId: p.flowId,
        version: p.toVersion,
        content: e.content,
        contentHash: e.hash
      });
      ctx.journal.append('export', {
        flow: p.name,
        status: 'ok',
        details: {
          flowId: p.flowId,
          version: p.toVersion,
          contentHash: e.hash,
          path: `${ctx.manifest.artifacts.dir.replace(/\/+$/, '')}/${artifactPath(p.type, p.name)}`
        }
      });
    }
    return out;
  } catch (e) {
    const message = `The release succeeded but exporting the published flows failed, so they will not be committed: ${errorText(e)}`;
    ctx.journal.append('warning', { status: 'warning', details: { message } });
    ctx.log.warning(message);
    return [];
  }
}

/** `command: rollback`: make the flows of the last release record live again with the content committed for them. */
async function rollbackCommand(
  ctx: EngineContext,
  opts: ReleaseOptions,
  state: RunState,
  finish: (o: Outcome, m: string) => ReleaseResult
): Promise<ReleaseResult> {
  const record = opts.lastRecord;
  if (!record) {
    const message = `No release record found (${ctx.manifest.artifacts.dir}/release.json). command: rollback restores the last successful release, so a successful deploy must have committed release.json first.`;
    ctx.journal.append('error', { status: 'error', details: { message } });
    return finish('failed', message);
  }
  const { keep } = filterFlows(ctx.manifest.flows, opts.flowsFilter);
  const filtered = opts.flowsFilter?.length ? record.flows.filter((f) => keep.has(f.name)) : record.flows;
  const specs = new Map(ctx.manifest.flows.map((f) => [f.name, f]));
  // Restored flows are newly published versions: they are what the commit records.
  state.liveStates.add('rolled-back');
  for (const f of filtered) {
    if (!state.results.has(f.name)) state.results.set(f.name, { name: f.name, type: f.type, state: 'skipped' });
  }

  // Read everything first: refuse locks and missing content before any change.
  const todo: { rec: (typeof record.flows)[number]; current?: string; unlock?: string }[] = [];
  const errors: string[] = [];
  for (const rec of filtered) {
    let current: string | undefined;
    let lockedBy: string | undefined;
    try {
      const flow = await ctx.api.getFlow(rec.id);
      current = flow.deleted ? undefined : flow.publishedVersion?.id;
      lockedBy = flow.lockedUser ? (flow.lockedUser.name ?? flow.lockedUser.id) : undefined;
    } catch (e) {
      if (!isNotFound(e)) {
        errors.push(`Could not read flow "${rec.name}": ${errorText(e)}`);
        continue;
      }
    }
    if (current === rec.version) {
      state.set(rec.name, {
        flowId: rec.id,
        state: 'unchanged',
        version: current,
        fromVersion: current,
        reason: `still at recorded version ${current}`
      });
      continue;
    }
    if (!opts.recordedContent?.get(rec.name)) {
      errors.push(
        `The recorded export of "${rec.name}" (${ctx.manifest.artifacts.dir}/${rec.file}) is missing; it cannot be restored.`
      );
      continue;
    }
    if (lockedBy && !specs.get(rec.name)?.forceUnlock) {
      const reason = `Flow "${rec.name}" is checked out in Architect by ${lockedBy}. Ask them to check it in, or set force-unlock: true on it in the manifest.`;
      ctx.journal.append('flow-refused', {
        flow: rec.name,
        status: 'error',
        details: { flowId: rec.id, reason, lockedBy }
      });
      errors.push(reason);
      continue;
    }
    todo.push({ rec, current, unlock: lockedBy });
  }
  if (errors.length > 0) {
    for (const e of errors) ctx.journal.append('error', { status: 'error', details: { message: e } });
    return finish(
      'failed',
      `Cannot roll back to release ${record.releaseId}; nothing was changed:\n- ${errors.join('\n- ')}`
    );
  }
  if (todo.length === 0) {
    return finish(
      'succeeded',
      `Every flow of release ${record.releaseId} is still at its recorded version; nothing to restore.`
    );
  }

  ctx.journal.append('rollback-started', {
    status: 'warning',
    details: { reason: `command: rollback to release ${record.releaseId}`, flows: todo.map((t) => t.rec.name) }
  });
  const results: RollbackFlowResult[] = [];
  for (const t of todo) {
    if (ctx.signal?.aborted) {
      // Start no new restore; the ones done stay done (each is a complete, verified republish).
      ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
      break;
    }
    const { rec } = t;
    if (t.unlock) {
      await ctx.api.unlockFlow(rec.id);
      ctx.journal.append('flow-unlocked', {
        flow: rec.name,
        status: 'warning',
        details: { flowId: rec.id, lockedBy: t.unlock }
      });
    }
    const content = opts.recordedContent!.get(rec.name)!;
    const r = await restoreContent(
      { ...ctx, signal: undefined },
      { name: rec.name, type: rec.type as FlowType, flowId: rec.id, stage: '' },
      recordedTarget(content, rec.version)
    );
    ctx.journal.append('rollback-flow', { flow: rec.name, status: r.ok ? 'ok' : 'error', details: r });
    results.push(r);
    if (r.ok && r.actual.version) {
      state.set(rec.name, {
        flowId: r.flowId,
        state: 'rolled-back',
        version: r.actual.version,
        fromVersion: t.current ?? null
      });
      state.published.set(rec.name, {
        name: rec.name,
        type: rec.type,
        flowId: r.flowId,
        fromVersion: t.current ?? null,
        toVersion: r.actual.version
      });
    } else {
      state.set(rec.name, { flowId: rec.id, state: 'unknown', version: r.actual.version, reason: r.error });
    }
  }
  const ok = results.length === todo.length && results.every((r) => r.ok);
  ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  if (!ok) {
    const bad = results.filter((r) => !r.ok);
    return finish(
      results.length < todo.length && bad.length === 0 ? 'failed' : 'rollback-failed',
      `Rollback to release ${record.releaseId} incomplete: ${bad.map((r) => `${r.name} (expected ${JSON.stringify(r.expected)}, actual ${JSON.stringify(r.actual)}: ${r.error ?? ''})`).join('; ') || 'cancelled'}`
    );
  }
  const message = `Restored release ${record.releaseId}: ${results.map((r) => `${r.name} → ${r.actual.version}`).join(', ')}.`;
  const result = finish('succeeded', message);
  if (opts.exportAfter) result.exports = await exportReleased(ctx, state);
  return result;
}
