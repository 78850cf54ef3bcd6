// The journal's one reading, event by event: each event type updates the flows, stages, rollbacks or release-level
// facts it speaks about. derive.ts runs these over the whole journal and then draws the conclusions.
import type { Command, PlannedFlow } from '../domain/types.ts';
import {
  emptyFlow,
  type DerivedFlow,
  type DerivedRelease,
  type DerivedRollback,
  type DerivedStage
} from './derived.ts';
import type { EventDetails, JournalEvent } from './events.ts';

/** What the reading carries from one event to the next. */
export interface Reading {
  d: DerivedRelease;
  flows: Map<string, DerivedFlow>;
  stages: Map<string, DerivedStage>;
  finished: EventDetails['release-finished'] | null;
  /** The rollback whose rollback-finished has not been read yet. */
  rollback: DerivedRollback | null;
  stageFailures: string[];
  publishFailures: string[];
}

export function flowOf(r: Reading, name: string): DerivedFlow {
  let f = r.flows.get(name);
  if (!f) r.flows.set(name, (f = emptyFlow(name)));
  return f;
}

function stageOf(r: Reading, name: string): DerivedStage {
  let s = r.stages.get(name);
  if (!s) {
    s = {
      index: r.stages.size,
      name,
      flows: [],
      bakeMs: null,
      checks: [],
      startedAt: null,
      finishedAt: null,
      status: 'pending',
      reason: null
    };
    r.stages.set(name, s);
  }
  return s;
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

function readPlan(r: Reading, e: JournalEvent<'plan'>): void {
  for (const s of e.details.stages) {
    const st = stageOf(r, s.name);
    st.flows = [...s.flows];
    st.bakeMs = s.bakeMs;
    st.checks = [...s.checks];
  }
  for (const p of e.details.flows) {
    applyPlan(flowOf(r, p.name), p, r.d.command);
    const st = stageOf(r, p.stage);
    if (!st.flows.includes(p.name)) st.flows.push(p.name);
  }
  r.d.validated ??= e.details.flows.length;
}

function readPublishSucceeded(r: Reading, e: JournalEvent<'publish-succeeded'>, flow: string): void {
  const f = flowOf(r, flow);
  f.status = 'published';
  f.flowId = e.details.flowId;
  f.fromVersion = e.details.fromVersion;
  f.toVersion = e.details.toVersion;
  f.finalVersion = e.details.toVersion;
  f.created = e.details.created;
  if (e.details.contentHash) f.contentHash = e.details.contentHash;
  if (e.stage && !f.stage) f.stage = e.stage;
  f.changedSeq = e.seq;
  f.leftVersion = e.details.toVersion;
  f.liveSince = e.at;
}

function readPublishFailed(r: Reading, e: JournalEvent<'publish-failed'>): void {
  if (!e.flow) {
    r.publishFailures.push(e.details.error);
    return;
  }
  const f = flowOf(r, e.flow);
  f.status = 'publish-failed';
  f.error = [e.details.error, ...(e.details.messages ?? [])].join('; ');
  if (e.details.flowId) f.flowId = e.details.flowId;
  r.publishFailures.push(`${e.flow}: ${e.details.error}`);
  if (e.details.conflict) {
    // Another publisher's content is live: not this release's change any more, never rolled back over.
    f.conflict = e.details.conflict;
    f.changedSeq = null;
    f.leftVersion = null;
    f.liveSince = null;
  } else if (e.details.changed === true || e.details.changed === null) {
    // Changed, or not known: the rollback must restore it (it reads the state back first).
    f.changedSeq = e.seq;
    f.leftVersion = e.details.toVersion ?? null;
  }
}

/** plan, flow-refused, drift-detected, flow-unlocked, snapshot, publish-*, warning: facts about one flow. */
function readFlowEvent(r: Reading, e: JournalEvent): boolean {
  switch (e.type) {
    case 'plan':
      readPlan(r, e);
      return true;
    case 'flow-refused':
      if (e.flow) {
        const f = flowOf(r, e.flow);
        f.status = 'refused';
        f.error = e.details.reason;
        f.flowId = e.details.flowId ?? f.flowId;
        f.lockedBy = e.details.lockedBy ?? f.lockedBy;
      }
      return true;
    case 'drift-detected':
      if (e.flow) {
        flowOf(r, e.flow).drift = {
          recordedVersion: e.details.recordedVersion,
          actualVersion: e.details.actualVersion
        };
      }
      return true;
    case 'flow-unlocked':
      if (e.flow) flowOf(r, e.flow).lockedBy = e.details.lockedBy;
      return true;
    case 'snapshot':
      if (e.flow) {
        const f = flowOf(r, e.flow);
        f.flowId = e.details.flowId;
        f.snapshot = { version: e.details.version, contentHash: e.details.contentHash };
        f.fromVersion ??= e.details.version;
        if (e.stage && !f.stage) f.stage = e.stage;
      }
      return true;
    case 'publish-started':
      if (e.flow) {
        const f = flowOf(r, e.flow);
        f.status = 'publishing';
        if (e.details.flowId) f.flowId = e.details.flowId;
        if (e.details.fromVersion !== undefined) f.fromVersion = e.details.fromVersion;
        if (e.stage && !f.stage) f.stage = e.stage;
      }
      return true;
    case 'publish-succeeded':
      if (e.flow) readPublishSucceeded(r, e, e.flow);
      return true;
    case 'publish-failed':
      readPublishFailed(r, e);
      return true;
    case 'warning':
      r.d.warnings.push(e.details.message);
      if (e.flow && e.details.inFlight) flowOf(r, e.flow).inFlight = e.details.inFlight.what;
      return true;
    case 'export':
      if (e.flow) {
        flowOf(r, e.flow).export = {
          version: e.details.version,
          contentHash: e.details.contentHash,
          path: e.details.path
        };
      }
      return true;
    default:
      return false;
  }
}

function openRollback(r: Reading, at: string): DerivedRollback {
  if (!r.rollback) {
    r.rollback = { reason: 'unknown', startedAt: at, finishedAt: null, ok: null, flows: [] };
    r.d.rollbacks.push(r.rollback);
  }
  return r.rollback;
}

/** stage-*, check-result, rollback-*: the stages' course and the rollbacks. */
function readStageEvent(r: Reading, e: JournalEvent): boolean {
  switch (e.type) {
    case 'stage-started': {
      const st = stageOf(r, e.details.name);
      st.index = e.details.index;
      st.startedAt = e.at;
      st.status = 'running';
      for (const n of e.details.flows) if (!st.flows.includes(n)) st.flows.push(n);
      return true;
    }
    case 'check-result':
      r.d.checks.push({ ...e.details, stage: e.stage ?? null, flow: e.flow ?? null, at: e.at, seq: e.seq });
      return true;
    case 'stage-succeeded': {
      const st = stageOf(r, e.details.name);
      st.status = 'succeeded';
      st.finishedAt = e.at;
      return true;
    }
    case 'stage-failed': {
      const st = stageOf(r, e.details.name);
      st.status = 'failed';
      st.finishedAt = e.at;
      st.reason = e.details.reason;
      r.stageFailures.push(`stage ${e.details.name}: ${e.details.reason}`);
      return true;
    }
    case 'rollback-started':
      r.rollback = { reason: e.details.reason, startedAt: e.at, finishedAt: null, ok: null, flows: [] };
      r.d.rollbacks.push(r.rollback);
      for (const [name, v] of Object.entries(e.details.fromVersions ?? {})) flowOf(r, name).rollbackFrom = v;
      return true;
    case 'rollback-flow': {
      const rb = openRollback(r, e.at);
      rb.flows = rb.flows.filter((x) => x.name !== e.details.name).concat(e.details);
      return true;
    }
    case 'rollback-finished': {
      const rb = openRollback(r, e.at);
      rb.finishedAt = e.at;
      rb.ok = e.details.ok;
      if (e.details.flows.length) rb.flows = [...e.details.flows];
      r.rollback = null;
      return true;
    }
    default:
      return false;
  }
}

/** Everything about the release as a whole. */
function readReleaseEvent(r: Reading, e: JournalEvent): void {
  const d = r.d;
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
    case 'commit':
      d.commit = e.details;
      break;
    case 'doctor-probe':
      d.probes.push(e.details);
      break;
    case 'error':
      d.errors.push(e.details.message);
      break;
    case 'cancelled':
      // The first one is the signal itself (main.ts); later ones are the engine's, carrying the abort message.
      d.cancelled ??= e.details.signal;
      break;
    case 'release-finished':
      r.finished = e.details;
      d.finishedAt = e.at;
      break;
    default:
      break;
  }
}

export function readEvent(r: Reading, e: JournalEvent): void {
  if (readFlowEvent(r, e) || readStageEvent(r, e)) return;
  readReleaseEvent(r, e);
}
