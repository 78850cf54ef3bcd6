// Before anything else: a run that finds a dead run's unfinished release in the ledger reports it (which flows it may
// have changed, what is live now, who published it and when), waits until that run's jobs and operations have ended
// (bounded by the manifest's job timeout), then — on-unfinished: restore (the default) — restores every flow of it
// to its last known-good content (the `before` the dead run recorded: never whatever is live), verifies it, and
// records the recovery as a release of its own (`command: recover`); `stop` reports and stops.
// A recovery that cannot restore everything keeps the release in progress for the next run and stops this one.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { RecoveryFlow } from '../journal/events.ts';
import type { FlowType } from '../genesys/models.ts';
import { errorText } from '../genesys/errors.ts';
import { waitFor } from '../genesys/wait.ts';
import { LockHeldError } from '../ledger/errors.ts';
import { appendHistory } from '../ledger/history.ts';
import type { HistoryEntry, HistoryFlow, InProgress, InProgressFlow } from '../ledger/schema.ts';
import { isNotFound, sameType, type RunContext } from './context.ts';
import { refuse } from './finish.ts';
import { exportVersions } from './exports.ts';
import { deleteCreated, recordedTarget, restoreContent } from './rollback.ts';
import type { ReleaseResult } from './types.ts';

/** A job still `Registered` this long after we first saw it was never uploaded (its run is dead): it does nothing. */
export const REGISTERED_GRACE_MS = 15_000;

const created = (f: InProgressFlow) => f.before.version === null && f.flowId === undefined;

/** The flow's id now: recorded, else found by name (a flow the dead run created). */
async function currentId(run: RunContext, f: InProgressFlow): Promise<string | undefined> {
  if (f.flowId) return f.flowId;
  const found = await run.ctx.api.findFlowsByName(f.name, f.type as FlowType);
  return found.find((x) => x.name === f.name && sameType(x.type, f.type) && !x.deleted)?.id;
}

/** What is live now for one flow of the dead release, and who published it when (version metadata). */
async function describe(run: RunContext, f: InProgressFlow): Promise<RecoveryFlow> {
  const { api } = run.ctx;
  const out: RecoveryFlow = {
    name: f.name,
    type: f.type,
    beforeVersion: f.before.version,
    jobs: f.jobs.map((j) => j.id),
    live: null
  };
  try {
    const id = await currentId(run, f);
    if (!id) return out;
    out.flowId = id;
    const flow = await api.getFlow(id);
    const version = flow.deleted ? null : (flow.publishedVersion?.id ?? null);
    out.live = { version };
    if (version) {
      const v = await api.getFlowVersion(id, version);
      const who = (r?: { id: string; name?: string | undefined }) => (r ? (r.name ?? r.id) : undefined);
      const by = who(v.createdBy);
      const client = who(v.createdByClient);
      Object.assign(out.live, {
        ...(by ? { createdBy: by } : {}),
        ...(client ? { createdByClient: client } : {}),
        ...(v.datePublished ? { datePublished: v.datePublished } : {})
      });
    }
  } catch (e) {
    if (!isNotFound(e)) run.ctx.log.warning(`Could not read "${f.name}" for the recovery report: ${errorText(e)}`);
  }
  return out;
}

/** Waits for every job and operation the dead run registered to end (bounded by the manifest's job timeout). */
async function waitForDeadJobs(run: RunContext, dead: InProgress): Promise<void> {
  const { ctx } = run;
  const deadlineAt = ctx.clock.now() + ctx.manifest.jobTimeoutMs;
  const waits = dead.flows.flatMap((f) =>
    f.jobs
      .filter((j) => j.kind === 'architect' && j.state !== 'succeeded' && j.state !== 'failed')
      .map(async (j) => {
        let registeredSince: number | undefined;
        await waitFor({
          what: 'dead run publish job',
          id: j.id,
          poll: () =>
            ctx.api.getArchitectJob(j.id).catch((e: unknown) => {
              if (isNotFound(e)) return { status: 'Gone' };
              throw e;
            }),
          done: (s: { status: string }) => {
            if (s.status !== 'Registered') return s.status !== 'Started';
            registeredSince ??= ctx.clock.now();
            return ctx.clock.now() - registeredSince >= REGISTERED_GRACE_MS;
          },
          state: (s) => s.status,
          clock: ctx.clock,
          log: ctx.log,
          deadlineMs: ctx.manifest.jobTimeoutMs,
          deadlineAt,
          signal: ctx.signal,
          expectedLatencyMs: 2000
        }).catch((e: unknown) => ctx.log.warning(`Waiting for job ${j.id} of "${f.name}": ${errorText(e)}`));
      })
  );
  await Promise.all(waits);
}

/** Restores one flow to the dead run's `before` (or deletes what it created), verified. */
async function restoreFlow(run: RunContext, f: InProgressFlow, found: RecoveryFlow): Promise<RollbackFlowResult> {
  const { ctx } = run;
  const flow = { name: f.name, type: f.type as FlowType, flowId: found.flowId ?? '', stage: '' };
  if (created(f)) {
    return deleteCreated(ctx, { ...flow, created: true, seq: 0 });
  }
  if (!f.before.content || !found.flowId) {
    return {
      ...flow,
      action: 'republish',
      attempts: 0,
      ok: found.live?.version === f.before.version,
      expected: { version: f.before.version ?? undefined },
      actual: { version: found.live?.version ?? undefined },
      ...(found.live?.version === f.before.version
        ? {}
        : { error: 'the ledger holds no content for it before the dead run: restore it by hand' })
    };
  }
  const content = await run.ledger!.getBlob(f.before.content);
  const target = recordedTarget(content, f.before.version ?? undefined);
  const live = found.live?.version ?? null;
  if (live !== null && (await holdsKnownGood(run, f, found.flowId, live, target.hash))) {
    // Already at its last known-good content (the dead run never changed it, or its own rollback restored it):
    // proven by the version's identity or by comparing exports, so nothing is republished.
    ctx.log.info(`"${f.name}": version ${live} already holds its last known-good content; nothing to restore.`);
    const proof = { version: live, contentHash: target.hash };
    return { ...flow, action: 'republish', attempts: 0, ok: true, expected: proof, actual: proof };
  }
  return restoreContent(ctx, flow, target);
}

/**
 * Whether the live version holds the known-good content: it is the version the ledger recorded with that content
 * (before the dead run, or the dead run's own verified restore), or its export equals the known-good export.
 */
async function holdsKnownGood(
  run: RunContext,
  f: InProgressFlow,
  flowId: string,
  live: string,
  knownGoodHash: string
): Promise<boolean> {
  if (live === f.before.version) return true;
  if (f.result?.state === 'restored' && f.result.version === live) return true;
  try {
    const got = await exportVersions(run.ctx, [{ name: f.name, type: f.type, flowId, version: live }], {
      signal: run.ctx.signal
    });
    return got.get(flowId)?.hash === knownGoodHash;
  } catch (e) {
    run.ctx.log.warning(`Could not export "${f.name}" version ${live} to compare it: ${errorText(e)}; restoring it.`);
    return false;
  }
}

function recoveryEntry(run: RunContext, dead: InProgress, results: RollbackFlowResult[], startedAt: string) {
  const flows: HistoryFlow[] = dead.flows.flatMap((f): HistoryFlow[] => {
    const r = results.find((x) => x.name === f.name);
    if (!r?.ok || !r.flowId) return [];
    if (r.action === 'delete') return [{ name: f.name, type: f.type, id: r.flowId, version: null, state: 'deleted' }];
    if (!r.actual.version || !f.before.content) return [];
    return [
      {
        name: f.name,
        type: f.type,
        id: r.flowId,
        version: r.actual.version,
        content: f.before.content,
        state: 'restored'
      }
    ];
  });
  const entry: HistoryEntry = {
    releaseId: `${run.ctx.releaseId}-recover`,
    command: 'recover',
    outcome: 'rolled-back',
    startedAt,
    finishedAt: new Date(run.ctx.clock.now()).toISOString(),
    flows
  };
  return entry;
}

/** The dead release's own history line per flow: what was found live (its outcome is unknown: `failed`). */
function deadFlows(found: RecoveryFlow[]): HistoryFlow[] {
  return found.flatMap((f): HistoryFlow[] =>
    f.flowId ? [{ name: f.name, type: f.type, id: f.flowId, version: f.live?.version ?? null, state: 'unknown' }] : []
  );
}

/**
 * Runs before anything else of a deploy or a rollback. Returns the run's result when it must stop (a live holder,
 * on-unfinished: stop, a failed recovery), undefined to go on (holding the lock after a recovery).
 */
export async function recoverFirst(
  run: RunContext,
  command: 'deploy' | 'rollback'
): Promise<ReleaseResult | undefined> {
  const ledger = run.ledger;
  if (!ledger) return undefined;
  const dead = ledger.doc?.inProgress;
  try {
    await ledger.checkLock(dead ? 'recover' : command);
  } catch (e) {
    if (!(e instanceof LockHeldError)) throw e;
    return refuse(run, { kind: 'refused', message: `${e.message} Nothing was changed.` });
  }
  if (!dead || dead.releaseId === ledger.holder) return undefined;
  const startedAt = new Date(run.ctx.clock.now()).toISOString();
  const found = await Promise.all(dead.flows.map((f) => describe(run, f)));
  const onUnfinished = ledger.handle.onUnfinished ?? 'restore';
  run.ctx.journal.append('recovery-started', {
    status: 'warning',
    details: {
      releaseId: dead.releaseId,
      ...(dead.runUrl ? { runUrl: dead.runUrl } : {}),
      startedAt: dead.startedAt,
      onUnfinished,
      flows: found
    }
  });
  const what = `Release ${dead.releaseId}${dead.runUrl ? ` (run ${dead.runUrl})` : ''}, started ${dead.startedAt}, did not finish: it may have changed ${dead.flows.map((f) => f.name).join(', ')}.`;
  run.ctx.log.warning(what);
  if (onUnfinished === 'stop') {
    return refuse(run, {
      kind: 'refused',
      message: `${what} on-unfinished: stop — nothing was changed. Re-run with on-unfinished: restore to restore those flows to their last known-good content.`
    });
  }
  return restoreDead(run, dead, found, startedAt, what);
}

async function restoreDead(
  run: RunContext,
  dead: InProgress,
  found: RecoveryFlow[],
  startedAt: string,
  what: string
): Promise<ReleaseResult | undefined> {
  const ledger = run.ledger!;
  const { ctx } = run;
  try {
    await ledger.acquire('recover');
  } catch (e) {
    if (!(e instanceof LockHeldError)) throw e;
    return refuse(run, { kind: 'refused', message: `${e.message} Nothing was changed.` });
  }
  ledger.recordInto(dead.releaseId);
  ctx.log.startGroup(`Recover release ${dead.releaseId}`);
  const results: RollbackFlowResult[] = [];
  try {
    await waitForDeadJobs(run, dead);
    for (const f of [...dead.flows].reverse()) {
      if (ctx.signal?.aborted) break;
      results.push(
        await restoreFlow(
          run,
          f,
          found.find((x) => x.name === f.name && x.type === f.type)!
        )
      );
    }
  } finally {
    ctx.log.endGroup();
  }
  const ok = results.length === dead.flows.length && results.every((r) => r.ok);
  const entry = recoveryEntry(run, dead, results, startedAt);
  if (ok) {
    await ledger.finish({
      releaseId: dead.releaseId,
      outcome: 'failed',
      flows: deadFlows(found),
      releaseLock: false,
      then: (d) => appendHistory(d, entry)
    });
  }
  ctx.journal.append('recovery-finished', {
    status: ok ? 'ok' : 'error',
    details: { releaseId: dead.releaseId, ok, flows: results, ...(ok ? { recordedAs: entry.releaseId } : {}) }
  });
  if (ok) {
    ctx.log.info(`Recovered release ${dead.releaseId}: every flow is back at its last known-good content, verified.`);
    return undefined;
  }
  const bad = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? 'not restored'}`);
  return refuse(run, {
    kind: 'refused',
    message: `${what} Its recovery did not restore every flow (${bad.join('; ') || 'cancelled'}); it stays in progress in the ledger for the next run. Nothing else was changed.`
  });
}
