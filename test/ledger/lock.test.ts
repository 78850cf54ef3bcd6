import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import type { LedgerError } from '../../src/ledger/errors.ts';
import { LockHeldError } from '../../src/ledger/errors.ts';
import {
  acquireLock,
  assertHolds,
  DEFAULT_LEASE_MS,
  isLeaseExpired,
  releaseLock,
  renewLease
} from '../../src/ledger/lock.ts';
import type { LockRequest } from '../../src/ledger/lock.ts';
import { LedgerDocument } from '../../src/ledger/schema.ts';
import { NO_CHANGE } from '../../src/ledger/store.ts';
import { ORG } from './helpers.ts';

const MIN = 60_000;
const req = (holder: string, extra: Partial<LockRequest> = {}): LockRequest => ({
  org: { id: ORG, name: 'Acme' },
  holder,
  command: 'deploy',
  runUrl: `https://github.com/o/r/actions/runs/${holder}`,
  actor: 'octocat',
  leaseMs: 10 * MIN,
  ...extra
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('acquireLock', () => {
  it('takes a free lock (creating the ledger) with a lease from the clock', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    expect(doc.org).toEqual({ id: ORG, name: 'Acme' });
    expect(doc.lock).toEqual({
      holder: 'rel-1',
      command: 'deploy',
      runUrl: 'https://github.com/o/r/actions/runs/rel-1',
      actor: 'octocat',
      acquiredAt: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:10:00.000Z'
    });
    expect(LedgerDocument.parse(doc)).toEqual(doc);
    const defaultLease = acquireLock(undefined, req('rel-1', { leaseMs: undefined }), clock);
    expect(Date.parse(defaultLease.lock!.leaseUntil) - clock.now()).toBe(DEFAULT_LEASE_MS);
  });

  it('is re-entrant for the holder: renews, keeps acquiredAt', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(5 * MIN);
    const again = acquireLock(doc, req('rel-1'), clock);
    expect(again.lock?.acquiredAt).toBe(doc.lock?.acquiredAt);
    expect(again.lock?.leaseUntil).toBe('2026-01-01T00:15:00.000Z');
  });

  it('refuses a held lock naming the holder, its run, the lease end and what to do', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(MIN);
    const e = thrown(() => acquireLock(doc, req('rel-2'), clock)) as LockHeldError;
    expect(e).toBeInstanceOf(LockHeldError);
    expect(e.leaseExpired).toBe(false);
    expect(e.lock.holder).toBe('rel-1');
    for (const part of ['rel-1', 'https://github.com/o/r/actions/runs/rel-1', '2026-01-01T00:10:00.000Z', 'octocat']) {
      expect(e.message).toContain(part);
    }
    expect(e.message).toContain('takeover-lock: true');
    expect(e.message).toMatch(/Wait/);
  });
});

describe('acquireLock: takeover', () => {
  it('after the lease, takes over only when the predicate proves the holder finished', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(10 * MIN);
    const seen: string[] = [];
    const unknown = thrown(() =>
      acquireLock(doc, req('rel-2', { holderFinished: (l) => (seen.push(l.holder), false) }), clock)
    ) as LockHeldError;
    expect(unknown.leaseExpired).toBe(true);
    expect(unknown.message).toContain('lease ended at 2026-01-01T00:10:00.000Z');
    expect(seen).toEqual(['rel-1']);
    expect(() => acquireLock(doc, req('rel-2'), clock)).toThrow(LockHeldError);

    const taken = acquireLock(doc, req('rel-2', { holderFinished: () => true }), clock);
    expect(taken.lock?.holder).toBe('rel-2');
    expect(taken.lock?.takenOver).toEqual({
      from: 'rel-1',
      fromRunUrl: 'https://github.com/o/r/actions/runs/rel-1',
      fromLeaseUntil: '2026-01-01T00:10:00.000Z',
      reason: 'lease-expired',
      at: '2026-01-01T00:10:00.000Z'
    });
  });

  it('never asks the predicate while the lease runs: a live lease is not taken over automatically', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(10 * MIN - 1);
    let asked = false;
    expect(() => acquireLock(doc, req('rel-2', { holderFinished: () => (asked = true) }), clock)).toThrow(
      LockHeldError
    );
    expect(asked).toBe(false);
  });

  it('an explicit takeover is always allowed and recorded as explicit', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(MIN);
    const taken = acquireLock(doc, req('rel-2', { takeover: true }), clock);
    expect(taken.lock).toMatchObject({ holder: 'rel-2', takenOver: { from: 'rel-1', reason: 'explicit' } });
    // Takeover of a free lock is a plain acquisition.
    expect(acquireLock(undefined, req('rel-3', { takeover: true }), clock).lock?.takenOver).toBeUndefined();
  });

  it('rejects an unreasonable lease', () => {
    for (const leaseMs of [0, 999, 1.5, 25 * 3_600_000]) {
      expect((thrown(() => acquireLock(undefined, req('r', { leaseMs }), new FakeClock())) as LedgerError).kind).toBe(
        'invalid-input'
      );
    }
  });
});

describe('renew, assert and release', () => {
  it('renews only the holder, and a run that lost its lock is told who has it', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    clock.advance(8 * MIN);
    expect(renewLease(doc, 'rel-1', clock, 10 * MIN).lock?.leaseUntil).toBe('2026-01-01T00:18:00.000Z');
    expect(renewLease(doc, 'rel-1', clock).lock?.leaseUntil).toBe('2026-01-01T00:38:00.000Z');
    const taken = acquireLock(doc, req('rel-2', { takeover: true }), clock);
    const e = thrown(() => renewLease(taken, 'rel-1', clock)) as LockHeldError;
    expect(e).toBeInstanceOf(LockHeldError);
    expect(e.message).toContain('no longer holds it');
    expect(e.lock.holder).toBe('rel-2');
    const free = releaseLock(taken, 'rel-2');
    expect(free).not.toBe(NO_CHANGE);
    expect((thrown(() => assertHolds(free as LedgerDocument, 'rel-2')) as LedgerError).kind).toBe('conflict');
    expect(assertHolds(taken, 'rel-2').holder).toBe('rel-2');
  });

  it('never releases another holder’s lock', () => {
    const clock = new FakeClock();
    const doc = acquireLock(undefined, req('rel-1'), clock);
    expect(releaseLock(doc, 'rel-2')).toBe(NO_CHANGE);
    expect(releaseLock(undefined, 'rel-2')).toBe(NO_CHANGE);
    expect((releaseLock(doc, 'rel-1') as LedgerDocument).lock).toBeNull();
  });

  it('knows when a lease has ended', () => {
    const clock = new FakeClock();
    const lock = acquireLock(undefined, req('rel-1'), clock).lock!;
    clock.advance(10 * MIN - 1);
    expect(isLeaseExpired(lock, clock)).toBe(false);
    clock.advance(1);
    expect(isLeaseExpired(lock, clock)).toBe(true);
  });
});
