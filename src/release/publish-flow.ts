// Publishing one planned flow inside a stage: check that the flow is still as planned, force-unlock it when asked,
// publish it the way its source says (sources/registry.ts), and journal the result. Every fact goes into the journal
// (publish-started / -succeeded / -failed, flow-refused, flow-unlocked, the in-flight warning); the only working data
// kept is the wait for a job cut short (WorkingSet.settle).
import type { Flow, FlowType } from '../genesys/models.ts';
import { sourceOf } from '../sources/registry.ts';
import type { PublishMechanisms } from '../sources/source.ts';
import {
  isCancellation,
  isNotFound,
  sameType,
  throwIfCancelled,
  type EngineContext,
  type RunContext
} from './context.ts';
import { errorText } from '../genesys/errors.ts';
import type { FlowPlan } from './plan.ts';
import { publishDraft, publishYaml, type PublishOutcome, type PublishTarget } from './publish.ts';

/** How publishing one flow ended. */
export type PublishResult =
  | { kind: 'published'; flowId: string; toVersion: string }
  /** Not published: the flow changed since the plan, or could not be read/unlocked. The org is unchanged. */
  | { kind: 'refused'; error: string }
  /** The publish failed; `changed`: whether the org changed (null: unknown — the rollback restores it anyway). */
  | { kind: 'failed'; error: string; changed: boolean | null }
  /** Cancelled; `inFlight` names what was already with the platform (it may still land). */
  | { kind: 'cancelled'; inFlight?: string };

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

/** Guard and unlock; returns the flow as read, or how the publish ended before it started. */
async function prepare(
  ctx: EngineContext,
  stage: string,
  p: FlowPlan
): Promise<{ flow?: Flow; ended?: PublishResult }> {
  try {
    throwIfCancelled(ctx);
    const guard = await guardPublish(ctx, p);
    if (guard.refused) {
      ctx.journal.append('flow-refused', {
        stage,
        flow: p.name,
        status: 'error',
        details: { flowId: p.flowId, reason: guard.refused }
      });
      ctx.log.error(guard.refused);
      return { ended: { kind: 'refused', error: guard.refused } };
    }
    throwIfCancelled(ctx);
    // Unlock only what is still checked out (the plan saw the lock; it may have been checked in since).
    if (p.unlock && p.flowId && (guard.flow === undefined || guard.flow.lockedUser)) {
      await ctx.api.unlockFlow(p.flowId);
      ctx.journal.append('flow-unlocked', {
        stage,
        flow: p.name,
        status: 'warning',
        details: { flowId: p.flowId, lockedBy: p.lockedBy ?? 'unknown' }
      });
      ctx.log.warning(`Force-unlocked "${p.name}" (was checked out by ${p.lockedBy}).`);
    }
    throwIfCancelled(ctx);
    return { flow: guard.flow };
  } catch (e) {
    if (isCancellation(ctx, e)) return { ended: { kind: 'cancelled' } };
    const error = `Could not ${p.unlock ? 'read or unlock' : 'read'} "${p.name}" before publishing: ${errorText(e)}`;
    ctx.journal.append('publish-failed', {
      stage,
      flow: p.name,
      status: 'error',
      details: { flowId: p.flowId, error, changed: false }
    });
    return { ended: { kind: 'refused', error } };
  }
}

/** The engine's publishing mechanisms for one flow, each journaling its publish-started. */
function mechanisms(ctx: EngineContext, stage: string, p: FlowPlan, current?: Flow): PublishMechanisms<PublishOutcome> {
  const fromVersion = p.publishedVersion ?? null;
  const target: PublishTarget = { name: p.name, type: p.type as FlowType, flowId: p.flowId, fromVersion };
  const started = (method: 'architect-job' | 'actions-publish', jobId?: string) =>
    ctx.journal.append('publish-started', {
      stage,
      flow: p.name,
      status: 'info',
      details: { flowId: p.flowId, method, jobId, fromVersion }
    });
  return {
    architectJob: (content) =>
      publishYaml(ctx, target, content, {
        signal: ctx.signal,
        stage,
        onJob: async (jobId) => {
          await ctx.recordJob?.(p, jobId, 'architect');
          started('architect-job', jobId);
        }
      }),
    promoteVersion: async (version) => {
      try {
        await ctx.recordJob?.(p, `${p.flowId}@${version}`, 'publish-operation');
      } catch (e) {
        return { ok: false, flowId: p.flowId, changed: false, error: `Not published: ${errorText(e)}` };
      }
      started('actions-publish');
      return publishDraft(ctx, { ...target, flowId: p.flowId! }, version, {
        signal: ctx.signal,
        stage,
        before: current
      });
    }
  };
}

function journalCancelled(ctx: EngineContext, stage: string, p: FlowPlan, out: PublishOutcome): PublishResult {
  // Nothing is rolled back after a cancellation. A job already uploaded (or an operation already requested) may
  // still finish on the platform: the flow's state is unknown, and the journal says so now.
  if (!out.inFlight) return { kind: 'cancelled' };
  const what = out.jobId ? `Architect job ${out.jobId}` : 'the actions/publish operation';
  ctx.journal.append('warning', {
    stage,
    flow: p.name,
    status: 'warning',
    details: {
      message: `Cancelled while ${what} for "${p.name}" was running: it may still publish on the platform; the flow's state is unknown.`,
      inFlight: { what, flowId: out.flowId ?? p.flowId }
    }
  });
  return { kind: 'cancelled', inFlight: what };
}

/** The identity evidence of publish-succeeded (identity.ts): who created the live version, when, over which. */
function identityDetails(out: PublishOutcome) {
  const id = out.identity;
  if (!id) return {};
  return {
    previousVersion: id.previousVersion,
    createdByClient: id.createdByClient,
    createdBy: id.createdBy,
    datePublished: id.datePublished,
    identity: id.basis
  };
}

/** Publish one flow of a stage. Every change (or possible change) is journaled for the rollback. */
export async function publishFlow(run: RunContext, stage: string, p: FlowPlan): Promise<PublishResult> {
  const { ctx } = run;
  const prepared = await prepare(ctx, stage, p);
  if (prepared.ended) return prepared.ended;
  const source = sourceOf(p.spec);
  const out = await source.publish(p.spec, p, mechanisms(ctx, stage, p, prepared.flow));
  const flowId = out.flowId ?? p.flowId;
  const fromVersion = p.publishedVersion ?? null;
  if (out.ok && flowId && out.toVersion) {
    const contentHash = source.contentHash(p.spec);
    ctx.journal.append('publish-succeeded', {
      stage,
      flow: p.name,
      status: 'ok',
      details: {
        flowId,
        fromVersion,
        toVersion: out.toVersion,
        jobId: out.jobId,
        contentHash,
        created: !p.flowId,
        ...identityDetails(out)
      }
    });
    if (out.warning) {
      ctx.journal.append('warning', { stage, flow: p.name, status: 'warning', details: { message: out.warning } });
      ctx.log.warning(out.warning);
    }
    ctx.log.info(`Published "${p.name}": ${fromVersion ?? 'new'} → ${out.toVersion}`);
    await recordResult(run, p, { state: 'published', version: out.toVersion });
    return { kind: 'published', flowId, toVersion: out.toVersion };
  }
  if (out.cancelled) return journalCancelled(ctx, stage, p, out);
  const changed = out.changed ?? null;
  // Changed or unknown: the rollback restores it (it reads the state back first) and lets a job cut short end.
  if (changed !== false && out.settle) run.work.settle.set(p.name, out.settle);
  ctx.journal.append('publish-failed', {
    stage,
    flow: p.name,
    status: 'error',
    details: {
      flowId,
      jobId: out.jobId,
      error: out.error ?? 'publish failed',
      messages: out.messages,
      timedOut: out.timedOut,
      changed,
      toVersion: out.toVersion,
      conflict: out.conflict
    }
  });
  await recordResult(run, p, { state: changed === false ? 'failed' : 'unknown', version: out.toVersion });
  if (out.conflict) ctx.log.error(`"${p.name}": ${out.error}`);
  return { kind: 'failed', error: `"${p.name}": ${out.error ?? 'publish failed'}`, changed };
}

/** The flow's result in the ledger, as it happens. A failed record is a warning: the change itself is done. */
async function recordResult(
  run: RunContext,
  p: FlowPlan,
  result: { state: 'published' | 'failed' | 'unknown'; version?: string | undefined }
): Promise<void> {
  try {
    await run.ledger?.result(p, result);
  } catch (e) {
    run.ctx.log.warning(`Could not record the result of "${p.name}" in the ledger: ${errorText(e)}`);
  }
}
