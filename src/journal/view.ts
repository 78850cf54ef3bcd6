// The engine's view of its own run, derived from the journal by the same reading as the audit document and the
// summary (deriveRelease): which flows this run changed, what is live, what was in flight when cancelled, where
// another publisher's content is live, and what was published. The engine keeps none of this beside the journal.
import type { Command, PublishedFlow } from '../domain/types.ts';
import { deriveRelease } from './derive.ts';
import type { DerivedFlow, DerivedRollback } from './derived.ts';
import type { JournalEvent } from './events.ts';
import type { RunFacts } from './outcome.ts';

/** A flow this run changed, or may have changed (a failed publish whose effect is unknown). */
export interface ChangedFlowFact {
  name: string;
  type: string;
  stage: string;
  /** '' for a create whose job was cut short before the id was known: the rollback looks it up by name. */
  flowId: string;
  created: boolean;
  /** The published version before the release, as snapshotted (the content itself is working data). */
  snapshot?: { version: string; contentHash: string };
  /** The version this release left published (undefined when in doubt). */
  publishedVersion?: string;
  /** Seq of the journal event that recorded the change: the order the changes happened in. */
  seq: number;
}

/** What is live for a flow while checks run (the shape checks consume as LiveFlow). */
export interface LiveVersion {
  name: string;
  type: string;
  flowId: string;
  version: string;
  previousVersion?: string | null;
  publishedAt?: number;
}

export interface RunView extends RunFacts {
  /** Every flow the journal speaks of, in manifest order (others after, in journal order). */
  flows: DerivedFlow[];
  /** Flows this run changed or may have changed, in the order the changes happened. */
  changed: ChangedFlowFact[];
  /** What is live now, by flow name. */
  live: Map<string, LiveVersion>;
}

function byManifestOrder(order: readonly string[]): (a: { name: string }, b: { name: string }) => number {
  const pos = new Map(order.map((n, i) => [n, i]));
  const at = (n: string) => pos.get(n) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => at(a.name) - at(b.name);
}

function changedFact(f: DerivedFlow): ChangedFlowFact {
  return {
    name: f.name,
    type: f.type ?? 'unknown',
    stage: f.stage ?? '',
    flowId: f.flowId ?? '',
    created: f.action === 'create',
    snapshot: f.snapshot ?? undefined,
    publishedVersion: f.leftVersion ?? undefined,
    seq: f.changedSeq as number
  };
}

/** Live before any rollback: what this run published, else what the plan found published. */
function liveBefore(f: DerivedFlow): LiveVersion | undefined {
  if (!f.flowId || f.action === null || f.action === 'skipped' || f.conflict) return undefined;
  const base = { name: f.name, type: f.type ?? 'unknown', flowId: f.flowId };
  if (f.toVersion) {
    // After a verified restore liveSince is the rollback's time; liveVersion() then replaces the version too.
    const publishedAt = f.liveSince ? Date.parse(f.liveSince) : undefined;
    return { ...base, version: f.toVersion, previousVersion: f.fromVersion, publishedAt };
  }
  return f.fromVersion ? { ...base, version: f.fromVersion, previousVersion: null } : undefined;
}

function liveVersion(f: DerivedFlow): LiveVersion | undefined {
  const before = liveBefore(f);
  const r = f.rollback;
  if (!r || !r.ok) return before;
  if (r.action !== 'republish' || !r.actual.version || !before) return undefined;
  return { ...before, version: r.actual.version, publishedAt: f.liveSince ? Date.parse(f.liveSince) : undefined };
}

/** Live at the end. A deploy: what it published. `command: rollback`: what it restored (a new published version). */
function publishedFlows(flows: DerivedFlow[], command: Command): PublishedFlow[] {
  return flows.flatMap((f): PublishedFlow[] => {
    if (command === 'rollback') {
      const r = f.rollback;
      if (!r?.ok || r.action !== 'republish' || !r.actual.version) return [];
      return [
        { name: f.name, type: r.type, flowId: r.flowId, fromVersion: f.rollbackFrom, toVersion: r.actual.version }
      ];
    }
    if (f.status !== 'published' || !f.flowId || !f.toVersion) return [];
    return [
      { name: f.name, type: f.type ?? 'unknown', flowId: f.flowId, fromVersion: f.fromVersion, toVersion: f.toVersion }
    ];
  });
}

/** The run as the journal tells it; `order` is the manifest's flow names (every list is in manifest order). */
export function runView(events: readonly JournalEvent[], order: readonly string[], command: Command): RunView {
  const d = deriveRelease(events);
  const flows = [...d.flows].sort(byManifestOrder(order));
  const live = new Map<string, LiveVersion>();
  for (const f of flows) {
    const v = liveVersion(f);
    if (v) live.set(f.name, v);
  }
  const rollback: DerivedRollback | null = d.rollbacks.at(-1) ?? null;
  return {
    flows,
    changed: flows
      .filter((f) => f.changedSeq !== null)
      .map(changedFact)
      .sort((a, b) => a.seq - b.seq),
    live,
    published: publishedFlows(flows, command),
    conflicts: flows.filter((f) => f.conflict !== null),
    inFlight: flows.filter((f) => f.inFlight !== null),
    rollback
  };
}
