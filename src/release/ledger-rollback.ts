// `command: rollback` with the ledger: restore, by default, the newest good release whose content differs from what
// is live now (so it undoes a successful release, and repairs a failed or dead one); `rollback-to` names a release
// instead. A dead run's unfinished release is recovered first (its jobs waited for); then the lock is taken and the
// rollback is recorded like any release (write-ahead, jobs, history). Content comes from the ledger's blobs, never
// from the artifacts directory, so it works with commit-artifacts: false.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { FlowType } from '../genesys/models.ts';
import { errorText } from '../genesys/errors.ts';
import { stripExportHeader } from '../git/normalize.ts';
import { findRelease, isGood, newestGoodReleaseDifferingFrom } from '../ledger/history.ts';
import { LockHeldError } from '../ledger/errors.ts';
import type { ContentAddress, HistoryEntry, HistoryFlow } from '../ledger/schema.ts';
import { LIVE_STATES } from '../ledger/schema.ts';
import { abortReason, isNotFound, type RunContext } from './context.ts';
import { exportReleased } from './export-released.ts';
import { exportVersions } from './exports.ts';
import { conclude, refuse } from './finish.ts';
import { exportHash } from './normalize.ts';
import { filterFlows } from './plan.ts';
import { recoverFirst } from './recovery.ts';
import { recordedTarget, restoreContent } from './rollback.ts';
import type { ReleaseResult } from './types.ts';

interface Live {
  version?: string;
  /** The live export without its header, and its hash after normalisation. */
  content?: string;
  hash?: string;
}

/** What each flow of the history publishes now, by flow id: one getFlow each, one export job for all. */
async function readLive(run: RunContext, flows: HistoryFlow[]): Promise<Map<string, Live>> {
  const { api } = run.ctx;
  const live = new Map<string, Live>();
  const byId = new Map(flows.map((f) => [f.id, f]));
  for (const [id] of byId) {
    try {
      const flow = await api.getFlow(id);
      live.set(id, { ...(flow.deleted ? {} : { version: flow.publishedVersion?.id }) });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      live.set(id, {});
    }
  }
  const toExport = [...live].filter(([, l]) => l.version);
  const exported = await exportVersions(
    run.ctx,
    toExport.map(([id, l]) => ({
      name: byId.get(id)!.name,
      type: byId.get(id)!.type,
      flowId: id,
      version: l.version!
    })),
    { signal: run.ctx.signal }
  );
  for (const [id, e] of exported) live.set(id, { ...live.get(id), content: stripExportHeader(e.raw), hash: e.hash });
  return live;
}

/** exportHash of each content address the candidates refer to (blobs compare with exports after normalisation). */
async function contentHashes(run: RunContext, entries: HistoryEntry[]): Promise<Map<ContentAddress, string>> {
  const out = new Map<ContentAddress, string>();
  for (const e of entries)
    for (const f of e.flows) {
      if (!f.content || out.has(f.content)) continue;
      out.set(f.content, exportHash(await run.ledger!.getBlob(f.content)));
    }
  return out;
}

function choose(run: RunContext, live: Map<string, Live>, hashes: Map<ContentAddress, string>) {
  const doc = run.ledger!.doc;
  const same = (f: HistoryFlow) => f.content !== undefined && hashes.get(f.content) === live.get(f.id)?.hash;
  const wanted = run.ledger!.handle.rollbackTo;
  if (wanted) {
    const entry = findRelease(doc, wanted);
    if (!entry) {
      const known = (doc?.history ?? []).slice(-5).map((h) => `${h.releaseId} (${h.outcome})`);
      return {
        error: `rollback-to: release ${wanted} is not in the ledger's history (newest: ${known.join(', ') || 'none'}).`
      };
    }
    if (!entry.flows.some((f) => isGood(entry, f))) {
      return { error: `rollback-to: release ${wanted} ended ${entry.outcome} and left no flow known to be good.` };
    }
    return { entry, same };
  }
  const entry = newestGoodReleaseDifferingFrom(doc, (f) => (same(f) ? f.content : undefined));
  return entry ? { entry, same } : { error: undefined };
}

async function restoreAll(run: RunContext, todo: HistoryFlow[], live: Map<string, Live>) {
  const { ctx } = run;
  const results: RollbackFlowResult[] = [];
  for (const f of todo) {
    if (ctx.signal?.aborted) break;
    const content = await run.ledger!.getBlob(f.content!);
    const r = await restoreContent(
      ctx,
      { name: f.name, type: f.type as FlowType, flowId: f.id, stage: '' },
      recordedTarget(content, live.get(f.id)?.version === f.version ? (f.version ?? undefined) : undefined)
    );
    ctx.journal.append('rollback-flow', { flow: f.name, status: r.ok ? 'ok' : 'error', details: r });
    results.push(r);
  }
  return results;
}

export async function ledgerRollback(run: RunContext): Promise<ReleaseResult> {
  const { ctx, opts } = run;
  const ledger = run.ledger!;
  const stopped = await recoverFirst(run, 'rollback');
  if (stopped) return stopped;
  const history = ledger.doc?.history ?? [];
  const candidates = history.filter((h) => h.outcome === 'succeeded' || h.outcome === 'rolled-back');
  const flows = candidates.flatMap((h) => h.flows.filter((f) => LIVE_STATES.includes(f.state)));
  if (flows.length === 0) {
    return refuse(run, {
      kind: 'refused',
      message: `The release ledger of org ${ledger.handle.org.id} holds no good release to roll back to; nothing was changed.`
    });
  }
  const live = await readLive(run, flows);
  const chosen = choose(run, live, await contentHashes(run, candidates));
  if (!('entry' in chosen) || !chosen.entry) {
    if (chosen.error) return refuse(run, { kind: 'refused', message: `${chosen.error} Nothing was changed.` });
    // Every good release is what is live now (e.g. a recovery just restored the last one): nothing to restore.
    return conclude(run, { kind: 'restore-nothing', releaseId: candidates.at(-1)!.releaseId });
  }
  const { entry, same } = chosen;
  const { keep } = filterFlows(ctx.manifest.flows, opts.flowsFilter);
  const inScope = entry.flows.filter(
    (f) => LIVE_STATES.includes(f.state) && f.content && (!opts.flowsFilter?.length || keep.has(f.name))
  );
  const todo = inScope.filter((f) => !same(f));
  if (todo.length === 0) return conclude(run, { kind: 'restore-nothing', releaseId: entry.releaseId });
  return restoreEntry(run, entry, inScope, todo, live);
}

async function restoreEntry(
  run: RunContext,
  entry: HistoryEntry,
  inScope: HistoryFlow[],
  todo: HistoryFlow[],
  live: Map<string, Live>
): Promise<ReleaseResult> {
  const { ctx, opts } = run;
  const ledger = run.ledger!;
  try {
    await ledger.begin(
      'rollback',
      todo.map((f) => {
        const l = live.get(f.id);
        const content = l?.content !== undefined ? ledger.putBlob(l.content) : undefined;
        return {
          name: f.name,
          type: f.type,
          flowId: f.id,
          before: { version: l?.version ?? null, ...(content ? { content } : {}) }
        };
      })
    );
  } catch (e) {
    const message =
      e instanceof LockHeldError ? e.message : `Could not record the rollback in the ledger: ${errorText(e)}`;
    return refuse(run, { kind: 'refused', message: `${message} Nothing was changed.` });
  }
  ctx.journal.append('rollback-started', {
    status: 'warning',
    details: {
      reason: `command: rollback to release ${entry.releaseId}`,
      flows: todo.map((f) => f.name),
      fromVersions: Object.fromEntries(todo.map((f) => [f.name, live.get(f.id)?.version ?? null]))
    }
  });
  const results = await restoreAll(run, todo, live);
  const cancelled = ctx.signal?.aborted === true;
  const ok = results.length === todo.length && results.every((r) => r.ok) && !cancelled;
  if (cancelled) ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
  ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  run.work.history = async () => rollbackHistory(inScope, results, live);
  const result = conclude(run, {
    kind: 'restore-done',
    releaseId: entry.releaseId,
    flows: todo.map((f) => f.name),
    signal: cancelled ? abortReason(ctx.signal) : undefined
  });
  if (result.outcome === 'succeeded' && opts.exportAfter) result.exports = await exportReleased(run);
  return result;
}

/** The rollback's history entry: restored flows at their new version with the target's content, the rest as found. */
function rollbackHistory(
  inScope: HistoryFlow[],
  results: RollbackFlowResult[],
  live: Map<string, Live>
): HistoryFlow[] {
  return inScope.flatMap((f): HistoryFlow[] => {
    const r = results.find((x) => x.name === f.name);
    const base = { name: f.name, type: f.type, id: r?.flowId ?? f.id };
    const carried = { content: f.content!, ...(f.uploaded ? { uploaded: f.uploaded } : {}) };
    if (!r) {
      // Not restored because its content is already live (maybe under another version).
      const version = live.get(f.id)?.version;
      return version ? [{ ...base, version, ...carried, state: 'unchanged' }] : [];
    }
    if (r.ok && r.actual.version) return [{ ...base, version: r.actual.version, ...carried, state: 'restored' }];
    return [{ ...base, version: r.actual.version ?? null, state: 'unknown' }];
  });
}
