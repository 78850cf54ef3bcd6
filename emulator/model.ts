// The records of the emulated org (flows, their versions and publish operations) and the error the API answers with.
// Plain data: the behaviour lives in the modules that change it (publishing, jobs, executions).
import { createHash } from 'node:crypto';
import type { ArchyVariable } from './archy.ts';
import type { TrafficModel } from './scenario.ts';

export interface Named {
  id: string;
  name: string;
}

/** A data action: the action `name` of the integration `category` (absent: seeded by name only, any integration). */
export interface DataActionRecord extends Named {
  category?: string;
}

export interface VersionRecord {
  id: string;
  number: number;
  type: 'PUBLISH' | 'CHECKIN';
  yaml: string;
  sha256: string;
  dateCreated: number;
  datePublished?: number;
  datePublishedEnd?: number;
  /** The user who created the version; absent when a client-credentials client did (no user involved). */
  createdBy?: Named;
  /** The OAuth client whose token created the version (Architect job or actions/publish). */
  createdByClient?: string;
  /** The user who published it (`Flow.publishedBy`); absent when a client-credentials client did. */
  publishedBy?: Named;
  /** Traffic while this version is published (a snapshot: faults added later do not rewrite history). */
  traffic?: TrafficModel;
  variables: ArchyVariable[];
}

export interface OperationRecord {
  id: string;
  actionName: 'PUBLISH';
  actionStatus: 'STARTED' | 'SUCCESS' | 'FAILURE';
  complete: boolean;
  clientId: string;
  errorMessage?: string;
  errorCode?: string;
}

export interface PublishRecord {
  version: string;
  at: number;
  source: string;
  sha256: string;
  /** The same content as the version it replaced (a re-sent publish). */
  duplicate: boolean;
}

export interface FlowRecord {
  id: string;
  name: string;
  type: string;
  description?: string;
  division: Named;
  deleted: boolean;
  versions: VersionRecord[];
  publishedVersionId?: string;
  checkedInVersionId?: string;
  lockedUser?: Named;
  currentOperation?: OperationRecord;
  traffic?: TrafficModel;
  executionOutput: Record<string, unknown>;
  publishes: PublishRecord[];
}

/** An error the API answers with a Genesys error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>[];
  constructor(status: number, code: string, message: string, details: Record<string, unknown>[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
export const iso = (ms: number) => new Date(ms).toISOString();
