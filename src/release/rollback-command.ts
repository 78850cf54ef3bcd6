// `command: rollback` without a ledger (the engine's tests): make the flows of the last release record live again with
// the content committed for them. The action always has a ledger: see ledger-rollback.ts.
// Everything is read first (locks, missing content) before any change; then each flow is restored and verified in
// record order. A cancellation starts no further restore; what is done stays done.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { FlowType } from '../genesys/models.ts';
import type { ReleaseRecord } from '../git/types.ts';
import { abortReason, isNotFound, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { exportReleased } from './export-released.ts';
import { conclude, refuse } from './finish.ts';
import { filterFlows } from './plan.ts';
import { recordedTarget, restoreContent } from './rollback.ts';
import type { ReleaseResult } from './types.ts';
import { ledgerRollback } from './ledger-rollback.ts';

type RecordedFlow = ReleaseRecord['flows'][number];

interface Restore {
  rec: RecordedFlow;
  /** The version published when read (undefined: the flow is gone). */
  current?: string;
  /** Checked out by this user: force-unlocked before the restore (force-unlock: true). */
  unlock?: string;
}

/** Read one recorded flow: a restore to do, undefined when it is still at the recorded version, or the refusal. */
async function readOne(run: RunContext, rec: RecordedFlow): Promise<Restore | undefined | { error: string }> {
  const { ctx, opts } = run;
  let current: string | undefined;
  let lockedBy: string | undefined;
  try {
    const flow = await ctx.api.getFlow(rec.id);
    current = flow.deleted ? undefined : flow.publishedVersion?.id;
    lockedBy = flow.lockedUser ? (flow.lockedUser.name ?? flow.lockedUser.id) : undefined;
  } catch (e) {
    if (!isNotFound(e)) return { error: `Could not read flow "${rec.name}": ${errorText(e)}` };
  }
  if (current === rec.version) return undefined;
  if (!opts.recordedContent?.get(rec.name)) {
    return {
      error: `The recorded export of "${rec.name}" (${ctx.manifest.artifacts.dir}/${rec.file}) is missing; it cannot be restored.`
    };
  }
  const spec = ctx.manifest.flows.find((f) => f.name === rec.name);
  if (lockedBy && !spec?.forceUnlock) {
    const reason = `Flow "${rec.name}" is checked out in Architect by ${lockedBy}. Ask them to check it in, or set force-unlock: true on it in the manifest.`;
    ctx.journal.append('flow-refused', {
      flow: rec.name,
      status: 'error',
      details: { flowId: rec.id, reason, lockedBy }
    });
    return { error: reason };
  }
  return { rec, current, unlock: lockedBy };
}

async function restoreOne(run: RunContext, t: Restore): Promise<RollbackFlowResult> {
  const { ctx, opts } = run;
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
  return r;
}

export async function rollbackCommand(run: RunContext): Promise<ReleaseResult> {
  // With the org's ledger (always, from the action): its history, not release.json (ledger-rollback.ts).
  if (run.ledger) return ledgerRollback(run);
  const { ctx, opts } = run;
  const record = opts.lastRecord;
  if (!record) return refuse(run, { kind: 'no-record', dir: ctx.manifest.artifacts.dir });
  const releaseId = record.releaseId;
  const { keep } = filterFlows(ctx.manifest.flows, opts.flowsFilter);
  const filtered = opts.flowsFilter?.length ? record.flows.filter((f) => keep.has(f.name)) : record.flows;

  const todo: Restore[] = [];
  const errors: string[] = [];
  for (const rec of filtered) {
    const r = await readOne(run, rec);
    if (r && 'error' in r) errors.push(r.error);
    else if (r) todo.push(r);
  }
  if (errors.length > 0) return refuse(run, { kind: 'restore-refused', releaseId, errors }, errors);
  if (todo.length === 0) return conclude(run, { kind: 'restore-nothing', releaseId });

  const flows = todo.map((t) => t.rec.name);
  ctx.journal.append('rollback-started', {
    status: 'warning',
    details: {
      reason: `command: rollback to release ${releaseId}`,
      flows,
      fromVersions: Object.fromEntries(todo.map((t) => [t.rec.name, t.current ?? null]))
    }
  });
  const results: RollbackFlowResult[] = [];
  for (const t of todo) {
    if (ctx.signal?.aborted) break;
    results.push(await restoreOne(run, t));
  }
  const cancelled = ctx.signal?.aborted === true;
  const ok = results.length === todo.length && results.every((r) => r.ok) && !cancelled;
  // Start no new restore after the signal; the ones done stay done (each is a complete, verified republish).
  if (cancelled) {
    ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
  }
  ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  const result = conclude(run, {
    kind: 'restore-done',
    releaseId,
    flows,
    signal: cancelled ? abortReason(ctx.signal) : undefined
  });
  if (result.outcome === 'succeeded' && opts.exportAfter) result.exports = await exportReleased(run);
  return result;
}
