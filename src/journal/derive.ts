// One reading of the journal shared by the audit document, the step summary, the outputs and the engine's view of
// its own run (view.ts), so they can never disagree about what happened. Pure: events in, plain data out. The
// per-event reading is in derive-events.ts; the outcome of an unfinished journal is outcome.ts's rule.
import type { PlanAction } from '../domain/types.ts';
import { readEvent, flowOf, type Reading } from './derive-events.ts';
import type { DerivedRelease } from './derived.ts';
import type { EventDetails, JournalEvent } from './events.ts';
import { unfinishedOutcome } from './outcome.ts';

export type {
  DerivedCheck,
  DerivedFlow,
  DerivedRelease,
  DerivedRollback,
  DerivedStage,
  FlowStatus
} from './derived.ts';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 1000 && ms > 0 ? `${ms}ms` : `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m` : sec ? `${m}m ${sec}s` : `${m}m`;
}

function emptyRelease(events: readonly JournalEvent[]): DerivedRelease {
  return {
    started: null,
    releaseId: null,
    command: null,
    outcome: 'failed',
    incomplete: true,
    reason: '',
    notes: [],
    startedAt: events[0]?.at ?? null,
    finishedAt: events.at(-1)?.at ?? null,
    durationMs: 0,
    stages: [],
    flows: [],
    checks: [],
    rollbacks: [],
    validationIssues: [],
    probes: [],
    validated: null,
    published: [],
    api: null,
    warnings: [],
    errors: [],
    cancelled: null,
    commit: null
  };
}

/** Rollback results override the publish state: what is live at the end is what the rollback left. */
function applyRollbacks(r: Reading): void {
  for (const rb of r.d.rollbacks) {
    for (const x of rb.flows) {
      const f = flowOf(r, x.name);
      f.rollback = x;
      f.type ??= x.type;
      f.flowId ??= x.flowId;
      f.status = x.ok ? 'rolled-back' : 'rollback-failed';
      if (x.ok) {
        f.finalVersion = x.actual.deleted ? null : (x.actual.version ?? x.expected.version ?? null);
        f.liveSince = x.action === 'republish' ? rb.finishedAt : null;
      } else {
        f.finalVersion = x.actual.version ?? null;
        f.error = x.error ?? f.error;
      }
    }
  }
}

/** A cancelled or crashed run: outcome.ts's rule, and what the journal proves was published. */
function concludeUnfinished(d: DerivedRelease, events: readonly JournalEvent[]): void {
  d.outcome = unfinishedOutcome(events);
  d.durationMs = d.startedAt && d.finishedAt ? Math.max(0, Date.parse(d.finishedAt) - Date.parse(d.startedAt)) : 0;
  d.notes.push(
    d.cancelled
      ? `The run was cancelled (${d.cancelled}) before the release finished; the journal ends at event ${events.at(-1)?.seq ?? 0}.`
      : `The journal ends without a release-finished event (the run crashed or was killed); last event ${events.at(-1)?.seq ?? 0}.`
  );
  d.published = d.flows
    .filter((f) => f.status === 'published' && f.flowId && f.toVersion)
    .map((f) => ({
      name: f.name,
      type: f.type ?? 'unknown',
      flowId: f.flowId as string,
      fromVersion: f.fromVersion,
      toVersion: f.toVersion as string
    }));
}

function conclude(
  d: DerivedRelease,
  finished: EventDetails['release-finished'] | null,
  events: readonly JournalEvent[]
) {
  d.incomplete = finished === null;
  if (finished) {
    d.outcome = finished.outcome;
    d.durationMs = finished.durationMs;
    d.api = finished.api;
    d.published = finished.published;
  } else concludeUnfinished(d, events);
  if (d.cancelled && finished) d.notes.push(`The run was cancelled (${d.cancelled}).`);
  if (!d.started) d.notes.push('The journal has no release-started event: release id, command and target are unknown.');
}

export function deriveRelease(events: readonly JournalEvent[]): DerivedRelease {
  const r: Reading = {
    d: emptyRelease(events),
    flows: new Map(),
    stages: new Map(),
    finished: null,
    rollback: null,
    stageFailures: [],
    publishFailures: []
  };
  for (const e of events) readEvent(r, e);
  applyRollbacks(r);
  const d = r.d;
  d.flows = [...r.flows.values()];
  d.stages = [...r.stages.values()].sort((a, b) => a.index - b.index);
  conclude(d, r.finished, events);
  d.reason = reasonFor(d, r.finished?.message, r.stageFailures, r.publishFailures);
  return d;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reasonFor(
  d: DerivedRelease,
  message: string | undefined,
  stageFailures: string[],
  publishFailures: string[]
): string {
  const failedRollbacks = d.rollbacks.flatMap((r) => r.flows.filter((f) => !f.ok));
  switch (d.outcome) {
    case 'succeeded': {
      const n = d.published.length;
      const stagesRun = d.stages.filter((s) => s.status === 'succeeded').length;
      if (message) return message;
      return n === 0
        ? 'Nothing to release: every flow is already live at the planned version.'
        : `${plural(n, 'flow')} published in ${plural(stagesRun, 'stage')}, every health check passed.`;
    }
    case 'planned': {
      if (message) return message;
      const count = (a: PlanAction) => d.flows.filter((f) => f.action === a).length;
      const changes = count('create') + count('update');
      return `${plural(changes, 'flow')} would change (${count('create')} create, ${count('update')} update), ${count('unchanged')} unchanged.`;
    }
    case 'rolled-back': {
      const cause = stageFailures[0] ?? d.rollbacks[0]?.reason ?? message ?? 'a stage failed';
      const n = d.rollbacks.flatMap((r) => r.flows).length;
      return `Rolled back ${plural(n, 'flow')} (verified) after ${cause}`;
    }
    case 'rollback-failed': {
      const which = failedRollbacks.map((f) => `${f.name}${f.error ? ` (${f.error})` : ''}`).join(', ');
      return `Rollback failed${which ? ` for ${which}` : ''}${stageFailures[0] ? ` after ${stageFailures[0]}` : ''}: the org needs manual attention.`;
    }
    case 'failed':
    default: {
      if (d.validationIssues.length) {
        return `${plural(d.validationIssues.length, 'validation issue')} found; nothing was published.`;
      }
      const cause = message ?? d.errors.at(-1) ?? publishFailures[0] ?? stageFailures[0];
      if (d.incomplete) return d.notes[0] ?? 'The run did not finish.';
      return cause ?? 'The release failed.';
    }
  }
}
