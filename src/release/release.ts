// The release engine's entry point: plan → per stage (snapshot → publish → bake + checks) → on failure a verified
// rollback of everything this release changed → optional export of what went live. Every fact goes into the journal;
// expected failures (API errors, job failures, failed checks, cancellation) never throw, they become the outcome.
import type { Outcome, PlannedFlow, PublishedFlow, RollbackFlowResult } from '../domain/types.ts';
import type { Flow, FlowType } from '../genesys/models.ts';
import { artifactPath } from '../git/record.ts';
import { defaultHttpGet, runStageChecks, type LiveFlow } from './checks.ts';
import {
  abortReason,
  errorText,
  isCancellation,
  isNotFound,
  sameType,
  throwIfCancelled,
  type EngineContext
} from './context.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';
import { buildPlan, filterFlows, type FlowPlan, type Plan, type StagePlan } from './plan.ts';
import { runBounded } from './pool.ts';
import { publishDraft, publishYaml, type PublishOutcome } from './publish.ts';
import { exportHash } from './normalize.ts';
import { recordedTarget, restoreContent, rollbackFlows, type ChangedFlow } from './rollback.ts';
import type { ExportedFlow } from '../domain/types.ts';
import type { FlowResult, ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';

export type { FlowResult, ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';

interface StageFailure {
  stage: StagePlan;
  reason: string;
  cancelled?: boolean;
}

/** A flow whose change was handed to the platform when the run was cancelled: it may still land. */
interface InFlight {
  name: string;
  flowId?: string;
  what: string;
}

/** Mutable bookkeeping of one run. */
class RunState {
  readonly results = new Map<string, FlowResult>();
  changed: ChangedFlow[] = [];
  readonly live = new Map<string, LiveFlow>();
  readonly published = new Map<string, PublishedFlow>();
  /** Final states whose version counts as published by this run (`command: rollback` adds 'rolled-back'). */
  liveStates = new Set<FlowResult['state']>(['published']);
  /** Snapshots of every flow the run will change, by flow id (taken once, before the first publish). */
  snapshots?: Map<string, ExportedVersion>;
  /** Exports of the versions this run published, verified against the uploaded content, by flow id. */
  readonly verified = new Map<string, ExportedVersion>();
  /** Flows where another publisher's content is live instead of ours (never rolled back over). */
  readonly conflicts: string[] = [];
  readonly inFlight: InFlight[] = [];
  /** Manifest position of each flow: every list this run reports is in manifest order. */
  readonly order = new Map<string, number>();

  set(name: string, patch: Partial<FlowResult>): void {
    const cur = this.results.get(name);
    if (cur) this.results.set(name, { ...cur, ...patch });
  }

  flowResults(): FlowResult[] {
    return [...this.results.values()];
  }

  /** Only what is live at the end counts as published; in manifest order. */
  publishedList(): PublishedFlow[] {
    const pos = (n: string) => this.order.get(n) ?? Number.MAX_SAFE_INTEGER;
    return [...this.published.values()]
      .filter((p) => this.liveStates.has(this.results.get(p.name)?.state ?? 'unknown'))
      .sort((a, b) => pos(a.name) - pos(b.name));
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
  opts.manifest.flows.forEach((f, i) => {
    state.order.set(f.name, i);
    state.results.set(f.name, { name: f.name, type: f.type, state: 'skipped', reason: 'not part of this run' });
  });
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
      failure = await runStage(ctx, stage, state, plan);
      if (failure) break;
    }
    if (failure) return await handleFailure(ctx, opts, state, failure, finish);

    const result = finish('succeeded', successMessage(state));
    if (opts.exportAfter) result.exports = await exportReleased(ctx, state);
    return result;
  } catch (e) {
    // Cancellation outside a stage (plan) or a bug: nothing of ours may be left half-done.
    if (isCancellation(ctx, e) || ctx.signal?.aborted) {
      ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
      return cancelledFinish(ctx, state, undefined, finish);
    }
    ctx.journal.append('error', { status: 'error', details: { message: errorText(e), error: String(e) } });
    if (state.changed.length === 0) return finish('failed', `Release failed: ${errorText(e)}`);
    return await rollbackAndFinish(ctx, opts, state, undefined, errorText(e), finish);
  }
}

function successMessage(state: RunState): string {
  const pub = state.publishedList();
  if (pub.length === 0) return 'Release succeeded: nothing needed publishing (every flow is unchanged).';
  return `Release succeeded: published ${pub.map((p) => `${p.name} ${p.fromVersion ?? 'new'} → ${p.toVersion}`).join(', ')}.`;
}

async function runStage(
  ctx: EngineContext,
  stage: StagePlan,
  state: RunState,
  plan: Plan
): Promise<StageFailure | undefined> {
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

    // 1. Snapshot every existing flow before touching any: once, for this and every later stage, in one export job,
    //    so later stages start publishing at once. The check before each publish (guardPublish) proves a snapshot
    //    taken earlier is still the live version.
    let snapshots: Map<string, ExportedVersion>;
    try {
      throwIfCancelled(ctx);
      snapshots = state.snapshots ??= await snapshotAll(ctx, plan, stage.index);
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

    // 3. Bake with checks while one export job verifies that what is live is what this stage uploaded (a concurrent
    //    publisher may have won the race); a mismatch ends the bake at once.
    const stop = new AbortController();
    const verifying = verifyStage(ctx, stage, toChange, state).then((v) => {
      if (v) stop.abort(new Error('verification failed'));
      return v;
    });
    const bake = await bakeStage(ctx, stage, state, stageStartedAt, stop.signal);
    const verifyFailure = await verifying;
    if (ctx.signal?.aborted) return fail(ctx, stage, 'cancelled', true);
    if (verifyFailure) return fail(ctx, stage, verifyFailure);
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

/** One export job for the published version of every existing flow that this and the later stages will change. */
async function snapshotAll(ctx: EngineContext, plan: Plan, fromStage: number): Promise<Map<string, ExportedVersion>> {
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

/**
 * After a stage's publishes: export every version it published (one job) and compare each with what was uploaded.
 * A mismatch means a concurrent publisher's content is live under the version this release read back: the stage
 * fails, and that flow is reported as a conflict and never rolled back over the other publisher's content. Returns
 * the failure reason, or undefined when every flow verified.
 */
async function verifyStage(
  ctx: EngineContext,
  stage: StagePlan,
  flows: FlowPlan[],
  state: RunState
): Promise<string | undefined> {
  const stageName = stage.spec.name;
  const items = flows.flatMap((p) => {
    const pub = state.published.get(p.name);
    return pub ? [{ plan: p, req: { name: p.name, type: p.type, flowId: pub.flowId, version: pub.toVersion } }] : [];
  });
  if (items.length === 0) return undefined;
  let got: Map<string, ExportedVersion>;
  try {
    got = await exportVersions(
      ctx,
      items.map((i) => i.req),
      { signal: ctx.signal, stage: stageName }
    );
  } catch (e) {
    if (isCancellation(ctx, e) || ctx.signal?.aborted) return undefined;
    return `Could not verify the published content (export of the new versions failed): ${errorText(e)}`;
  }
  const conflicts: string[] = [];
  for (const { plan: p, req } of items) {
    const exported = got.get(req.flowId);
    if (!exported) continue;
    if (p.spec.source !== 'file') {
      // A promoted draft was not uploaded by us: its export is kept for the commit, nothing to compare.
      state.verified.set(req.flowId, exported);
      continue;
    }
    const expected = exportHash(p.spec.content);
    if (exported.hash === expected) {
      state.verified.set(req.flowId, exported);
      continue;
    }
    const error =
      `conflict: version ${req.version} of "${p.name}" holds content ${exported.hash.slice(0, 12)}, but this release ` +
      `uploaded ${expected.slice(0, 12)} — a concurrent release or a person published it at the same time. It is ` +
      `not rolled back over their content; check which version should be live.`;
    ctx.journal.append('publish-failed', {
      stage: stageName,
      flow: p.name,
      status: 'error',
      details: {
        flowId: req.flowId,
        error,
        messages: [`expected content ${expected}`, `actual content ${exported.hash}`]
      }
    });
    ctx.log.error(`"${p.name}": ${error}`);
    state.set(p.name, { state: 'unknown', version: req.version, reason: error });
    state.changed = state.changed.filter((c) => c.name !== p.name);
    state.published.delete(p.name);
    state.live.delete(p.name);
    state.conflicts.push(
      `${p.name} (version ${req.version}: expected content ${expected.slice(0, 12)}, actual ${exported.hash.slice(0, 12)})`
    );
    conflicts.push(`"${p.name}": ${error}`);
  }
  return conflicts.length ? `Content verification failed: ${conflicts.join(' | ')}` : undefined;
}

/**
 * Right before publishing: the flow must still be as the plan and the snapshot saw it. Another release or a person
 * may have published (or checked it out) since; publishing now would overwrite their change and make the snapshot
 * wrong. Returns the refusal, or the flow as read (for actions/publish).
 */
async function guardPublish(ctx: EngineContext, p: FlowPlan): Promise<{ refused?: string; flow?: Flow }> {
  if (!p.flowId) {
    const found = await ctx.api.findFlowsByName(p.name, p.type as FlowType);
    const hit = found.find((f) => f.name === p.name && sameType(f.type, p.type) && !f.deleted);
    if (!hit) return {};
    return {
      refused: `"${p.name}" did not exist when planned, but now does (id ${hit.id}, published version ${hit.publishedVersion?.id ?? 'none'}) — another release or a person created it; refusing to overwrite. Re-run the release to plan it again.`
    };
  }
  let flow: Flow | undefined;
  try {
    flow = await ctx.api.getFlow(p.flowId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const now = flow && !flow.deleted ? (flow.publishedVersion?.id ?? null) : undefined;
  const was = p.publishedVersion ?? null;
  if (now === undefined) {
    return { refused: `"${p.name}" (${p.flowId}) was deleted since the snapshot; refusing to recreate it.` };
  }
  if (now !== was) {
    return {
      refused: `"${p.name}": published version changed from ${was ?? 'none'} to ${now ?? 'none'} since the snapshot — another release or a person published it; refusing to overwrite. Re-run the release to plan it again.`
    };
  }
  const lockedBy = flow?.lockedUser ? (flow.lockedUser.name ?? flow.lockedUser.id) : undefined;
  if (lockedBy && !p.spec.forceUnlock) {
    return {
      refused: `"${p.name}" was checked out in Architect by ${lockedBy} since the plan; refusing to publish over it. Ask them to check it in, or set force-unlock: true on it in the manifest.`
    };
  }
  return { flow };
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
  let current: Flow | undefined;
  try {
    throwIfCancelled(ctx);
    const guard = await guardPublish(ctx, p);
    if (guard.refused) {
      ctx.journal.append('flow-refused', {
        stage: stageName,
        flow: p.name,
        status: 'error',
        details: { flowId: p.flowId, reason: guard.refused }
      });
      ctx.log.error(guard.refused);
      state.set(p.name, { state: 'failed', reason: guard.refused });
      return guard.refused;
    }
    current = guard.flow;
    throwIfCancelled(ctx);
    // Unlock only what is still checked out (the plan saw the lock; it may have been checked in since).
    if (p.unlock && p.flowId && (current === undefined || current.lockedUser)) {
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
    const error = `Could not ${p.unlock ? 'read or unlock' : 'read'} "${p.name}" before publishing: ${errorText(e)}`;
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
      stage: stageName,
      before: current
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
    // Nothing is rolled back after a cancellation. A job already uploaded (or an operation already requested) may
    // still finish on the platform: the flow's state is unknown, and the report says so.
    if (out.inFlight) {
      const what = out.jobId ? `Architect job ${out.jobId}` : 'the actions/publish operation';
      state.inFlight.push({ name: p.name, flowId, what });
      state.set(p.name, {
        flowId,
        state: 'unknown',
        reason: `cancelled while ${what} was running; it may still publish on the platform`
      });
    } else {
      state.set(p.name, { reason: 'cancelled before its publish started' });
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
  stageStartedAt: number,
  stop?: AbortSignal
): Promise<{ reason: string; cancelled?: boolean } | undefined> {
  const { bakeMs, checks } = stage.spec;
  const intervalMs = Math.max(1000, Math.min(stage.spec.checkIntervalMs || bakeMs || 1000, bakeMs || Infinity));
  ctx.journal.append('bake-started', { stage: stage.spec.name, status: 'info', details: { bakeMs, intervalMs } });
  ctx.log.info(
    `Baking ${stage.spec.name} for ${Math.round(bakeMs / 1000)} s${checks.length ? `, checks every ${Math.round(intervalMs / 1000)} s` : ''}.`
  );
  const start = ctx.clock.now();
  const end = start + bakeMs;
  // Waits end on a cancellation or when the caller stops the bake (the content verification failed).
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
      const run = await runStageChecks(ctx, runSpec(stage), round, state.live, stageStartedAt);
      if (!run.ok) {
        const failed = run.measurements.filter((m) => m.result === 'fail' || m.result === 'inconclusive');
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

async function handleFailure(
  ctx: EngineContext,
  opts: ReleaseOptions,
  state: RunState,
  failure: StageFailure,
  finish: (o: Outcome, m: string) => ReleaseResult
): Promise<ReleaseResult> {
  if (failure.cancelled || ctx.signal?.aborted) {
    ctx.journal.append('cancelled', {
      stage: failure.stage.spec.name,
      status: 'warning',
      details: { signal: abortReason(ctx.signal) }
    });
    return cancelledFinish(ctx, state, failure.stage, finish);
  }
  const reason = `Stage ${failure.stage.spec.name}: ${failure.reason}`;
  if (state.changed.length === 0) {
    markUnreached(state);
    if (state.conflicts.length > 0) return finish('failed', `${reason}. ${conflictText(state)}`);
    return finish('failed', `${reason}. Nothing had been changed in the org.`);
  }
  return rollbackAndFinish(ctx, opts, state, failure.stage, reason, finish);
}

function conflictText(state: RunState): string {
  return state.conflicts.length
    ? ` Not rolled back because another publisher's content is live (conflict, expected vs actual): ${state.conflicts.join('; ')}.`
    : '';
}

/**
 * A cancelled run starts nothing new — not even a rollback publish: it reports what it leaves behind. Flows this run
 * published stay at their new versions; a job already handed to the platform may still land (state unknown).
 */
function cancelledFinish(
  ctx: EngineContext,
  state: RunState,
  stage: StagePlan | undefined,
  finish: (o: Outcome, m: string) => ReleaseResult
): ReleaseResult {
  markUnreached(state);
  const signal = abortReason(ctx.signal);
  const stageName = stage?.spec.name;
  const left = state.publishedList();
  for (const p of left) {
    state.set(p.name, { reason: `left at version ${p.toVersion} after the cancellation (not rolled back)` });
    ctx.journal.append('warning', {
      stage: stageName,
      flow: p.name,
      status: 'warning',
      details: {
        message: `Cancelled: "${p.name}" is left at version ${p.toVersion} (published by this release, was ${p.fromVersion ?? 'new'}); it was not rolled back.`
      }
    });
  }
  const pos = (n: string) => state.order.get(n) ?? Number.MAX_SAFE_INTEGER;
  state.inFlight.sort((a, b) => pos(a.name) - pos(b.name));
  for (const f of state.inFlight) {
    ctx.journal.append('warning', {
      stage: stageName,
      flow: f.name,
      status: 'warning',
      details: {
        message: `Cancelled while ${f.what} for "${f.name}" was running: it may still publish on the platform; the flow's state is unknown.`
      }
    });
  }
  const where = stageName ? ` during stage ${stageName}` : '';
  if (left.length === 0 && state.inFlight.length === 0 && state.conflicts.length === 0) {
    return finish(
      'failed',
      `Cancelled (${signal})${where}: no change was started after the signal, and nothing had been changed in the org.`
    );
  }
  const parts = [`Cancelled (${signal})${where}: no change was started after the signal and nothing was rolled back.`];
  if (left.length) {
    parts.push(
      `Left at their new versions (published by this release, not rolled back): ${left
        .map((p) => `${p.name} ${p.toVersion} (was ${p.fromVersion ?? 'new'})`)
        .join(', ')}.`
    );
  }
  if (state.inFlight.length) {
    parts.push(
      `In flight when cancelled, may still publish on the platform (state unknown): ${state.inFlight
        .map((f) => `${f.name} (${f.what})`)
        .join(', ')}.`
    );
  }
  if (state.conflicts.length) parts.push(conflictText(state).trim());
  parts.push('To finish or undo it: re-run the release, or run it with command: rollback.');
  return finish('failed', parts.join(' '));
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
  finish: (o: Outcome, m: string) => ReleaseResult
): Promise<ReleaseResult> {
  markUnreached(state);
  const names = [...state.changed].reverse().map((c) => c.name);
  const conflicts = conflictText(state);
  if (!ctx.manifest.rollback.automatic) {
    const m = `${reason}. Automatic rollback is off (rollback.automatic: false): ${names.join(', ')} stay as published; run command: rollback to restore the last release.${conflicts}`;
    return finish('failed', m);
  }
  ctx.journal.append('rollback-started', {
    stage: failedStage?.spec.name,
    status: 'warning',
    details: { reason, flows: names }
  });
  ctx.log.startGroup(`Rollback: ${names.join(', ')}`);
  // A cancellation during the rollback starts no further restore (the signal is passed down); what is done stays.
  let results: RollbackFlowResult[];
  let ok: boolean;
  try {
    const r = await rollbackFlows(ctx, state.changed, { newFlows: ctx.manifest.rollback.newFlows });
    results = r.results;
    ok = r.ok && !ctx.signal?.aborted;
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

  if (ctx.signal?.aborted) {
    ctx.journal.append('cancelled', {
      stage: failedStage?.spec.name,
      status: 'warning',
      details: { signal: abortReason(ctx.signal) }
    });
    const done = results.filter((r) => r.ok).map((r) => r.name);
    for (const r of results) {
      if (!r.ok && r.attempts > 0)
        state.inFlight.push({ name: r.name, flowId: r.flowId, what: 'its rollback publish' });
    }
    const cancelled = cancelledFinish(ctx, state, failedStage, finish);
    cancelled.message = `${reason}. The rollback was cancelled${done.length ? ` after restoring ${done.join(', ')}` : ''}. ${cancelled.message}`;
    return cancelled;
  }

  if (ok && failedStage && failedStage.spec.checks.length > 0) {
    // Round 0: the same checks on the restored versions, journaled as evidence (they do not change the outcome).
    try {
      await runStageChecks(ctx, runSpec(failedStage), 0, state.live, ctx.clock.now());
    } catch (e) {
      if (!isCancellation(ctx, e)) {
        ctx.journal.append('warning', {
          status: 'warning',
          details: { message: `Post-rollback checks could not run: ${errorText(e)}` }
        });
      }
    }
  }
  if (ok) {
    return finish(
      'rolled-back',
      `${reason.replace(/\.$/, '')}. Rolled back and verified: ${names.join(', ')}.${conflicts}`
    );
  }
  const bad = results.filter((r) => !r.ok);
  return finish(
    'rollback-failed',
    `${reason}. ROLLBACK FAILED for ${bad
      .map(
        (r) =>
          `${r.name} (expected ${JSON.stringify(r.expected)}, actual ${JSON.stringify(r.actual)}: ${r.error ?? ''})`
      )
      .join('; ')}. Restore these flows by hand in Architect or run command: rollback.${conflicts}`
  );
}

/** One export job for every flow whose new version is live; normalised content for the git commit. */
async function exportReleased(ctx: EngineContext, state: RunState): Promise<ExportedFlow[]> {
  const pub = state.publishedList();
  if (pub.length === 0) return [];
  try {
    // The stages already exported (and verified) the versions they published: export only what they did not cover.
    const got = new Map<string, ExportedVersion>();
    const missing = pub.filter((p) => {
      const v = state.verified.get(p.flowId);
      if (v && v.version === p.toVersion) got.set(p.flowId, v);
      return !got.has(p.flowId);
    });
    if (missing.length > 0) {
      const more = await exportVersions(
        ctx,
        missing.map((p) => ({ name: p.name, type: p.type, flowId: p.flowId, version: p.toVersion })),
        { signal: ctx.signal }
      );
      for (const [id, e] of more) got.set(id, e);
    }
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
      ctx,
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
  const ok = results.length === todo.length && results.every((r) => r.ok) && !ctx.signal?.aborted;
  ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  if (ctx.signal?.aborted) {
    const done = results.filter((r) => r.ok).map((r) => `${r.name} → ${r.actual.version ?? '?'}`);
    const unsure = results.filter((r) => !r.ok && r.attempts > 0).map((r) => r.name);
    const notReached = todo.map((t) => t.rec.name).filter((n) => !results.some((r) => r.name === n && r.ok));
    return finish(
      'failed',
      `Rollback to release ${record.releaseId} cancelled (${abortReason(ctx.signal)}): no restore was started after the signal.` +
        (done.length ? ` Restored and verified: ${done.join(', ')}.` : '') +
        (unsure.length ? ` In flight when cancelled, state unknown: ${unsure.join(', ')}.` : '') +
        (notReached.length ? ` Not restored: ${notReached.join(', ')}.` : '') +
        ' Run command: rollback again to finish.'
    );
  }
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
