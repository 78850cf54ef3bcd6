// The LedgerStore contract, written once and run over every store (git-store.test.ts, memory-store.test.ts).
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { LedgerError, LockHeldError } from '../../src/ledger/errors.ts';
import { acquireLock } from '../../src/ledger/lock.ts';
import { emptyLedger } from '../../src/ledger/schema.ts';
import type { LedgerDocument } from '../../src/ledger/schema.ts';
import { NO_CHANGE } from '../../src/ledger/store.ts';
import type { Mutate } from '../../src/ledger/store.ts';
import { appendEntry, entry, flow, ORG, ORG2 } from './helpers.ts';
import type { Harness } from './helpers.ts';

async function failure<E>(p: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  const outcome = await p.then(
    (v) => ({ ok: true, v }),
    (e: unknown) => ({ ok: false, v: e })
  );
  expect(outcome.ok).toBe(false);
  expect(outcome.v).toBeInstanceOf(type);
  return outcome.v as E;
}

const releases = (d: LedgerDocument | undefined) => d?.history.map((h) => h.releaseId) ?? [];

type HarnessFactory = () => Promise<Harness>;

export function ledgerStoreContract(name: string, make: () => Promise<Harness>): void {
  let harnesses: Harness[] = [];
  const harness = async () => {
    const h = await make();
    harnesses.push(h);
    return h;
  };
  afterEach(() => {
    for (const h of harnesses) h.cleanup();
    harnesses = [];
  });
  describe(`LedgerStore contract (${name}): reads, writes, blobs`, () => basics(harness));
  describe(`LedgerStore contract (${name}): races`, () => races(harness));
  describe(`LedgerStore contract (${name}): refusals`, () => refusals(harness));
}

function basics(harness: HarnessFactory): void {
  it('reads nothing for an org without a ledger, then round-trips an update', async () => {
    const h = await harness();
    expect(await h.a.read(ORG)).toEqual({ doc: undefined, rev: undefined });
    const doc: LedgerDocument = { ...emptyLedger({ id: ORG, name: 'Acme' }), history: [entry('r1', [])] };
    const res = await h.a.update(ORG, () => doc, { message: 'first' });
    expect(res).toMatchObject({ changed: true, attempts: 1, doc });
    expect(res.rev).toBeDefined();
    expect(await h.b.read(ORG)).toEqual({ doc, rev: res.rev });
    expect(h.head()).toBe(res.rev);
  });

  it('writes nothing when mutate returns NO_CHANGE or the same document', async () => {
    const h = await harness();
    const first = await h.a.update(ORG, appendEntry(ORG, 'r1'));
    const res = await h.b.update(ORG, () => NO_CHANGE);
    expect(res).toEqual({ doc: first.doc, rev: first.rev, changed: false, attempts: 1 });
    expect(h.head()).toBe(first.rev);
    const same = await h.b.update(ORG, (d) => structuredClone(d as LedgerDocument));
    expect(same).toEqual({ doc: first.doc, rev: first.rev, changed: false, attempts: 1 });
    expect(h.head()).toBe(first.rev);
  });

  it('writes staged blobs with the document and verifies them on read', async () => {
    const h = await harness();
    const content = 'inboundCall:\n  name: Support IVR\r\n  note: "héllo ✓"\n\n';
    const address = h.a.putBlob(content);
    expect(address).toMatch(/^[0-9a-f]{64}$/);
    await h.a.update(ORG, (d) => ({
      ...(d ?? emptyLedger({ id: ORG })),
      history: [entry('r1', [flow('Support IVR', { content: address })])]
    }));
    expect(await h.b.getBlob(address)).toBe(content);
    expect(await h.a.getBlob(address)).toBe(content);
  });

  it('refuses a document that refers to content neither stored nor staged', async () => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'r0'));
    const head = h.head();
    const e = await failure(
      h.a.update(ORG, (d) => ({
        ...(d as LedgerDocument),
        history: [entry('r1', [flow('X', { content: 'f'.repeat(64) })])]
      })),
      LedgerError
    );
    expect(e.kind).toBe('blob');
    expect(e.message).toContain('putBlob');
    expect(h.head()).toBe(head);
    await expect(h.b.getBlob('f'.repeat(64))).rejects.toBeInstanceOf(LedgerError);
  });
}

function races(harness: HarnessFactory): void {
  it('on a lost race calls mutate again on the fresh document: both changes survive', async () => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'r0'));
    let raced = false;
    h.setHook(h.a, async () => {
      if (raced) return;
      raced = true;
      await h.b.update(ORG, appendEntry(ORG, 'theirs'));
    });
    const seen: string[][] = [];
    const mutate: Mutate = (d) => {
      seen.push(releases(d));
      return appendEntry(ORG, 'ours')(d);
    };
    const res = await h.a.update(ORG, mutate);
    expect(res.attempts).toBe(2);
    expect(seen).toEqual([['r0'], ['r0', 'theirs']]);
    expect(releases((await h.b.read(ORG)).doc)).toEqual(['r0', 'theirs', 'ours']);
  });

  it('lets mutate decide on the fresh document: a lock taken meanwhile fails with LockHeldError', async () => {
    const h = await harness();
    const clock = new FakeClock();
    const req = (holder: string) => ({
      org: { id: ORG },
      holder,
      command: 'deploy' as const,
      runUrl: `https://run/${holder}`
    });
    h.setHook(h.a, async () => {
      h.setHook(h.a, undefined);
      await h.b.update(ORG, (d) => acquireLock(d, req('rel-b'), clock));
    });
    const e = await failure(
      h.a.update(ORG, (d) => acquireLock(d, req('rel-a'), clock)),
      LockHeldError
    );
    expect(e.lock.holder).toBe('rel-b');
    expect(e.message).toContain('rel-b');
    expect(e.message).toContain('https://run/rel-b');
    expect((await h.a.read(ORG)).doc?.lock?.holder).toBe('rel-b');
  });

  it('of two runs taking the lock at once, exactly one gets it and the other names the holder', async () => {
    const h = await harness();
    const clock = new FakeClock();
    const take = (s: typeof h.a, holder: string) =>
      s.update(ORG, (d) => acquireLock(d, { org: { id: ORG }, holder, command: 'deploy' }, clock));
    const results = await Promise.allSettled([take(h.a, 'rel-a'), take(h.b, 'rel-b')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    const holder = (await h.a.read(ORG)).doc?.lock?.holder;
    expect(lost[0]?.reason).toBeInstanceOf(LockHeldError);
    expect((lost[0]?.reason as LockHeldError).lock.holder).toBe(holder);
  });

  it('concurrent updates from two clients both survive', async () => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'r0'));
    await Promise.all([h.a.update(ORG, appendEntry(ORG, 'a')), h.b.update(ORG, appendEntry(ORG, 'b'))]);
    expect(releases((await h.a.read(ORG)).doc).sort()).toEqual(['a', 'b', 'r0']);
  });

  it('gives up after the allowed attempts with a conflict error, having overwritten nothing', async () => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'r0'));
    let n = 0;
    h.setHook(h.a, async () => {
      await h.b.update(ORG, appendEntry(ORG, `theirs-${++n}`));
    });
    const e = await failure(h.a.update(ORG, appendEntry(ORG, 'ours'), { maxAttempts: 3 }), LedgerError);
    expect(e.kind).toBe('conflict');
    expect(releases((await h.b.read(ORG)).doc)).toEqual(['r0', 'theirs-1', 'theirs-2', 'theirs-3']);
  });
}

function refusals(harness: HarnessFactory): void {
  it.each([
    ['not JSON', '{ "version": 1, ', /not valid JSON/],
    ['the wrong shape', JSON.stringify({ version: 1, org: { id: ORG }, lock: null, history: [] }), /at inProgress/],
    ['a newer version', JSON.stringify({ version: 2 }), /newer Flow Release/]
  ])('a document that is %s stops reads and updates and is never overwritten', async (_what, text, problem) => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'r0'));
    await h.corrupt(ORG, text);
    const head = h.head();
    const read = await failure(h.b.read(ORG), LedgerError);
    expect(read.kind).toBe('corrupt');
    expect(read.message).toMatch(problem);
    expect(read.message).toContain(`orgs/${ORG}/ledger.json`);
    const mutate = jest.fn<Mutate>(() => emptyLedger({ id: ORG }));
    const e = await failure(h.a.update(ORG, mutate), LedgerError);
    expect(e.kind).toBe('corrupt');
    expect(mutate).not.toHaveBeenCalled();
    expect(h.head()).toBe(head);
  });

  it('keeps the documents of two orgs apart', async () => {
    const h = await harness();
    await h.a.update(ORG, appendEntry(ORG, 'one'));
    await h.b.update(ORG2, appendEntry(ORG2, 'two'));
    const [one, two] = [(await h.a.read(ORG)).doc, (await h.a.read(ORG2)).doc];
    expect([one?.org.id, releases(one)]).toEqual([ORG, ['one']]);
    expect([two?.org.id, releases(two)]).toEqual([ORG2, ['two']]);
    const e = await failure(
      h.a.update(ORG, () => emptyLedger({ id: ORG2 })),
      LedgerError
    );
    expect(e.kind).toBe('invalid-input');
  });

  it('refuses bad org ids and invalid documents before writing anything', async () => {
    const h = await harness();
    for (const bad of ['', '../x', 'a/b', '-rf', 'x'.repeat(200)]) {
      expect((await failure(h.a.read(bad), LedgerError)).kind).toBe('invalid-input');
    }
    const invalid = { ...emptyLedger({ id: ORG }), lock: { holder: 'r' } } as unknown as LedgerDocument;
    const e = await failure(
      h.a.update(ORG, () => invalid),
      LedgerError
    );
    expect(e.kind).toBe('invalid-input');
    expect(e.message).toContain('at lock');
    expect(h.head()).toBeUndefined();
    await expect(h.a.getBlob('nope')).rejects.toBeInstanceOf(LedgerError);
  });

  it('propagates what mutate throws and writes nothing', async () => {
    const h = await harness();
    await expect(
      h.a.update(ORG, () => {
        throw new Error('decided not to');
      })
    ).rejects.toThrow('decided not to');
    expect(h.head()).toBeUndefined();
  });
}
