// One reading of the journal shared by the audit document, the step summary and the outputs, so the three can never
// disagree about what happened. Pure: events in, plain data out.
import type { ApiStats } from '../genesys/api.ts';
import type {
  CheckMeasurement,
  Command,
  Outcome,
  PlanAction,
  PlannedFlow,
  PublishedFlow,
  RollbackFlowResult,
  ValidationIssue
} from '../domain/types.ts';
import type { EventDetails, JournalEvent } from './events.ts';

export type FlowStatus =
  | 'planned'
  | 'unchanged'
  | 'skipped'
  | 'refused'
  | 'not-started'
  | 'publishing'
  | 'published'
  | 'publish-failed'
  | 'rolled-back'
  | 'rollback-failed';

export interface DerivedFlow {
  name: string;
  type: string | null;
  flowId: string | null;
  stage: string | null;
  action: PlanAction | null;
  source: 'file' | 'draft' | null;
  reason: string | null;
  /** Published version before this release (null: the flow did not exist). */
  fromVersion: string | null;
  /** Version this release published, if it did. */
  toVersion: string | null;
  /** What is live at the end: toVersion, or what the rollback restored (null when deleted or unknown). */
  finalVersion: string | null;
  contentHash: string | null;
  snapshot: { version: string; contentHash: string } | null;
  created: boolean;
  status: FlowStatus;
  error: string | null;
  rollback: RollbackFlowResult | null;
  export: { version: string; contentHash: string; path: string } | null;
  drift: { recordedVersion: string; actualVersion?: string } | null;
  lockedBy: string | null;
}

export interface DerivedStage {
  index: number;
  name: string;
  flows: string[];
  bakeMs: number | null;
  checks: string[];
  startedAt: string | null;
  finishedAt: string | null;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  reason: string | null;
}

export interface DerivedCheck extends CheckMeasurement {
  stage: string | null;
  flow: string | null;
  at: string;
  seq: number;
}

export interface DerivedRollback {
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  flows: RollbackFlowResult[];
}

export interface DerivedRelease {
  started: EventDetails['release-started'] | null;
  releaseId: string | null;
  command: Command | null;
  outcome: Outcome;
  /** True when the journal ends without `release-finished` (cancelled or crashed run). */
  incomplete: boolean;
  reason: string;
  notes: string[];
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number;
  stages: DerivedStage[];
  flows: DerivedFlow[];
  checks: DerivedCheck[];
  rollbacks: DerivedRollback[];
  validationIssues: ValidationIssue[];
  /** Items validated (manifest flows), when known. */
  validated: number | null;
  published: PublishedFlow[];
  api: ApiStats | null;
  warnings: string[];
  errors: string[];
  cancelled: string | null;
  commit: EventDetails['commit'] | null;
  artifact: EventDetails['artifact'] | null;
}

function emptyFlow(name: string): DerivedFlow {
  return {
    name,
    type: null,
    flowId: null,
    stage: null,
    action: null,
    source: null,
    reason: null,
    fromVersion: null,
    toVersion: null,
    finalVersion: null,
    contentHash: null,
    snapshot: null,
    created: false,
    status: 'not-started',
    error: null,
    rollback: null,
    export: null,
    drift: null,
    lockedBy: null
  };
}

function applyPlan(f: DerivedFlow, p: PlannedFlow, command: Command | null): void {
  f.type = p.type;
  f.flowId = p.flowId ?? f.flowId;
  f.stage = p.stage;
  f.action = p.action;
  f.source = p.source;
  f.reason = p.reason;
  f.fromVersion = p.publishedVersion ?? null;
  f.finalVersion = p.publishedVersion ?? null;
  f.contentHash = p.contentHash ?? null;
  f.drift = p.drift ?? f.drift;
  f.lockedBy = p.lockedBy ?? f.lockedBy;
  f.status =
    p.action === 'unchanged'
      ? 'unchanged'
      : p.action === 'skipped'
        ? 'skipped'
        : command === 'plan'
          ? 'planned'
          : 'not-started';
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 1000 && ms > 0 ? `${ms}ms` : `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m` : sec ? `${m}m ${sec}s` : `${m}m`;
}

export function deriveRelease(events: readonly JournalEvent[]): DerivedRelease {
  const flows = new Map<string, DerivedFlow>();
  const flow = (name: string): DerivedFlow => {
    let f = flows.get(name);
    if (!f) flows.set(name, (f = emptyFlow(name)));
    return f;
  };
  const stages = new Map<string, DerivedStage>();
  const stage = (name: string): DerivedStage => {
    let s = stages.get(name);
    if (!s) {
      stages.set(
        name,
        (s = {
          index: stages.size,
          name,
          flows: [],
          bakeMs: null,
          checks: [],
          startedAt: null,
          finishedAt: null,
          status: 'pending',
          reason: null
        })
      );
    }
    return s;
  };
  const d: DerivedRelease = {
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
    validated: null,
    published: [],
    api: null,
    warnings: [],
    errors: [],
    cancelled: null,
    commit: null,
    artifact: null
  };
  let finished: EventDetails['release-finished'] | null = null;
  let rollback: DerivedRollback | null = null;
  const stageFailures: string[] = [];
  const publishFailures: string[] = [];

  for (const e of events) {
    switch (e.type) {
      case 'release-started':
        d.started = e.details;
        d.releaseId = e.details.releaseId;
        d.command = e.details.command;
        d.startedAt = e.at;
        break;
      case 'validation-failed':
        d.validationIssues.push(...e.details.issues);
        if (typeof e.details.checked === 'number') d.validated = e.details.checked;
        break;
      case 'plan':
        for (const s of e.details.stages) {
          const st = stage(s.name);
          st.flows = [...s.flows];
          st.bakeMs = s.bakeMs;
          st.checks = [...s.checks];
        }
        for (const p of e.details.flows) {
          applyPlan(flow(p.name), p, d.command);
          const st = stage(p.stage);
          if (!st.flows.includes(p.name)) st.flows.push(p.name);
        }
        d.validated ??= e.details.flows.length;
        break;
      case 'flow-refused':
        if (e.flow) {
          const f = flow(e.flow);
          f.status = 'refused';
          f.error = e.details.reason;
          f.flowId = e.details.flowId ?? f.flowId;
          f.lockedBy = e.details.lockedBy ?? f.lockedBy;
        }
        break;
      case 'drift-detected':
        if (e.flow) {
          flow(e.flow).drift = { recordedVersion: e.details.recordedVersion, actualVersion: e.details.actualVersion };
        }
        break;
      case 'flow-unlocked':
        if (e.flow) flow(e.flow).lockedBy = e.details.lockedBy;
        break;
      case 'stage-started': {
        const st = stage(e.details.name);
        st.index = e.details.index;
        st.startedAt = e.at;
        st.status = 'running';
        for (const n of e.details.flows) if (!st.flows.includes(n)) st.flows.push(n);
        break;
      }
      case 'snapshot':
        if (e.flow) {
          const f = flow(e.flow);
          f.flowId = e.details.flowId;
          f.snapshot = { version: e.details.version, contentHash: e.details.contentHash };
          f.fromVersion ??= e.details.version;
          if (e.stage && !f.stage) f.stage = e.stage;
        }
        break;
      case 'publish-started':
        if (e.flow) {
          const f = flow(e.flow);
          f.status = 'publishing';
          if (e.details.flowId) f.flowId = e.details.flowId;
          if (e.details.fromVersion !== undefined) f.fromVersion = e.details.fromVersion;
          if (e.stage && !f.stage) f.stage = e.stage;
        }
        break;
      case 'publish-succeeded':
        if (e.flow) {
          const f = flow(e.flow);
          f.status = 'published';
          f.flowId = e.details.flowId;
          f.fromVersion = e.details.fromVersion;
          f.toVersion = e.details.toVersion;
          f.finalVersion = e.details.toVersion;
          f.created = e.details.created;
          if (e.details.contentHash) f.contentHash = e.details.contentHash;
          if (e.stage && !f.stage) f.stage = e.stage;
        }
        break;
      case 'publish-failed':
        if (e.flow) {
          const f = flow(e.flow);
          f.status = 'publish-failed';
          f.error = [e.details.error, ...(e.details.messages ?? [])].join('; ');
          if (e.details.flowId) f.flowId = e.details.flowId;
          publishFailures.push(`${e.flow}: ${e.details.error}`);
        } else publishFailures.push(e.details.error);
        break;
      case 'check-result':
        d.checks.push({ ...e.details, stage: e.stage ?? null, flow: e.flow ?? null, at: e.at, seq: e.seq });
        break;
      case 'stage-succeeded': {
        const st = stage(e.details.name);
        st.status = 'succeeded';
        st.finishedAt = e.at;
        break;
      }
      case 'stage-failed': {
        const st = stage(e.details.name);
        st.status = 'failed';
        st.finishedAt = e.at;
        st.reason = e.details.reason;
        stageFailures.push(`stage ${e.details.name}: ${e.details.reason}`);
        break;
      }
      case 'rollback-started':
        rollback = { reason: e.details.reason, startedAt: e.at, finishedAt: null, ok: null, flows: [] };
        d.rollbacks.push(rollback);
        break;
      case 'rollback-flow': {
        if (!rollback) {
          rollback = { reason: 'unknown', startedAt: e.at, finishedAt: null, ok: null, flows: [] };
          d.rollbacks.push(rollback);
        }
        rollback.flows = rollback.flows.filter((r) => r.name !== e.details.name).concat(e.details);
        break;
      }
      case 'rollback-finished':
        if (!rollback) {
          rollback = { reason: 'unknown', startedAt: e.at, finishedAt: null, ok: null, flows: [] };
          d.rollbacks.push(rollback);
        }
        rollback.finishedAt = e.at;
        rollback.ok = e.details.ok;
        if (e.details.flows.length) rollback.flows = [...e.details.flows];
        rollback = null;
        break;
      case 'export':
        if (e.flow) {
          flow(e.flow).export = {
            version: e.details.version,
            contentHash: e.details.contentHash,
            path: e.details.path
          };
        }
        break;
      case 'commit':
        d.commit = e.details;
        break;
      case 'artifact':
        d.artifact = e.details;
        break;
      case 'warning':
        d.warnings.push(e.details.message);
        break;
      case 'error':
        d.errors.push(e.details.message);
        break;
      case 'cancelled':
        // The first one is the signal itself (main.ts); later ones are the engine's, carrying the abort message.
        d.cancelled ??= e.details.signal;
        break;
      case 'release-finished':
        finished = e.details;
        d.finishedAt = e.at;
        break;
      default:
        break;
    }
  }

  // Rollback results override the publish state: what is live at the end is what the rollback left.
  for (const rb of d.rollbacks) {
    for (const r of rb.flows) {
      const f = flow(r.name);
      f.rollback = r;
      f.type ??= r.type;
      f.flowId ??= r.flowId;
      f.status = r.ok ? 'rolled-back' : 'rollback-failed';
      if (r.ok) f.finalVersion = r.actual.deleted ? null : (r.actual.version ?? r.expected.version ?? null);
      else {
        f.finalVersion = r.actual.version ?? null;
        f.error = r.error ?? f.error;
      }
    }
  }

  d.flows = [...flows.values()];
  d.stages = [...stages.values()].sort((a, b) => a.index - b.index);
  d.incomplete = finished === null;
  const rollbackBroken = d.rollbacks.some((r) => r.ok === false || r.flows.some((f) => !f.ok));

  if (finished) {
    d.outcome = finished.outcome;
    d.durationMs = finished.durationMs;
    d.api = finished.api;
    d.published = finished.published;
  } else {
    // A cancelled or crashed run: report the worst thing the journal proves.
    d.outcome = rollbackBroken ? 'rollback-failed' : 'failed';
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
  if (d.cancelled && finished) d.notes.push(`The run was cancelled (${d.cancelled}).`);
  if (!d.started) d.notes.push('The journal has no release-started event: release id, command and target are unknown.');

  d.reason = reasonFor(d, finished?.message, stageFailures, publishFailures);
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
