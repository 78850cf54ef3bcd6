// Publishing one flow: Archy YAML through an Architect job (register → upload → wait), or a checked-in draft through
// actions/publish (wait on the flow's currentOperation). Neither status code is trusted: the published version is
// read back and must have changed. An ambiguous mutating call (outcomeUnknown) is never re-sent; the state is read
// back instead.
import type { Flow, FlowType } from '../genesys/models.ts';
import type { EngineContext } from './context.ts';
import { CancelledError, abortReason, isCancellation, isNotFound, sameType } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { waitForPlatformJob } from './wait.ts';
import { WaitTimeoutError, waitFor } from '../genesys/wait.ts';
import {
  liveVersionMeta,
  proveIdentity,
  racedVersion,
  type ConflictEvidence,
  type IdentityEvidence
} from './identity.ts';

export interface PublishOutcome {
  ok: boolean;
  flowId?: string;
  /** The published version after the attempt, when read back. */
  toVersion?: string;
  jobId?: string;
  error?: string;
  messages?: string[];
  timedOut?: boolean;
  cancelled?: boolean;
  /**
   * Cancelled after the change was handed to the platform (upload sent, actions/publish sent): the job or operation
   * may still finish and publish on its own.
   */
  inFlight?: boolean;
  /** Whether the org changed: read back after a failure; undefined when it could not be determined. */
  changed?: boolean;
  /**
   * When the wait was cut short (cancellation, deadline) the job/operation may still land later: this waits for it to
   * end (until `deadlineAt`) so that a rollback does not race it.
   */
  settle?: (deadlineAt: number) => Promise<void>;
  /** How the live version was proved to be this run's (identity.ts), after a job reported Success. */
  identity?: IdentityEvidence;
  /** Proved to be someone else's: the flow is not this run's to roll back. */
  conflict?: ConflictEvidence;
  /** Accepted on the fallback rule (no creator metadata): said in the journal and the log. */
  warning?: string;
}

export interface PublishTarget {
  name: string;
  type: FlowType;
  /** Undefined for a flow that does not exist yet (created by the job). */
  flowId?: string;
  fromVersion: string | null;
}

interface WaitControl {
  deadlineAt?: number;
  signal?: AbortSignal;
  stage?: string;
}

/** Read the flow back: exists? which version is published? Never throws. */
export async function readBack(
  ctx: EngineContext,
  t: PublishTarget,
  flowId = t.flowId
): Promise<{ changed?: boolean; flowId?: string; version?: string; flow?: Flow }> {
  try {
    let flow: Flow | undefined;
    if (flowId) {
      try {
        flow = await ctx.api.getFlow(flowId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    } else {
      const found = await ctx.api.findFlowsByName(t.name, t.type);
      flow = found.find((f) => f.name === t.name && sameType(f.type, t.type) && !f.deleted);
    }
    if (!flow || flow.deleted) return { changed: t.fromVersion !== null && flowId !== undefined ? true : false };
    const version = flow.publishedVersion?.id;
    return { changed: (version ?? null) !== t.fromVersion, flowId: flow.id, version, flow };
  } catch (e) {
    ctx.log.warning(`Could not read back flow "${t.name}" to see whether it changed: ${errorText(e)}`);
    return {};
  }
}

function jobMessages(job: { messages?: { type?: string; text?: string }[] }): string[] {
  return (job.messages ?? []).map((m) => (m.type ? `${m.type}: ${m.text ?? ''}` : (m.text ?? ''))).filter(Boolean);
}

function awaitArchitectJob(ctx: EngineContext, jobId: string, c: WaitControl) {
  const job = { what: 'publish job', id: jobId, poll: () => ctx.api.getArchitectJob(jobId), expectedLatencyMs: 4000 };
  return waitForPlatformJob(ctx, job, c);
}

/** What a finished Architect job did: never trust its status, read the published version back. */
async function jobResult(
  ctx: EngineContext,
  t: PublishTarget,
  jobId: string,
  job: Awaited<ReturnType<typeof awaitArchitectJob>>,
  uploadedAt: number
): Promise<PublishOutcome> {
  if (job.status === 'Failure') {
    const messages = jobMessages(job);
    const back = await readBack(ctx, t);
    return {
      ok: false,
      jobId,
      messages,
      error: `Architect job ${jobId} failed${messages.length ? `: ${messages.join('; ')}` : ' without messages'}`,
      changed: back.changed,
      flowId: back.flowId ?? t.flowId,
      toVersion: back.version
    };
  }
  const back = await readBack(ctx, t, job.flow?.id ?? t.flowId);
  if (!back.flowId || !back.version || back.version === t.fromVersion) {
    return {
      ok: false,
      jobId,
      flowId: back.flowId ?? job.flow?.id ?? t.flowId,
      toVersion: back.version,
      changed: back.changed,
      error:
        `Architect job ${jobId} reported Success but the flow's published version ` +
        (back.version ? `is still ${back.version}` : 'could not be read') +
        '; nothing is considered published.'
    };
  }
  return proveJob(ctx, t, jobId, { flowId: back.flowId, version: back.version, flow: back.flow }, uploadedAt);
}

/** The job reported Success and the published version moved: prove it is the version this job created. */
async function proveJob(
  ctx: EngineContext,
  t: PublishTarget,
  jobId: string,
  back: { flowId: string; version: string; flow?: Flow },
  uploadedAt: number
): Promise<PublishOutcome> {
  const base = { jobId, flowId: back.flowId, toVersion: back.version };
  let meta;
  try {
    meta = await liveVersionMeta(ctx, back.flowId, back.flow);
  } catch (e) {
    const error = `Architect job ${jobId} reported Success, but version ${back.version} could not be read to prove who published it: ${errorText(e)}`;
    return { ok: false, ...base, changed: undefined, error };
  }
  const verdict = proveIdentity(meta, {
    flowName: t.name,
    clientId: ctx.clientId,
    previousVersion: t.fromVersion,
    uploadedAt
  });
  if (verdict.ok) {
    const raced = await racedVersion(ctx, back.flowId, t.name, {
      previous: t.fromVersion,
      live: back.version,
      uploadedAt
    });
    if (raced) return { ok: false, ...base, changed: true, error: raced.error, conflict: raced.conflict };
    return { ok: true, ...base, changed: true, identity: verdict.evidence, warning: verdict.warning };
  }
  if (verdict.kind === 'conflict')
    return { ok: false, ...base, changed: true, error: verdict.error, conflict: verdict.conflict };
  return {
    ok: false,
    ...base,
    changed: false,
    error: `Architect job ${jobId} reported Success, but ${verdict.error}; nothing is considered published.`
  };
}

/** Publish Archy YAML through an Architect job and verify the published version changed. */
export async function publishYaml(
  ctx: EngineContext,
  t: PublishTarget,
  yaml: string,
  c: WaitControl & { onJob?: (jobId: string) => void | Promise<void> } = {}
): Promise<PublishOutcome> {
  let jobId: string | undefined;
  let uploaded = false;
  // A cancelled run starts nothing new: checked before the job is registered and again before the upload (a job
  // registered but never uploaded does nothing).
  if (c.signal?.aborted) return { ok: false, cancelled: true, flowId: t.flowId, error: 'cancelled', changed: false };
  try {
    const reg = await ctx.api.registerArchitectJob();
    jobId = reg.id;
    // Recorded (the ledger: durable) before the upload; a job registered but never uploaded does nothing.
    await c.onJob?.(reg.id);
    if (c.signal?.aborted) throw new CancelledError(abortReason(c.signal));
    const uploadedAt = ctx.clock.now();
    try {
      uploaded = true;
      await ctx.api.uploadArchitectJobFile(reg, yaml);
    } catch (e) {
      const ambiguous = (e as { outcomeUnknown?: boolean }).outcomeUnknown === true;
      if (!ambiguous)
        return { ok: false, jobId, error: `Upload for job ${jobId} failed: ${errorText(e)}`, changed: false };
      // The upload may have arrived: the job itself will tell. Never upload twice.
      ctx.log.warning(`Upload for job ${jobId} had an unknown outcome; polling the job instead of re-sending.`);
    }
    const job = await awaitArchitectJob(ctx, reg.id, c);
    return await jobResult(ctx, t, jobId, job, uploadedAt);
  } catch (e) {
    const settle = jobId
      ? async (deadlineAt: number) => {
          await awaitArchitectJob(ctx, jobId!, { deadlineAt }).catch(() => undefined);
        }
      : undefined;
    if (e instanceof CancelledError || isCancellation(ctx, e) || (c.signal?.aborted && e === c.signal.reason))
      return {
        ok: false,
        jobId,
        flowId: t.flowId,
        cancelled: true,
        inFlight: uploaded,
        changed: uploaded ? undefined : false,
        error: 'cancelled',
        settle: uploaded ? settle : undefined
      };
    const timedOut = e instanceof WaitTimeoutError;
    const back = await readBack(ctx, t);
    return {
      ok: false,
      jobId,
      timedOut,
      error: jobId ? `Publish job ${jobId}: ${errorText(e)}` : `Could not register an Architect job: ${errorText(e)}`,
      changed: jobId ? (timedOut ? (back.changed ? true : undefined) : back.changed) : false,
      flowId: back.flowId ?? t.flowId,
      toVersion: back.version,
      settle: timedOut ? settle : undefined
    };
  }
}

/** Promote a checked-in version with actions/publish; poll the flow's currentOperation, then verify. */
export async function publishDraft(
  ctx: EngineContext,
  t: PublishTarget & { flowId: string },
  version: string,
  c: WaitControl & { before?: Flow } = {}
): Promise<PublishOutcome> {
  const before = c.before ?? (await ctx.api.getFlow(t.flowId).catch(() => undefined));
  const beforeOpId = before?.currentOperation?.id;
  let opId: string | undefined;
  if (c.signal?.aborted) return { ok: false, cancelled: true, flowId: t.flowId, error: 'cancelled', changed: false };
  try {
    const op = await ctx.api.publishFlow(t.flowId, version);
    opId = op.id;
  } catch (e) {
    if ((e as { outcomeUnknown?: boolean }).outcomeUnknown !== true) {
      return { ok: false, flowId: t.flowId, error: `actions/publish failed: ${errorText(e)}`, changed: false };
    }
    ctx.log.warning(`actions/publish for "${t.name}" had an unknown outcome; reading the flow back, not re-sending.`);
  }
  const ourOp = (f: Flow) =>
    f.currentOperation?.actionName === 'PUBLISH' &&
    (opId !== undefined ? f.currentOperation.id === opId : f.currentOperation.id !== beforeOpId);
  const opWait = (deadlineAt: number | undefined, signal: AbortSignal | undefined) =>
    waitFor({
      what: 'publish operation',
      id: opId ?? t.flowId,
      poll: () => ctx.api.getFlow(t.flowId),
      done: (f) =>
        (ourOp(f) && f.currentOperation?.complete === true) || (f.publishedVersion?.id ?? null) !== t.fromVersion,
      state: (f) => `${f.currentOperation?.actionName ?? '-'} ${f.currentOperation?.actionStatus ?? '-'}`,
      clock: ctx.clock,
      log: ctx.log,
      deadlineMs: ctx.manifest.jobTimeoutMs,
      deadlineAt,
      signal,
      expectedLatencyMs: 2000
    });
  try {
    const flow = await opWait(c.deadlineAt, c.signal);
    const status = ourOp(flow) ? flow.currentOperation?.actionStatus : undefined;
    const now = flow.publishedVersion?.id;
    if (status === 'FAILURE') {
      return {
        ok: false,
        flowId: t.flowId,
        toVersion: now,
        changed: (now ?? null) !== t.fromVersion,
        error: `Publish operation failed: ${flow.currentOperation?.errorMessage ?? flow.currentOperation?.errorCode ?? 'no error message'}`
      };
    }
    if (!now || now === t.fromVersion) {
      return {
        ok: false,
        flowId: t.flowId,
        toVersion: now,
        changed: false,
        error: `actions/publish reported ${status ?? 'completion'} but the published version is still ${now ?? 'none'}.`
      };
    }
    if (now !== version)
      ctx.log.warning(`"${t.name}": asked to publish version ${version}, Genesys now publishes ${now}.`);
    return { ok: true, flowId: t.flowId, toVersion: now, changed: true };
  } catch (e) {
    const settle = async (deadlineAt: number) => {
      await opWait(deadlineAt, undefined).catch(() => undefined);
    };
    if (isCancellation(ctx, e) || (c.signal?.aborted && e === c.signal.reason))
      return { ok: false, flowId: t.flowId, cancelled: true, inFlight: true, error: 'cancelled', settle };
    const back = await readBack(ctx, t);
    return {
      ok: false,
      flowId: t.flowId,
      timedOut: e instanceof WaitTimeoutError,
      toVersion: back.version,
      changed: back.changed,
      error: `Publishing draft version ${version}: ${errorText(e)}`,
      settle: e instanceof WaitTimeoutError ? settle : undefined
    };
  }
}
