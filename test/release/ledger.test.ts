// The engine with the org's release ledger (a MemoryLedgerStore): write-ahead before the first change, change
// detection and rollback targets from the ledger, recovery of a dead run's release, command: rollback from history.
import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { acquireLock, beginRelease, MemoryLedgerStore, recordJob } from '../../src/ledger/index.ts';
import type { LedgerDocument } from '../../src/ledger/index.ts';
import type { ReleaseManifest } from '../../src/manifest/types.ts';
import { runRelease } from '../../src/release/release.ts';
import type { LedgerHandle, ReleaseOptions } from '../../src/release/types.ts';
import { FakeGenesys } from './fake-genesys.ts';
import { archy, fileFlow, manifest, MemoryJournal, stage } from './helpers.ts';

const ORG = { id: 'org-fake-1', name: 'Fake Org' };

function setup() {
  const api = new FakeGenesys();
  const clock = new FakeClock();
  const store = new MemoryLedgerStore({ clock });
  const journal = new MemoryJournal(clock);
  const log = new MemoryLogger();
  api.addFlow({ name: 'A', type: 'inboundcall', content: archy('A', 'inboundcall', 'v1') });
  api.addFlow({ name: 'B', type: 'inboundcall', content: archy('B', 'inboundcall', 'v1') });
  api.faults.aggregates = () => ({ outcomes: 100, failed: 1 });
  const run = async (
    m: ReleaseManifest,
    opts: Partial<ReleaseOptions> & { releaseId: string },
    handle: Partial<LedgerHandle> = {}
  ) => {
    const doc = (await store.read(ORG.id)).doc;
    const first = journal.events.length;
    const result = await runRelease(
      {
        api,
        journal,
        clock,
        log,
        httpGet: async () => ({ status: 200, body: 'ok' }),
        ledger: { store, org: ORG, doc, ...handle }
      },
      { command: 'deploy', manifest: m, ...opts }
    );
    return { result, events: journal.events.slice(first) };
  };
  const doc = async () => (await store.read(ORG.id)).doc as LedgerDocument;
  return { api, clock, store, journal, run, doc };
}

const m = (marker: string) =>
  manifest([fileFlow('A', 'inboundcall', marker), fileFlow('B', 'inboundcall', marker)], [stage('all', ['A', 'B'])]);

describe('release engine with the ledger', () => {
  it('records the release ahead, finishes it in the history, and a second identical deploy publishes nothing', async () => {
    const t = setup();
    const r1 = await t.run(m('v2'), { releaseId: 'rel-1' });
    expect(r1.result.outcome).toBe('succeeded');
    const doc = await t.doc();
    expect(doc.lock).toBeNull();
    expect(doc.inProgress).toBeNull();
    expect(doc.history.map((h) => [h.releaseId, h.outcome])).toEqual([['rel-1', 'succeeded']]);
    expect(doc.history[0]!.flows.map((f) => [f.name, f.state, f.version])).toEqual([
      ['A', 'published', '2.0'],
      ['B', 'published', '2.0']
    ]);
    const types = r1.events.map((e) => e.type);
    expect(types.indexOf('lock-acquired')).toBeLessThan(types.indexOf('publish-started'));
    // Ledger I/O: lock + begin, the job ids (2 concurrent publishes share a push), the results, the end.
    const released = r1.events.find((e) => e.type === 'lock-released')!.details as { pushes: number };
    expect(released.pushes).toBeLessThanOrEqual(5);
    expect(types).toContain('lock-released');
    const jobs = t.api.count('registerArchitectJob');
    const r2 = await t.run(m('v2'), { releaseId: 'rel-2' });
    expect(r2.result.outcome).toBe('succeeded');
    expect(t.api.count('registerArchitectJob')).toBe(jobs);
    expect(r2.events.some((e) => e.type === 'lock-acquired')).toBe(false);
  });

  it('rolls back to the ledger copy of the content before the release', async () => {
    const t = setup();
    t.api.faults.architectJob = (name) => (name === 'B' ? { fail: 'boom' } : undefined);
    const r = await t.run({ ...m('v2'), concurrency: 1 }, { releaseId: 'rel-1' });
    expect(r.result.outcome).toBe('rolled-back');
    expect(t.api.publishedContent('A')).toContain('description: v1');
    expect(t.api.publishedContent('A')).not.toMatch(/^#/);
    const doc = await t.doc();
    expect(doc.history[0]!.outcome).toBe('rolled-back');
    expect(doc.history[0]!.flows.find((f) => f.name === 'A')!.state).toBe('restored');
  });

  it('a live holder of the lock stops the run before any change, naming it', async () => {
    const t = setup();
    await t.store.update(ORG.id, (d) =>
      acquireLock(
        d,
        { org: ORG, holder: 'rel-other', command: 'deploy', runUrl: 'https://github.com/o/r/actions/runs/9' },
        t.clock
      )
    );
    const r = await t.run(m('v2'), { releaseId: 'rel-1' });
    expect(r.result.outcome).toBe('failed');
    expect(r.result.message).toMatch(/held by release rel-other \(run https:\/\/github.com\/o\/r\/actions\/runs\/9\)/);
    expect(t.api.mutatingCalls()).toEqual([]);
  });

  it('recovers a dead run first: waits for its jobs, restores the recorded content, records it, then deploys', async () => {
    const t = setup();
    const a = t.api.byName('A')!;
    const before = t.store.putBlob(archy('A', 'inboundcall', 'v1'));
    await t.store.update(ORG.id, (d) => {
      const locked = acquireLock(d, { org: ORG, holder: 'rel-dead', command: 'deploy' }, t.clock);
      const begun = beginRelease(
        locked,
        {
          releaseId: 'rel-dead',
          command: 'deploy',
          flows: [{ name: 'A', type: 'inboundcall', flowId: a.id, before: { version: '1.0', content: before } }]
        },
        t.clock
      ) as LedgerDocument;
      return recordJob(
        begun,
        'rel-dead',
        { name: 'A', type: 'inboundcall' },
        { id: 'job-x', kind: 'architect' },
        t.clock
      );
    });
    // The dead run's content landed.
    a.versions.set('2.0', archy('A', 'inboundcall', 'dead'));
    a.published = '2.0';
    a.nextVersion = 3;
    const r = await t.run(m('v1'), { releaseId: 'rel-1' }, { takeover: true });
    const types = r.events.map((e) => e.type).filter((x) => x !== 'wait-progress');
    expect(types.slice(0, 4)).toEqual(['recovery-started', 'lock-taken-over', 'lock-acquired', 'recovery-finished']);
    const started = r.events.find((e) => e.type === 'recovery-started')!.details as { flows: { live: unknown }[] };
    expect(started.flows[0]!.live).toMatchObject({ version: '2.0' });
    expect(t.api.publishedContent('A')).toContain('description: v1');
    const doc = await t.doc();
    expect(doc.history.map((h) => [h.releaseId, h.command, h.recoveredBy ?? null])).toEqual([
      ['rel-dead', 'deploy', 'rel-1'],
      ['rel-1-recover', 'recover', null],
      ['rel-1', 'deploy', null]
    ]);
    expect(doc.lock).toBeNull();
  });

  it('on-unfinished: stop reports the dead release and changes nothing', async () => {
    const t = setup();
    await t.store.update(ORG.id, (d) => {
      const begun = beginRelease(
        acquireLock(d, { org: ORG, holder: 'rel-dead', command: 'deploy' }, t.clock),
        {
          releaseId: 'rel-dead',
          command: 'deploy',
          flows: [{ name: 'A', type: 'inboundcall', before: { version: null } }]
        },
        t.clock
      ) as LedgerDocument;
      return { ...begun, lock: null };
    });
    const r = await t.run(m('v2'), { releaseId: 'rel-1' }, { onUnfinished: 'stop' });
    expect(r.result.outcome).toBe('failed');
    expect(r.result.message).toMatch(/rel-dead.*on-unfinished: stop/s);
    expect(t.api.mutatingCalls()).toEqual([]);
  });

  it('command: rollback restores the release before the last successful one, from ledger blobs', async () => {
    const t = setup();
    expect((await t.run(m('r1'), { releaseId: 'rel-1' })).result.outcome).toBe('succeeded');
    expect((await t.run(m('r2'), { releaseId: 'rel-2' })).result.outcome).toBe('succeeded');
    expect(t.api.publishedContent('A')).toContain('description: r2');
    const rb = await t.run(m('r2'), { releaseId: 'rel-3', command: 'rollback' });
    expect(rb.result.outcome).toBe('succeeded');
    expect(rb.result.message).toMatch(/Restored release rel-1/);
    expect(t.api.publishedContent('A')).toContain('description: r1');
    expect(t.api.publishedContent('B')).toContain('description: r1');
    const doc = await t.doc();
    expect(doc.history.at(-1)).toMatchObject({ releaseId: 'rel-3', command: 'rollback', outcome: 'succeeded' });
    const to = await t.run(m('r2'), { releaseId: 'rel-4', command: 'rollback' }, { rollbackTo: 'rel-2' });
    expect(to.result.outcome).toBe('succeeded');
    expect(t.api.publishedContent('A')).toContain('description: r2');
  });
});

describe('knowable before a change', () => {
  it('refuses two flows whose artifact files collide (punctuation or case only), with zero mutating calls', async () => {
    const t = setup();
    const flows = [fileFlow('Queue (A)'), fileFlow('Queue [A]'), fileFlow('queue {a}', 'workflow'), fileFlow('B')];
    const r = await t.run(
      manifest(flows, [
        stage(
          'all',
          flows.map((f) => f.name)
        )
      ]),
      { releaseId: 'rel-1' }
    );
    expect(r.result.outcome).toBe('failed');
    expect(r.result.message).toMatch(/"Queue \(A\)" and "Queue \[A\]" would be committed to the same artifact file/);
    expect(t.api.mutatingCalls()).toEqual([]);
  });

  it('refuses a release over a flow whose live export would not fit in one upload, before any change', async () => {
    const t = setup();
    const big = `${archy('A', 'inboundcall', 'v1')}  # ${'x'.repeat(520_000)}\n`;
    const a = t.api.byName('A')!;
    a.versions.set('1.0', big);
    const r = await t.run(m('v2'), { releaseId: 'rel-1' });
    expect(r.result.outcome).toBe('failed');
    expect(r.result.message).toMatch(
      /"A": the export of its live version 1\.0 is \d+ bytes, more than the 512000 bytes/
    );
    expect(t.api.mutatingCalls()).toEqual([]);
    expect((await t.doc())?.inProgress ?? null).toBeNull();
  });
});

describe('a stale lock', () => {
  const stale = async (t: ReturnType<typeof setup>) => {
    await t.store.update(ORG.id, (d) =>
      acquireLock(
        d,
        {
          org: ORG,
          holder: 'rel-old',
          command: 'deploy',
          runUrl: 'https://github.com/o/r/actions/runs/3',
          leaseMs: 60_000
        },
        t.clock
      )
    );
    await t.clock.sleep(120_000);
  };

  it('is taken over after its lease when the holder’s run is provably finished (journaled)', async () => {
    const t = setup();
    await stale(t);
    const r = await t.run(m('v2'), { releaseId: 'rel-1' }, { holderFinished: async () => true });
    expect(r.result.outcome).toBe('succeeded');
    const over = r.events.find((e) => e.type === 'lock-taken-over')!;
    expect(over.details).toMatchObject({ from: 'rel-old', reason: 'lease-expired' });
  });

  it('is not taken over after its lease when the holder’s run is not proven finished', async () => {
    const t = setup();
    await stale(t);
    const r = await t.run(m('v2'), { releaseId: 'rel-1' }, { holderFinished: async () => false });
    expect(r.result.outcome).toBe('failed');
    expect(r.result.message).toMatch(/held by release rel-old .*takeover-lock: true/s);
    expect(t.api.mutatingCalls()).toEqual([]);
  });
});

describe('orphans and retired flows', () => {
  it('lists a flow the manifest no longer names; retired: deletes it last, recorded, and rollback restores it', async () => {
    const t = setup();
    expect((await t.run(m('r1'), { releaseId: 'rel-1' })).result.outcome).toBe('succeeded');
    const onlyA = manifest([fileFlow('A', 'inboundcall', 'r1')], [stage('all', ['A'])]);
    const orphaned = await t.run(onlyA, { releaseId: 'rel-2' });
    expect(orphaned.events.find((e) => e.type === 'orphaned-flows')?.details).toEqual({
      flows: [{ name: 'B', type: 'inboundcall', id: t.api.byName('B')!.id, version: '2.0' }]
    });
    const retiring = await t.run({ ...onlyA, retired: [{ name: 'B', type: 'inboundcall' }] }, { releaseId: 'rel-3' });
    expect(retiring.result.outcome).toBe('succeeded');
    expect(t.api.byName('B')).toBeUndefined();
    expect(retiring.events.find((e) => e.type === 'flow-retired')?.details).toMatchObject({
      deleted: true,
      version: '2.0'
    });
    const doc = await t.doc();
    expect(doc.history.at(-1)!.flows.find((f) => f.name === 'B')).toMatchObject({ state: 'deleted', version: null });
    const rb = await t.run(m('r1'), { releaseId: 'rel-4', command: 'rollback' }, { rollbackTo: 'rel-1' });
    expect(rb.result.outcome).toBe('succeeded');
    expect(t.api.publishedContent('B')).toContain('description: r1');
  });
});
