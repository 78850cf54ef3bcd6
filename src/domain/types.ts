// The shared vocabulary of the domain: every layer (manifest, engine, journal, evidence, git, action edge) speaks in
// these types. They carry no behaviour and import nothing but other vocabulary.
import type { ApiStats } from '../genesys/api.ts';

export type Command = 'deploy' | 'plan' | 'rollback' | 'doctor';
export type Outcome = 'succeeded' | 'rolled-back' | 'failed' | 'rollback-failed' | 'planned';
export type EventStatus = 'info' | 'ok' | 'warning' | 'error';

export interface RequestInfo {
  method: string;
  path: string;
  status?: number;
  correlationId?: string;
}

export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  /** Field path inside the file, e.g. `stages[1].checks[0]`. */
  path: string;
  message: string;
  /** How to fix it. */
  fix?: string;
}

export interface GithubContext {
  repository?: string;
  sha?: string;
  ref?: string;
  runId?: string;
  runAttempt?: string;
  actor?: string;
  event?: string;
  workflow?: string;
  serverUrl?: string;
}

export type PlanAction = 'create' | 'update' | 'unchanged' | 'skipped';

export interface PlannedFlow {
  name: string;
  type: string;
  stage: string;
  action: PlanAction;
  source: 'file' | 'draft';
  flowId?: string;
  /** Published version in the org when planned. */
  publishedVersion?: string;
  /** Draft promotion: the checked-in version to publish. */
  draftVersion?: string;
  /** sha256 of the substituted YAML (file flows). */
  contentHash?: string;
  reason: string;
  drift?: { recordedVersion: string; actualVersion?: string };
  lockedBy?: string;
}

export interface PublishedFlow {
  name: string;
  type: string;
  flowId: string;
  fromVersion: string | null;
  toVersion: string;
}

export interface CheckMeasurement {
  check: string;
  /** A registered check kind (src/checks/registry.ts). */
  kind: string;
  /** Which bake round (1-based) produced it; 0 for a re-check after rollback. */
  round: number;
  result: 'pass' | 'fail' | 'inconclusive' | 'pass-with-warning';
  /** Measured values, e.g. { failureRate: 0.12, samples: 140, previousFailureRate: 0.01 } or { status: 'COMPLETED' }. */
  measured: Record<string, unknown>;
  /** Thresholds, e.g. { max: 0.05, minSamples: 20 } or { status: 'COMPLETED', output: {...} }. */
  expected: Record<string, unknown>;
  message: string;
}

export interface RollbackFlowResult {
  name: string;
  type: string;
  flowId: string;
  action: 'republish' | 'delete';
  attempts: number;
  ok: boolean;
  expected: { version?: string; contentHash?: string; deleted?: boolean };
  actual: { version?: string; contentHash?: string; deleted?: boolean };
  error?: string;
}

export interface ExportedFlow {
  name: string;
  type: string;
  flowId: string;
  version: string;
  /** Normalised export YAML (see normalize.ts). */
  content: string;
  /** sha256 hex of `content`. */
  contentHash: string;
}

/** How a run ended, as the pipeline hands it to the reporter that writes the evidence and sets the step's status. */
export interface RunEnd {
  outcome: Outcome;
  published?: PublishedFlow[];
  api?: ApiStats;
  message?: string;
  /** Extra reason the step fails even if the outcome is good (e.g. the artifact push failed). */
  stepError?: string;
  commitSha?: string;
}

/** Who made a flow version and when it was published, as the org says (FlowVersion metadata). */
export interface VersionEvidence {
  version: string;
  createdByClient?: string;
  createdBy?: { id?: string; name?: string };
  datePublished?: string;
}

/** A version live in place of this release's, proved to be another publisher's (release/identity.ts). */
export interface ConflictEvidence extends VersionEvidence {
  /** This action's OAuth client, which would have created it. */
  expectedClient?: string;
}
