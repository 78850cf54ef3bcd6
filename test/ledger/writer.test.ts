import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { LedgerError } from '../../src/ledger/errors.ts';
import { GitLedgerStore } from '../../src/ledger/git-store.ts';
import { MemoryLedgerBackend, MemoryLedgerStore } from '../../src/ledger/memory-store.ts';
import { LedgerDocument } from '../../src/ledger/schema.ts';
import { NO_CHANGE } from '../../src/ledger/store.ts';
import { LedgerWriter } from '../../src/ledger/writer.ts';
import { git, makeFixture } from '../git/git-fixture.ts';
import type { Fixture } from '../git/git-fixture.ts';
import { appendEntry, BRANCH, ORG } from './helpers.ts';

const durable = (backend: MemoryLedgerBackend): string[] => {
  const text = backend.docs.get(ORG);
  return text ? LedgerDocument.parse(JSON.parse(text)).history.map((h) => h.releaseId) : [];
};

function memory() {
  const backend = new MemoryLedgerBackend();
  const store = new MemoryLedgerStore({ backend, clock: new FakeClock() });
  return { backend, store, writer: new LedgerWriter(store, ORG) };
}

describe('LedgerWriter (group commit)', () => {
  it('coalesces concurrent records into one write and resolves each caller only once it is durable', async () => {
    const { backend, writer } = memory();
    const seenAtResolve: boolean[] = [];
    const records = Array.from({ length: 20 }, (_, i) =>
      writer.record(appendEntry(ORG, `job-${i}`), `job ${i}`).then((doc) => {
        seenAtResolve.push(durable(backend).includes(`job-${i}`));
        return doc;
      })
    );
    const docs = await Promise.all(records);
    expect(backend.writes).toBe(1);
    expect(writer.writes).toBe(1);
    expect(seenAtResolve).toEqual(Array(20).fill(true));
    expect(durable(backend)).toEqual(Array.from({ length: 20 }, (_, i) => `job-${i}`));
    expect(docs[0]?.history).toHaveLength(20);
    expect(writer.doc).toEqual(docs[19]);
  });

  it('records arriving during a write go into the next one', async () => {
    const { backend, store, writer } = memory();
    const late: Promise<unknown>[] = [];
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      for (let i = 0; i < 5; i++) late.push(writer.record(appendEntry(ORG, `late-${i}`)));
    };
    await writer.record(appendEntry(ORG, 'first'));
    expect(durable(backend)).toEqual(['first']);
    await Promise.all(late);
    expect(backend.writes).toBe(2);
    expect(durable(backend)).toEqual(['first', 'late-0', 'late-1', 'late-2', 'late-3', 'late-4']);
    await writer.idle();
  });

  it('a mutation that throws rejects only its caller; the others are written', async () => {
    const { backend, writer } = memory();
    const refused = new Error('lock lost');
    const results = await Promise.allSettled([
      writer.record(appendEntry(ORG, 'a')),
      writer.record(() => {
        throw refused;
      }),
      writer.record(() => NO_CHANGE),
      writer.record(appendEntry(ORG, 'b'))
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(refused);
    expect(durable(backend)).toEqual(['a', 'b']);
  });

  it('a failed write rejects every caller of the batch with the cause', async () => {
    const { backend, writer } = memory();
    backend.setText(ORG, '{ broken');
    const results = await Promise.allSettled([1, 2, 3].map((i) => writer.record(appendEntry(ORG, `j${i}`))));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(LedgerError);
      expect(((r as PromiseRejectedResult).reason as LedgerError).kind).toBe('corrupt');
    }
    expect(backend.docs.get(ORG)).toBe('{ broken');
  });

  it('re-applies the whole batch on the fresh document when another writer wins the race', async () => {
    const { backend, store, writer } = memory();
    const other = new MemoryLedgerStore({ backend });
    store.beforeCommit = async () => {
      store.beforeCommit = undefined;
      await other.update(ORG, appendEntry(ORG, 'theirs'));
    };
    await Promise.all([writer.record(appendEntry(ORG, 'x')), writer.record(appendEntry(ORG, 'y'))]);
    expect(durable(backend)).toEqual(['theirs', 'x', 'y']);
  });

  it('refuses a bad org id at construction and a non-function record', async () => {
    const { store, writer } = memory();
    expect(() => new LedgerWriter(store, '../etc')).toThrow(LedgerError);
    await expect(writer.record(undefined as never)).rejects.toBeInstanceOf(LedgerError);
  });
});

describe('LedgerWriter over git', () => {
  let f: Fixture | undefined;
  afterEach(() => f?.cleanup());

  it('16 concurrent records take fewer pushes, and each is on the remote when its caller resumes', async () => {
    f = makeFixture();
    const fx = f;
    const store = await GitLedgerStore.open({ cwd: fx.work, clock: new FakeClock() });
    const writer = new LedgerWriter(store, ORG);
    const onRemote = (id: string) => git(fx.remote, 'show', `${BRANCH}:orgs/${ORG}/ledger.json`).includes(`"${id}"`);
    const checks = await Promise.all(
      Array.from({ length: 16 }, (_, i) => writer.record(appendEntry(ORG, `job-${i}`)).then(() => onRemote(`job-${i}`)))
    );
    expect(checks).toEqual(Array(16).fill(true));
    const commits = Number(git(fx.remote, 'rev-list', '--count', BRANCH));
    expect(commits).toBeLessThan(16);
    expect(commits).toBe(writer.writes);
  });
});
