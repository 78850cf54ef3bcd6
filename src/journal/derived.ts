// The shapes of the journal's one reading (derive.ts): what the audit document, the step summary, the outputs and the
// engine's own view of the run (view.ts) are built from. Plain data.
import type { ApiStats } from '../genesys/api.ts';
import type {
  CheckMeasurement,
  Command,
  ConflictEvidence,
  Outcome,
  PlanAction,
  PublishedFlow,
  RollbackFlowResult,
  ValidationIssue
} from '../domain/types.ts';
import type { EventDetails } from './events.ts';

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
  /** Seq of the event by which this release changed (or may have changed) the flow; null when it did not. */
  changedSeq: number | null;
  /** The version this release left published (toVersion, or the version read back after a failed publish). */
  leftVersion: string | null;
  /** When the final version went live in this run (publish, or the rollback that restored it). */
  liveSince: string | null;
  /** Another publisher's content is live under the version this release published (never rolled back over). */
  conflict: ConflictEvidence | null;
  /** What was running for the flow when the run was cancelled (it may still land). */
  inFlight: string | null;
  /** `command: rollback`: the version the flow published when its restore started. */
  rollbackFrom: string | null;
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
  /** `command: doctor`: the probes, in order. */
  probes: EventDetails['doctor-probe'][];
  /** Items validated (manifest flows), when known. */
  validated: number | null;
  published: PublishedFlow[];
  api: ApiStats | null;
  warnings: string[];
  errors: string[];
  cancelled: string | null;
  commit: EventDetails['commit'] | null;
}

export function emptyFlow(name: string): DerivedFlow {
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
    lockedBy: null,
    changedSeq: null,
    leftVersion: null,
    liveSince: null,
    conflict: null,
    inFlight: null,
    rollbackFrom: null
  };
}
