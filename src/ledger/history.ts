// Pure queries over a ledger document's release history (and the release in progress), and the capped append.
// Flows are identified by name and type, as in the manifest; the flow id is carried along for the caller.
//
// "Good" for a flow in a history entry: the release ended `succeeded` or `rolled-back` and the flow was left live
// (`published`, `unchanged` or `restored`), so its version and content were verified live and healthy (or restored
// to what was). A release that failed or whose rollback failed proves nothing about what it left behind.
import { HISTORY_LIMIT, LIVE_STATES } from './schema.ts';
import type { ContentAddress, HistoryEntry, HistoryFlow, LedgerDocument } from './schema.ts';

export interface FlowKey {
  name: string;
  type: string;
}

export interface KnownGood {
  content: ContentAddress;
  /** The version that content was live as; null when the release in progress created the flow. */
  version: string | null;
  flowId: string | undefined;
  /** The release whose history entry proves it, or the release in progress whose `before` it is. */
  releaseId: string;
  source: 'history' | 'in-progress-before';
}

const sameFlow = (a: FlowKey, b: FlowKey): boolean => a.name === b.name && a.type === b.type;
const keyOf = (f: FlowKey): string => `${f.type}\u0000${f.name}`;

export function isGood(entry: HistoryEntry, flow: HistoryFlow): boolean {
  return (entry.outcome === 'succeeded' || entry.outcome === 'rolled-back') && LIVE_STATES.includes(flow.state);
}

/** The newest history entry where `flow` was live and good, with that flow's line. */
function newestGood(history: HistoryEntry[], flow: FlowKey): { entry: HistoryEntry; flow: HistoryFlow } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i] as HistoryEntry;
    const f = entry.flows.find((x) => sameFlow(x, flow));
    if (f && isGood(entry, f)) return { entry, flow: f };
  }
  return undefined;
}

/**
 * A flow's rollback target: the content that was live before the release in progress (what a dead run's release
 * must be rolled back to), else the newest history entry where it was live and good. Undefined when the ledger knows
 * no content for it (e.g. a flow the release in progress creates: its rollback is a delete).
 */
export function lastKnownGood(
  doc: LedgerDocument | undefined,
  flow: FlowKey,
  options: { includeInProgress?: boolean } = {}
): KnownGood | undefined {
  if (!doc) return undefined;
  const running = options.includeInProgress === false ? undefined : doc.inProgress;
  const before = running?.flows.find((f) => sameFlow(f, flow))?.before;
  if (running && before?.content !== undefined) {
    const flowId = running.flows.find((f) => sameFlow(f, flow))?.flowId;
    return {
      content: before.content,
      version: before.version,
      flowId,
      releaseId: running.releaseId,
      source: 'in-progress-before'
    };
  }
  const good = newestGood(doc.history, flow);
  if (!good) return undefined;
  return {
    content: good.flow.content as ContentAddress,
    version: good.flow.version,
    flowId: good.flow.id,
    releaseId: good.entry.releaseId,
    source: 'history'
  };
}

/**
 * `command: rollback`: the newest succeeded release that differs from what is live now in at least one of its live
 * flows. `live` returns the content address of what the org runs now for a flow (undefined: unknown or absent).
 */
export function newestGoodReleaseDifferingFrom(
  doc: LedgerDocument | undefined,
  live: (flow: HistoryFlow) => ContentAddress | undefined
): HistoryEntry | undefined {
  const history = doc?.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i] as HistoryEntry;
    if (entry.outcome !== 'succeeded') continue;
    if (entry.flows.some((f) => LIVE_STATES.includes(f.state) && f.content !== live(f))) return entry;
  }
  return undefined;
}

export function findRelease(doc: LedgerDocument | undefined, releaseId: string): HistoryEntry | undefined {
  return doc?.history.find((h) => h.releaseId === releaseId);
}

/**
 * Flows of the newest finished release that are not in `names` (e.g. removed from the manifest) and were not left
 * deleted. A release of a subset (the `flows` input) lists only that subset, so callers pass the whole manifest.
 */
export function orphans(doc: LedgerDocument | undefined, names: Iterable<string>): HistoryFlow[] {
  const last = doc?.history.at(-1);
  if (!last) return [];
  const keep = new Set(names);
  return last.flows.filter((f) => !keep.has(f.name) && f.state !== 'deleted');
}

/**
 * At most `limit` newest entries, plus, for every flow of a dropped entry, its newest good entry when no kept entry
 * is good for it: every flow's last known-good content stays restorable however old it is. Order is kept.
 */
export function trimHistory(history: HistoryEntry[], limit = HISTORY_LIMIT): HistoryEntry[] {
  if (history.length <= limit) return history;
  const cut = history.length - limit;
  const kept = new Set<number>();
  for (let i = cut; i < history.length; i++) kept.add(i);
  const covered = new Set<string>();
  for (let i = cut; i < history.length; i++) {
    const e = history[i] as HistoryEntry;
    for (const f of e.flows) if (isGood(e, f)) covered.add(keyOf(f));
  }
  for (let i = cut - 1; i >= 0; i--) {
    const e = history[i] as HistoryEntry;
    const needed = e.flows.filter((f) => isGood(e, f) && !covered.has(keyOf(f)));
    if (needed.length === 0) continue;
    kept.add(i);
    for (const f of needed) covered.add(keyOf(f));
  }
  return history.filter((_, i) => kept.has(i));
}

/** The document with `entry` appended (newest last) and the history trimmed to the cap. */
export function appendHistory(doc: LedgerDocument, entry: HistoryEntry, limit = HISTORY_LIMIT): LedgerDocument {
  if (doc.history.some((h) => h.releaseId === entry.releaseId)) {
    return doc; // already recorded (a retried finish): the history is append-only, never rewritten
  }
  return { ...doc, history: trimHistory([...doc.history, entry], limit) };
}
