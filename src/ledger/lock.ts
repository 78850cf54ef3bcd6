// The org's release lock: pure functions over the ledger document, meant to run inside a store's compare-and-swap
// update, so that of two concurrent runs exactly one holds the lock and the other is told who does.
//
// Rules: a free lock is taken; the holder may take it again (a retried step) and renew it; another holder's lock is
// taken over only explicitly (the input `takeover-lock: true`, always allowed and recorded as such) or automatically
// when its lease has ended AND the caller's predicate says the holder's run is provably finished (recorded as
// `lease-expired`). Anything else fails with a LockHeldError naming the holder, its run, the lease end and what to do.
// Taking the lock does not touch the release in progress: a dead holder's unfinished release is recovered next.
import type { Clock } from '../common/clock.ts';
import { LedgerError, LockHeldError } from './errors.ts';
import { emptyLedger } from './schema.ts';
import type { LedgerDocument, Lock, Takeover } from './schema.ts';
import { NO_CHANGE } from './store.ts';

/** Long enough for a stage's bake; a run renews its lease between stages and while it waits. */
export const DEFAULT_LEASE_MS = 30 * 60_000;

export interface LockRequest {
  /** The org, for a ledger that does not exist yet. */
  org: { id: string; name?: string | undefined };
  /** The release id of the run asking. */
  holder: string;
  command: Lock['command'];
  runUrl?: string | undefined;
  actor?: string | undefined;
  leaseMs?: number;
  /** The input `takeover-lock: true`: take the lock from any other holder, recorded in the ledger. */
  takeover?: boolean;
  /**
   * Asked only about another holder whose lease has ended: true when its run is provably finished (e.g. the
   * GitHub run of `lock.runUrl` has completed). It must be synchronous: find out before the update, not inside it.
   */
  holderFinished?: (lock: Lock) => boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function isLeaseExpired(lock: Lock, clock: Clock): boolean {
  return Date.parse(lock.leaseUntil) <= clock.now();
}

function leaseMs(ms: number | undefined): number {
  const lease = ms ?? DEFAULT_LEASE_MS;
  if (!Number.isInteger(lease) || lease < 1_000 || lease > 24 * 3_600_000) {
    throw new LedgerError('invalid-input', `A lock lease must be from 1 s to 24 h in milliseconds, got ${ms}.`);
  }
  return lease;
}

/** The document with the lock held by `req.holder`, or a LockHeldError. */
export function acquireLock(doc: LedgerDocument | undefined, req: LockRequest, clock: Clock): LedgerDocument {
  const base = doc ?? emptyLedger(req.org);
  const current = base.lock;
  const now = clock.now();
  const lock: Lock = {
    holder: req.holder,
    command: req.command,
    acquiredAt: iso(now),
    leaseUntil: iso(now + leaseMs(req.leaseMs))
  };
  if (req.runUrl !== undefined) lock.runUrl = req.runUrl;
  if (req.actor !== undefined) lock.actor = req.actor;
  if (current && current.holder === req.holder) {
    // Re-entrant: the same release asks again (a retried step); keep when it first took it and how.
    return { ...base, lock: { ...lock, acquiredAt: current.acquiredAt, ...keepTakeover(current) } };
  }
  if (current) {
    const expired = isLeaseExpired(current, clock);
    const reason: Takeover['reason'] | undefined = req.takeover
      ? 'explicit'
      : expired && req.holderFinished?.(current) === true
        ? 'lease-expired'
        : undefined;
    if (!reason) throw new LockHeldError(base.org.id, current, expired);
    lock.takenOver = { from: current.holder, fromLeaseUntil: current.leaseUntil, reason, at: iso(now) };
    if (current.runUrl !== undefined) lock.takenOver.fromRunUrl = current.runUrl;
  }
  return { ...base, lock };
}

function keepTakeover(lock: Lock): Partial<Lock> {
  return lock.takenOver ? { takenOver: lock.takenOver } : {};
}

/** Throws unless `holder` holds the lock: a run that lost its lock must stop changing the org. */
export function assertHolds(doc: LedgerDocument | undefined, holder: string): Lock {
  const lock = doc?.lock ?? null;
  if (lock && lock.holder === holder) return lock;
  if (lock) {
    throw new LockHeldError(
      doc?.org.id ?? '?',
      lock,
      false,
      `Release ${holder} no longer holds it (it was taken over) and must not change the org. `
    );
  }
  throw new LedgerError(
    'conflict',
    `Release ${holder} does not hold the release lock of org ${doc?.org.id ?? '?'} (it is free: it was released ` +
      'by someone else). It must not change the org; re-run the release.'
  );
}

/** Extends the holder's lease from now. */
export function renewLease(doc: LedgerDocument | undefined, holder: string, clock: Clock, ms?: number): LedgerDocument {
  const lock = assertHolds(doc, holder);
  return { ...(doc as LedgerDocument), lock: { ...lock, leaseUntil: iso(clock.now() + leaseMs(ms)) } };
}

/**
 * Frees the lock if `holder` holds it. NO_CHANGE when it does not (free, or taken over): another holder's lock is
 * never released.
 */
export function releaseLock(doc: LedgerDocument | undefined, holder: string): LedgerDocument | typeof NO_CHANGE {
  if (!doc?.lock || doc.lock.holder !== holder) return NO_CHANGE;
  return { ...doc, lock: null };
}
