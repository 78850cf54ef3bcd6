// Write-ahead records of a release, as pure mutations for a store update or a LedgerWriter record: before the first
// change, what the release may change (each flow's version and content before it, what it is about to publish);
// as changes happen, job ids (before their upload) and results; at the end, one history entry and a clear slate.
// Every mutation first checks that the caller still holds the org's lock: a run that lost it must not write.
import type { Clock } from '../common/clock.ts';
import { LedgerError } from './errors.ts';
import { appendHistory } from './history.ts';
import type { FlowKey } from './history.ts';
import { assertHolds } from './lock.ts';
import type {
  HistoryEntry,
  HistoryFlow,
  HistoryOutcome,
  InProgress,
  InProgressFlow,
  Job,
  LedgerDocument
} from './schema.ts';
import { NO_CHANGE } from './store.ts';

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();
const sameFlow = (a: FlowKey, b: FlowKey): boolean => a.name === b.name && a.type === b.type;

export interface ReleaseStart {
  releaseId: string;
  command: InProgress['command'];
  runUrl?: string;
  commit?: string;
  /** The dead run's release this one recovers, when it does. */
  recoveredFrom?: InProgress['recoveredFrom'];
  /** Every flow the release may change, with what was live before it. Jobs and results come later. */
  flows: Omit<InProgressFlow, 'jobs' | 'result'>[];
}

/** The release in progress of `doc`, checked to be `releaseId`'s, with the lock held by `holder`. */
function running(doc: LedgerDocument | undefined, holder: string, releaseId: string): InProgress {
  assertHolds(doc, holder);
  const current = doc?.inProgress;
  if (!current || current.releaseId !== releaseId) {
    throw new LedgerError(
      'conflict',
      `Release ${releaseId} is not the release in progress of org ${doc?.org.id ?? '?'} ` +
        `(${current ? `that is ${current.releaseId}` : 'there is none'}); nothing was recorded.`
    );
  }
  return current;
}

/** Records what the release may change. The lock must be held; an unfinished release of another run must be recovered first. */
export function beginRelease(
  doc: LedgerDocument | undefined,
  start: ReleaseStart,
  clock: Clock
): LedgerDocument | typeof NO_CHANGE {
  const base = doc as LedgerDocument;
  assertHolds(doc, start.releaseId);
  const current = base.inProgress;
  if (current?.releaseId === start.releaseId) return NO_CHANGE;
  if (current) {
    throw new LedgerError(
      'conflict',
      `Org ${base.org.id} has an unfinished release ${current.releaseId}` +
        `${current.runUrl ? ` (run ${current.runUrl})` : ''}, started at ${current.startedAt}. It must be recovered ` +
        'before anything else changes the org; nothing was recorded.'
    );
  }
  const seen = new Set<string>();
  for (const f of start.flows) {
    const key = `${f.type}/${f.name}`;
    if (seen.has(key))
      throw new LedgerError('invalid-input', `Flow ${key} is listed twice in release ${start.releaseId}.`);
    seen.add(key);
  }
  const inProgress: InProgress = {
    releaseId: start.releaseId,
    command: start.command,
    startedAt: iso(clock),
    flows: start.flows.map((f) => ({ ...f, jobs: [] }))
  };
  if (start.runUrl !== undefined) inProgress.runUrl = start.runUrl;
  if (start.commit !== undefined) inProgress.commit = start.commit;
  if (start.recoveredFrom !== undefined) inProgress.recoveredFrom = start.recoveredFrom;
  return { ...base, inProgress };
}

function withFlow(
  doc: LedgerDocument,
  current: InProgress,
  flow: FlowKey,
  change: (f: InProgressFlow) => InProgressFlow
): LedgerDocument {
  const index = current.flows.findIndex((f) => sameFlow(f, flow));
  if (index < 0) {
    throw new LedgerError(
      'invalid-input',
      `Flow ${flow.type}/${flow.name} is not part of release ${current.releaseId}: record it in beginRelease first.`
    );
  }
  const flows = current.flows.map((f, i) => (i === index ? change(f) : f));
  return { ...doc, inProgress: { ...current, flows } };
}

/** Records a job (registered: before its upload) or a change of its state. `holder` defaults to the release. */
export function recordJob(
  doc: LedgerDocument | undefined,
  releaseId: string,
  flow: FlowKey,
  job: Pick<Job, 'id' | 'kind'> & Partial<Pick<Job, 'state' | 'error'>>,
  clock: Clock,
  holder = releaseId
): LedgerDocument {
  const current = running(doc, holder, releaseId);
  const at = iso(clock);
  return withFlow(doc as LedgerDocument, current, flow, (f) => {
    const existing = f.jobs.find((j) => j.id === job.id && j.kind === job.kind);
    const next: Job = existing
      ? { ...existing, updatedAt: at }
      : { id: job.id, kind: job.kind, registeredAt: at, state: job.state ?? 'registered' };
    if (job.state !== undefined) next.state = job.state;
    if (job.error !== undefined) next.error = job.error;
    return { ...f, jobs: existing ? f.jobs.map((j) => (j === existing ? next : j)) : [...f.jobs, next] };
  });
}

/** Records a flow's id once the platform reports it (a create), and/or its result. */
export function recordFlow(
  doc: LedgerDocument | undefined,
  releaseId: string,
  flow: FlowKey,
  patch: { flowId?: string; result?: Omit<NonNullable<InProgressFlow['result']>, 'at'> },
  clock: Clock,
  holder = releaseId
): LedgerDocument {
  const current = running(doc, holder, releaseId);
  return withFlow(doc as LedgerDocument, current, flow, (f) => ({
    ...f,
    ...(patch.flowId !== undefined ? { flowId: patch.flowId } : {}),
    ...(patch.result !== undefined ? { result: { ...patch.result, at: iso(clock) } } : {})
  }));
}

export interface ReleaseEnd {
  /** The lock holder finishing it: the release itself, or the run recovering it. */
  holder: string;
  /** The release in progress being finished; defaults to the holder's own. */
  releaseId?: string;
  outcome: HistoryOutcome;
  commit?: string;
  /** Every flow the release covered, as it was left. */
  flows: HistoryFlow[];
  /** Also free the lock (the end of the run). */
  releaseLock?: boolean;
}

/** Appends the release to the history (capped), clears the release in progress and optionally frees the lock. */
export function finishRelease(
  doc: LedgerDocument | undefined,
  end: ReleaseEnd,
  clock: Clock
): LedgerDocument | typeof NO_CHANGE {
  const releaseId = end.releaseId ?? end.holder;
  if (doc?.history.some((h) => h.releaseId === releaseId) && doc.inProgress?.releaseId !== releaseId) {
    return NO_CHANGE; // already finished (a retried step)
  }
  const current = running(doc, end.holder, releaseId);
  const entry: HistoryEntry = {
    releaseId,
    command: current.command,
    outcome: end.outcome,
    startedAt: current.startedAt,
    finishedAt: iso(clock),
    flows: end.flows
  };
  const commit = end.commit ?? current.commit;
  if (commit !== undefined) entry.commit = commit;
  if (current.runUrl !== undefined) entry.runUrl = current.runUrl;
  if (end.holder !== releaseId) entry.recoveredBy = end.holder;
  const next = appendHistory({ ...(doc as LedgerDocument), inProgress: null }, entry);
  return end.releaseLock ? { ...next, lock: null } : next;
}
