import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import type { LedgerError } from '../../src/ledger/errors.ts';
import { LockHeldError } from '../../src/ledger/errors.ts';
import { acquireLock } from '../../src/ledger/lock.ts';
import { MemoryLedgerStore } from '../../src/ledger/memory-store.ts';
import { beginRelease, finishRelease, recordFlow, recordJob } from '../../src/ledger/progress.ts';
import type { ReleaseStart } from '../../src/ledger/progress.ts';
import { LedgerDocument } from '../../src/ledger/schema.ts';
import { NO_CHANGE } from '../../src/ledger/store.ts';
import { LedgerWriter } from '../../src/ledger/writer.ts';
import { flow, hex, ORG } from './helpers.ts';

const IVR = { name: 'IVR', type: 'inboundcall' };
const NEW = { name: 'New', type: 'workflow' };

const start = (releaseId: string): ReleaseStart => ({
  releaseId,
  command: 'deploy',
  runUrl: `https://run/${releaseId}`,
  commit: 'c0ffee',
  flows: [
    {
      ...IVR,
      flowId: 'f-ivr',
      before: { version: '3.0', content: hex('3') },
      intended: { contentHash: hex('4'), source: 'file' }
    },
    { ...NEW, before: { version: null }, intended: { contentHash: hex('5'), source: 'file' } }
  ]
});

function locked(holder: string, clock: FakeClock, doc?: LedgerDocument): LedgerDocument {
  return acquireLock(doc, { org: { id: ORG }, holder, command: 'deploy' }, clock);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('write-ahead records', () => {
  it('begin → jobs → results → finish: a valid document at every step, history appended, lock freed', () => {
    const clock = new FakeClock();
    let doc = beginRelease(locked('rel-1', clock), start('rel-1'), clock) as LedgerDocument;
    expect(doc.inProgress).toMatchObject({
      releaseId: 'rel-1',
      startedAt: '2026-01-01T00:00:00.000Z',
      commit: 'c0ffee'
    });
    expect(beginRelease(doc, start('rel-1'), clock)).toBe(NO_CHANGE);
    clock.advance(1_000);
    doc = recordJob(doc, 'rel-1', IVR, { id: 'job-1', kind: 'architect' }, clock);
    clock.advance(1_000);
    doc = recordJob(doc, 'rel-1', IVR, { id: 'job-1', kind: 'architect', state: 'succeeded' }, clock);
    doc = recordFlow(doc, 'rel-1', NEW, { flowId: 'f-new', result: { state: 'published', version: '1.0' } }, clock);
    expect(LedgerDocument.parse(doc)).toEqual(doc);
    expect(doc.inProgress?.flows[0]?.jobs).toEqual([
      {
        id: 'job-1',
        kind: 'architect',
        registeredAt: '2026-01-01T00:00:01.000Z',
        state: 'succeeded',
        updatedAt: '2026-01-01T00:00:02.000Z'
      }
    ]);
    expect(doc.inProgress?.flows[1]).toMatchObject({ flowId: 'f-new', result: { state: 'published', version: '1.0' } });

    const flows = [flow('IVR', { id: 'f-ivr', version: '4.0', content: hex('4') })];
    const done = finishRelease(doc, { holder: 'rel-1', outcome: 'succeeded', flows, releaseLock: true }, clock);
    expect(done).not.toBe(NO_CHANGE);
    const finished = done as LedgerDocument;
    expect(finished.inProgress).toBeNull();
    expect(finished.lock).toBeNull();
    expect(finished.history).toEqual([
      {
        releaseId: 'rel-1',
        command: 'deploy',
        commit: 'c0ffee',
        outcome: 'succeeded',
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:00:02.000Z',
        runUrl: 'https://run/rel-1',
        flows
      }
    ]);
    expect(LedgerDocument.parse(finished)).toEqual(finished);
  });
});

describe('write-ahead records: refusals and recovery', () => {
  it('refuses to begin without the lock, or over another run’s unfinished release', () => {
    const clock = new FakeClock();
    expect(thrown(() => beginRelease(locked('rel-0', clock), start('rel-1'), clock))).toBeInstanceOf(LockHeldError);
    const dead = beginRelease(locked('rel-0', clock), start('rel-0'), clock) as LedgerDocument;
    const taken = acquireLock(dead, { org: { id: ORG }, holder: 'rel-1', command: 'deploy', takeover: true }, clock);
    const e = thrown(() => beginRelease(taken, start('rel-1'), clock)) as LedgerError;
    expect(e.kind).toBe('conflict');
    expect(e.message).toContain('unfinished release rel-0 (run https://run/rel-0)');
    expect(e.message).toContain('recovered');
    const twice = { ...start('rel-1'), flows: [...start('rel-1').flows, start('rel-1').flows[0]!] };
    expect((thrown(() => beginRelease(locked('rel-1', clock), twice, clock)) as LedgerError).kind).toBe(
      'invalid-input'
    );
  });

  it('a run that lost its lock cannot record anything', () => {
    const clock = new FakeClock();
    const doc = beginRelease(locked('rel-1', clock), start('rel-1'), clock) as LedgerDocument;
    const taken = acquireLock(doc, { org: { id: ORG }, holder: 'rel-2', command: 'deploy', takeover: true }, clock);
    expect(thrown(() => recordJob(taken, 'rel-1', IVR, { id: 'j', kind: 'architect' }, clock))).toBeInstanceOf(
      LockHeldError
    );
    expect(
      (
        thrown(() =>
          recordJob(doc, 'rel-1', { name: 'X', type: 'bot' }, { id: 'j', kind: 'export' }, clock)
        ) as LedgerError
      ).kind
    ).toBe('invalid-input');
  });

  it('a recovering run finishes the dead run’s release, recorded as recovered by it', () => {
    const clock = new FakeClock();
    const dead = beginRelease(locked('rel-0', clock), start('rel-0'), clock) as LedgerDocument;
    const taken = acquireLock(dead, { org: { id: ORG }, holder: 'rel-1', command: 'recover', takeover: true }, clock);
    const restored = [flow('IVR', { id: 'f-ivr', version: '5.0', content: hex('3'), state: 'restored' })];
    const withJob = recordJob(taken, 'rel-0', IVR, { id: 'op-1', kind: 'publish-operation' }, clock, 'rel-1');
    const done = finishRelease(
      withJob,
      { holder: 'rel-1', releaseId: 'rel-0', outcome: 'rolled-back', flows: restored },
      clock
    );
    const doc = done as LedgerDocument;
    expect(doc.history.at(-1)).toMatchObject({ releaseId: 'rel-0', outcome: 'rolled-back', recoveredBy: 'rel-1' });
    expect(doc.lock?.holder).toBe('rel-1');
    expect(
      finishRelease(doc, { holder: 'rel-1', releaseId: 'rel-0', outcome: 'rolled-back', flows: restored }, clock)
    ).toBe(NO_CHANGE);
    expect(beginRelease(doc, start('rel-1'), clock)).not.toBe(NO_CHANGE);
  });

  it('works through a LedgerWriter: concurrent job records of one release are all kept', async () => {
    const clock = new FakeClock();
    const store = new MemoryLedgerStore();
    // The content before the release is stored with the record that refers to it.
    const before = store.putBlob('inboundCall:\n  name: IVR\n');
    const plan = start('rel-1');
    plan.flows[0]!.before.content = before;
    await store.update(ORG, (d) => beginRelease(locked('rel-1', clock, d), plan, clock));
    expect(await store.getBlob(before)).toBe('inboundCall:\n  name: IVR\n');
    const writer = new LedgerWriter(store, ORG);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        writer.record((d) => recordJob(d, 'rel-1', i % 2 ? IVR : NEW, { id: `job-${i}`, kind: 'architect' }, clock))
      )
    );
    const { doc } = await store.read(ORG);
    expect(doc?.inProgress?.flows.flatMap((f) => f.jobs.map((j) => j.id)).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `job-${i}`).sort()
    );
    expect(store.backend.writes).toBe(2);
    expect(store.backend.blobs.has(before)).toBe(true);
  });
});
