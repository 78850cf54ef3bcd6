// The end of a run in the ledger, on every path: the release is appended to the history (per flow: id, version, the
// content address of the export of what is live, state) and the lock is released.
//
// A cancelled run is different: it cannot prove what a job it handed to the platform will do, so it leaves its
// in-progress record for the next run to recover (which waits for those jobs, then restores every flow of it to its
// `before` content) and releases the lock with a note saying so — the next run needs no takeover. If the process is
// killed before that push, the lock stays until its lease ends (takeover-lock: true, or a provably finished run).
import type { Outcome } from '../domain/types.ts';
import type { DerivedFlow } from '../journal/derived.ts';
import { stripExportHeader } from '../git/normalize.ts';
import { errorText } from '../genesys/errors.ts';
import { lastKnownGood } from '../ledger/history.ts';
import type { ContentAddress, HistoryFlow, HistoryOutcome, InProgressFlow } from '../ledger/schema.ts';
import type { RunContext } from './context.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';
import type { ReleaseResult } from './types.ts';

export function historyOutcome(outcome: Outcome): HistoryOutcome {
  return outcome === 'succeeded' || outcome === 'rolled-back' || outcome === 'rollback-failed' ? outcome : 'failed';
}

/** Exports of the versions this run left live: the verified ones, the rest in one export job. */
async function liveExports(run: RunContext, flows: DerivedFlow[]): Promise<Map<string, ExportedVersion>> {
  const got = new Map<string, ExportedVersion>();
  const missing = flows.filter((f) => {
    const v = f.flowId ? run.work.verified.get(f.flowId) : undefined;
    if (v && v.version === f.finalVersion) got.set(f.flowId!, v);
    return !got.has(f.flowId!);
  });
  if (missing.length > 0) {
    const more = await exportVersions(
      run.ctx,
      missing.map((f) => ({ name: f.name, type: f.type ?? '', flowId: f.flowId!, version: f.finalVersion! })),
      {}
    );
    for (const [id, e] of more) got.set(id, e);
  }
  return got;
}

/** One flow as this run leaves it. */
function historyFlow(
  run: RunContext,
  f: DerivedFlow,
  began: InProgressFlow | undefined,
  exported: Map<string, ExportedVersion>
): HistoryFlow | undefined {
  const ledger = run.ledger!;
  const key = { name: f.name, type: f.type ?? '' };
  const base = { name: f.name, type: key.type };
  const id = f.flowId ?? f.rollback?.flowId ?? began?.flowId;
  if (!id) return undefined;
  const r = f.rollback;
  if (r?.ok && r.action === 'delete') return { ...base, id, version: null, state: 'deleted' };
  if (r?.ok && r.actual.version && began?.before.content) {
    return { ...base, id, version: r.actual.version, content: began.before.content, state: 'restored' };
  }
  if (f.status === 'published' && f.finalVersion) {
    const e = exported.get(id);
    if (!e) return { ...base, id, version: f.finalVersion, state: 'unknown' };
    const content = ledger.putBlob(stripExportHeader(e.raw));
    const uploaded = f.contentHash as ContentAddress | null;
    return { ...base, id, version: f.finalVersion, content, ...(uploaded ? { uploaded } : {}), state: 'published' };
  }
  if (f.changedSeq !== null || f.conflict || r) {
    return { ...base, id, version: f.leftVersion ?? null, state: f.status === 'publish-failed' ? 'failed' : 'unknown' };
  }
  // Not changed by this run: what was live before it still is.
  const known = lastKnownGood(ledger.doc, key, { includeInProgress: false });
  const content = began?.before.content ?? (known?.version === f.fromVersion ? known?.content : undefined);
  if (!f.fromVersion || !content) return undefined;
  const uploaded = known && known.content === content ? knownUploaded(run, key, known.releaseId) : undefined;
  return { ...base, id, version: f.fromVersion, content, ...(uploaded ? { uploaded } : {}), state: 'unchanged' };
}

function knownUploaded(run: RunContext, key: { name: string; type: string }, releaseId: string) {
  const entry = run.ledger?.doc?.history.find((h) => h.releaseId === releaseId);
  return entry?.flows.find((x) => x.name === key.name && x.type === key.type)?.uploaded;
}

/** Every flow the release covered (skipped ones are not), as it leaves them. */
export async function deployHistory(run: RunContext): Promise<HistoryFlow[]> {
  const flows = run.view().flows.filter((f) => f.action !== null && f.action !== 'skipped');
  const began = run.ledger?.doc?.inProgress?.flows ?? [];
  const live = flows.filter((f) => f.status === 'published' && f.flowId && f.finalVersion);
  const exported = live.length ? await liveExports(run, live) : new Map<string, ExportedVersion>();
  const retired = run
    .events()
    .flatMap((e): HistoryFlow[] =>
      e.type === 'flow-retired' && e.details.deleted && e.flow
        ? [{ name: e.flow, type: e.details.type, id: e.details.flowId, version: null, state: 'deleted' }]
        : []
    );
  return [
    ...flows.flatMap((f) => {
      const h = historyFlow(
        run,
        f,
        began.find((b) => b.name === f.name && b.type === f.type),
        exported
      );
      return h ? [h] : [];
    }),
    ...retired
  ];
}

/** Records how the run ended; a failure to record is a warning (the next run recovers the release in progress). */
export async function settleLedger(run: RunContext, result: ReleaseResult): Promise<void> {
  const ledger = run.ledger;
  if (!ledger) return;
  const { ctx } = run;
  try {
    if (!ledger.begun) {
      await ledger.unlock();
      return;
    }
    if (ctx.signal?.aborted) {
      await ledger.unlock(
        `cancelled: release ${ledger.holder} is left in progress in the ledger; the next run waits for its jobs and restores its flows`
      );
      return;
    }
    const flows = run.work.history ? await run.work.history() : await deployHistory(run);
    await ledger.finish({ outcome: historyOutcome(result.outcome), flows, releaseLock: true });
  } catch (e) {
    const message = `Could not record the end of release ${ledger.holder} in the ledger: ${errorText(e)}. The next run finds it in progress and recovers it.`;
    ctx.log.warning(message);
    ctx.journal.append('warning', { status: 'warning', details: { message } });
  }
}
