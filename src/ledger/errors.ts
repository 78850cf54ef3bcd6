// The ledger's errors. Every message is scrubbed of registered secrets and of credentials embedded in URLs, so it can
// be logged or reported as it is, and every message says what to do about it.
import { scrub } from '../git/errors.ts';

export type LedgerErrorKind =
  /** The document exists but is not JSON, or does not match the schema (or is of a newer version): never rewritten. */
  | 'corrupt'
  /** The state branch could not be fetched or read (network, permissions, not a repository). */
  | 'unreadable'
  /** An org id, branch, remote, blob address or document given to the ledger is invalid; nothing was written. */
  | 'invalid-input'
  /** A blob is missing or its content does not match its address. */
  | 'blob'
  /** Every compare-and-swap attempt lost the race: someone keeps changing the state branch. */
  | 'conflict'
  /** The remote refused the push (protected branch, permissions, hook), or git failed while writing. */
  | 'write-failed';

export class LedgerError extends Error {
  readonly kind: LedgerErrorKind;
  constructor(kind: LedgerErrorKind, message: string) {
    super(scrub(message));
    this.name = 'LedgerError';
    this.kind = kind;
  }
}

export interface LockHolder {
  holder: string;
  runUrl?: string | undefined;
  actor?: string | undefined;
  acquiredAt: string;
  leaseUntil: string;
}

/** The org's lock is held by another release: names the holder, its run, the lease end and what to do. */
export class LockHeldError extends Error {
  readonly orgId: string;
  readonly lock: LockHolder;
  /** The lease had ended when the lock was checked (the holder may be dead). */
  readonly leaseExpired: boolean;
  constructor(orgId: string, lock: LockHolder, leaseExpired: boolean, detail = '') {
    const run = lock.runUrl ? ` (run ${lock.runUrl})` : '';
    const by = lock.actor ? `, started by ${lock.actor}` : '';
    const advice = leaseExpired
      ? `Its lease ended at ${lock.leaseUntil} but the run is not known to be finished. If that run is dead, ` +
        're-run with the input takeover-lock: true to take the lock over (recorded in the ledger); otherwise wait.'
      : `Its lease runs until ${lock.leaseUntil}. Wait for that release to finish; if its run is dead, re-run ` +
        'with the input takeover-lock: true to take the lock over (recorded in the ledger).';
    super(
      scrub(
        `The release lock of org ${orgId} is held by release ${lock.holder}${run}${by}, since ${lock.acquiredAt}. ` +
          `${detail}${advice}`
      )
    );
    this.name = 'LockHeldError';
    this.orgId = orgId;
    this.lock = { ...lock };
    this.leaseExpired = leaseExpired;
  }
}
