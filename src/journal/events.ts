// The journal's typed events: the single source of truth for the audit document, the step summary and the outputs
// (both are pure functions of the event list). Event `details` never hold secrets; the journal redacts anyway.
import type { ApiStats } from '../genesys/api.ts';
import type {
  CheckMeasurement,
  Command,
  ConflictEvidence,
  EventStatus,
  GithubContext,
  Outcome,
  PlannedFlow,
  PublishedFlow,
  RequestInfo,
  RollbackFlowResult,
  ValidationIssue
} from '../domain/types.ts';

/** One flow of a dead run's unfinished release, as recovery found it. */
export interface RecoveryFlow {
  name: string;
  type: string;
  flowId?: string;
  /** The version before the dead run (null: it did not exist). */
  beforeVersion: string | null;
  /** Jobs the dead run registered for it. */
  jobs: string[];
  /** What is live now, who published it and when (null: the flow does not exist). */
  live: { version: string | null; createdBy?: string; createdByClient?: string; datePublished?: string } | null;
}

/** Event type → its details. */
export interface EventDetails {
  'release-started': {
    releaseId: string;
    command: Command;
    toolVersion: string;
    target: { region?: string; apiUrl: string; loginUrl: string };
    github: GithubContext;
    manifest: string;
    flowsFilter?: string[];
  };
  'validation-failed': {
    issues: ValidationIssue[];
    /** How many items (manifest flows / files) were validated, for the audit's validation error rate. */
    checked?: number;
  };
  plan: { flows: PlannedFlow[]; stages: { name: string; flows: string[]; bakeMs: number; checks: string[] }[] };
  'flow-unlocked': { flowId: string; lockedBy: string };
  'flow-refused': { flowId?: string; reason: string; lockedBy?: string };
  'drift-detected': { flowId: string; recordedVersion: string; actualVersion?: string };
  'stage-started': { index: number; name: string; flows: string[] };
  snapshot: { flowId: string; version: string; contentHash: string; exportJobId?: string };
  'publish-started': {
    flowId?: string;
    method: 'architect-job' | 'actions-publish';
    jobId?: string;
    fromVersion?: string | null;
  };
  'wait-progress': { what: string; id: string; state: string; elapsedMs: number };
  'publish-succeeded': {
    flowId: string;
    fromVersion: string | null;
    toVersion: string;
    jobId?: string;
    contentHash?: string;
    created: boolean;
    /** Identity evidence (release/identity.ts): the version live before the upload. */
    previousVersion?: string | null;
    /** The OAuth client that created the live version (this action's, unless `identity` is the fallback). */
    createdByClient?: string;
    createdBy?: { id?: string; name?: string };
    /** When the org says the version was published (ISO). */
    datePublished?: string;
    /** How the version was proved to be this release's: `client` or the fallback `ordering-and-time`. */
    identity?: 'client' | 'ordering-and-time';
  };
  'publish-failed': {
    flowId?: string;
    jobId?: string;
    error: string;
    messages?: string[];
    timedOut?: boolean;
    /**
     * Whether the org changed (read back after the failure): true, false, or null when it could not be determined
     * (the rollback then restores the flow anyway). Absent: not changed (the publish never started).
     */
    changed?: boolean | null;
    /** The published version read back after the failure, when known. */
    toVersion?: string;
    /**
     * Set when the live version is another publisher's (release/identity.ts): who created it and when it was
     * published, as the org says; the flow is not this release's to roll back.
     */
    conflict?: ConflictEvidence;
  };
  'bake-started': { bakeMs: number; intervalMs: number };
  'check-result': CheckMeasurement;
  'stage-succeeded': { name: string };
  'stage-failed': { name: string; reason: string };
  'rollback-started': {
    reason: string;
    /** The flows to restore, in rollback order. */
    flows: string[];
    /** `command: rollback`: the version each flow published when the restore started (null: none), by flow name. */
    fromVersions?: Record<string, string | null>;
  };
  'rollback-flow': RollbackFlowResult;
  'rollback-finished': { ok: boolean; flows: RollbackFlowResult[] };
  export: { flowId: string; version: string; contentHash: string; path: string };
  commit: { sha?: string; files: string[]; pushed: boolean; attempts: number; error?: string; skipped?: string };
  warning: {
    message: string;
    /** Cancelled while a change for the event's flow was with the platform: it may still land (state unknown). */
    inFlight?: { what: string; flowId?: string };
  };
  error: { message: string; error?: unknown };
  cancelled: { signal: string };
  /** `command: doctor`: one read-only probe of the org (src/doctor/). */
  'doctor-probe': {
    name: string;
    /** False only for a failed probe (a warning passes). */
    ok: boolean;
    result: 'ok' | 'warn' | 'fail' | 'skipped';
    /** A failed required probe fails the doctor. */
    required: boolean;
    observed: string;
    expected?: string;
    /** What to do (warn, fail), or why the probe was skipped. */
    fix?: string;
  };
  /** The org's release ledger as read before anything else (docs/state.md). */
  'ledger-read': {
    orgId: string;
    orgName?: string;
    /** Where the ledger lives, e.g. `branch flow-release-state of origin`. */
    location: string;
    branch: string;
    /** The revision read (a commit sha); null when nothing was ever written. */
    rev: string | null;
    releases: number;
    inProgress?: { releaseId: string; runUrl?: string; startedAt: string };
    lock?: { holder: string; runUrl?: string; leaseUntil: string };
  };
  'lock-acquired': { orgId: string; holder: string; leaseUntil: string };
  'lock-taken-over': {
    orgId: string;
    from: string;
    fromRunUrl?: string;
    fromLeaseUntil: string;
    reason: 'explicit' | 'lease-expired';
  };
  'lock-released': {
    orgId: string;
    holder: string;
    /** Ledger pushes this run made. */
    pushes: number;
    /** What was left for the next run, when something was. */
    note?: string;
  };
  /** A dead run's unfinished release, found in the ledger: what it may have changed and what is live now. */
  'recovery-started': {
    releaseId: string;
    runUrl?: string;
    startedAt: string;
    onUnfinished: 'restore' | 'stop';
    flows: RecoveryFlow[];
  };
  'recovery-finished': {
    releaseId: string;
    ok: boolean;
    /** Restores to each flow's last known-good content, verified (delete for a flow the dead run created). */
    flows: RollbackFlowResult[];
    /** The history entry of the recovery itself. */
    recordedAs?: string;
  };
  /** A flow of the manifest's `retired:` list deleted (or not) after every stage succeeded. */
  'flow-retired': { flowId: string; type: string; version: string; deleted: boolean; error?: string };
  /** Flows of the last release that the manifest no longer names: still live, no longer managed. */
  'orphaned-flows': { flows: { name: string; type: string; id: string; version: string | null }[] };
  'release-finished': {
    outcome: Outcome;
    durationMs: number;
    published: PublishedFlow[];
    api: ApiStats;
    message?: string;
  };
}

export type EventType = keyof EventDetails;

export interface EventInit<T extends EventType = EventType> {
  stage?: string;
  flow?: string;
  status: EventStatus;
  latencyMs?: number;
  request?: RequestInfo;
  details: EventDetails[T];
}

export type JournalEvent<T extends EventType = EventType> = {
  [K in T]: {
    seq: number;
    /** ISO-8601 time from the injected clock. */
    at: string;
    type: K;
    stage?: string;
    flow?: string;
    status: EventStatus;
    latencyMs?: number;
    request?: RequestInfo;
    details: EventDetails[K];
    /** sha256 (hex) of the previous event's canonical JSON; 64 zeros for the first. */
    prevHash: string;
  };
}[T];

/** What the engine writes to. Implemented by the file-backed journal in journal.ts. */
export interface JournalSink {
  append<T extends EventType>(type: T, init: EventInit<T>): JournalEvent<T>;
  readonly events: readonly JournalEvent[];
}
