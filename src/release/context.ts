// What every part of the engine shares during one run, and small helpers for cancellation and error text.
//
// The engine's phases (release.ts lists them) each live in a file of their own — plan.ts, stage.ts (snapshot →
// publish → verify + bake), publish-flow.ts, verify.ts, bake.ts, auto-rollback.ts, finish.ts, rollback-command.ts —
// and receive one of the two contexts below:
// - EngineContext: the collaborators (Genesys API, journal, clock, logger, cancellation signal, HTTP for checks) and
//   the validated manifest with its final values (defaults are set once, by the manifest loader). The lower layers
//   (publish, wait, exports, checks, rollback mechanics) need nothing more.
// - RunContext: one run of a command: the EngineContext, the command's options, the run's working set, and view(),
//   the run's facts as the journal tells them.
//
// Fact or working data: every fact about the org (what was snapshotted, published, changed, refused, in flight,
// in conflict, restored) is appended to the journal when it happens and read back through view() — the same reading
// (journal/derive.ts) that builds the audit document and the summary. WorkingSet holds only what is not a fact:
// downloaded export contents and the callbacks that wait for a job cut short.
import type { Clock } from '../common/clock.ts';
import type { EventStatus } from '../domain/types.ts';
import type { JournalEvent, JournalSink } from '../journal/events.ts';
import type { RunView } from '../journal/view.ts';
import type { GenesysApi } from '../genesys/api.ts';
import { isGenesysError } from '../genesys/errors.ts';
import type { Logger } from '../common/log.ts';
import type { ReleaseManifest } from '../manifest/types.ts';
import type { ExportedVersion } from './exports.ts';
import type { HttpGet } from '../checks/types.ts';
import type { ReleaseOptions } from './types.ts';
import type { HistoryFlow, JobKind } from '../ledger/schema.ts';
import type { RunLedger } from './run-ledger.ts';

export interface EngineContext {
  api: GenesysApi;
  /** Where every fact goes; the engine's own view of the run is derived from it. */
  journal: JournalSink;
  /** All waiting goes through it (tests inject a FakeClock). */
  clock: Clock;
  log: Logger;
  /** Aborted on SIGTERM/SIGINT: nothing new is started (not even a rollback publish), waits end. */
  signal?: AbortSignal;
  /** For `http` checks. */
  httpGet: HttpGet;
  /** Validated, with final values (concurrency ≥ 1, check intervals clamped): the engine applies no defaults. */
  manifest: ReleaseManifest;
  releaseId: string;
  /**
   * Records a job in the ledger before it is handed to the platform (the upload, the publish request); resolves
   * once the record is durable. Absent without a ledger. A rejection means the change must not be made.
   */
  recordJob?: (flow: { name: string; type: string }, jobId: string, kind: JobKind) => Promise<void>;
  /**
   * The OAuth client id the action logged in with: a version this run publishes must name it as `createdByClient`
   * (identity.ts). Undefined only in tests that do not care; the identity check then falls back with a warning.
   */
  clientId?: string;
}

/** Working data of one run — not facts about the org (those are in the journal). */
export interface WorkingSet {
  /** The snapshot exports (content to restore), by flow id: taken once, before the first publish of the run. */
  snapshots?: Map<string, ExportedVersion>;
  /** Exports of the versions this run published and verified, by flow id: reused for the commit. */
  readonly verified: Map<string, ExportedVersion>;
  /** Waits for a publish job or operation cut short to end, by flow name: the rollback lets it land first. */
  readonly settle: Map<string, (deadlineAt: number) => Promise<void>>;
  /** How this command's flows go into the ledger's history (default: the deploy's, ledger-finish.ts). */
  history?: () => Promise<HistoryFlow[]>;
}

export interface RunContext {
  ctx: EngineContext;
  opts: ReleaseOptions;
  work: WorkingSet;
  /** The org's ledger for this run (absent without one). */
  ledger?: RunLedger;
  /** The journal's events since this run started (a test harness may run several releases into one journal). */
  events(): readonly JournalEvent[];
  /** The run's facts, derived from events() afresh on each call; lists are in manifest order. */
  view(): RunView;
}

/** Thrown (internally) when the run was cancelled; never escapes runRelease. */
export class CancelledError extends Error {
  constructor(reason: string) {
    super(`Cancelled: ${reason}`);
    this.name = 'CancelledError';
  }
}

export function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'aborted';
}

/** Call before every mutation: a cancelled run starts nothing new. */
export function throwIfCancelled(ctx: EngineContext): void {
  if (ctx.signal?.aborted) throw new CancelledError(abortReason(ctx.signal));
}

export function isCancellation(ctx: EngineContext, e: unknown): boolean {
  return e instanceof CancelledError || (ctx.signal?.aborted === true && e === ctx.signal.reason);
}

export function isNotFound(e: unknown): boolean {
  return isGenesysError(e) && e.kind === 'http' && e.status === 404;
}

export function logByStatus(ctx: EngineContext, status: EventStatus, message: string): void {
  if (status === 'error') ctx.log.error(message);
  else if (status === 'warning') ctx.log.warning(message);
  else ctx.log.info(message);
}

/** Flow.type comes back UPPERCASE, the manifest spells it lowercase. */
export function sameType(flowType: string | undefined, type: string): boolean {
  return (flowType ?? '').toLowerCase() === type.toLowerCase();
}
