import { describe, expect, it } from '@jest/globals';
import {
  appendHistory,
  findRelease,
  lastKnownGood,
  newestGoodReleaseDifferingFrom,
  orphans,
  trimHistory
} from '../../src/ledger/history.ts';
import { emptyLedger, HISTORY_LIMIT, LedgerDocument } from '../../src/ledger/schema.ts';
import type { HistoryEntry } from '../../src/ledger/schema.ts';
import { entry, flow, hex, ORG, T0 } from './helpers.ts';

const IVR = { name: 'IVR', type: 'inboundcall' };
const WF = { name: 'WF', type: 'workflow' };

function ledger(history: HistoryEntry[], inProgress: LedgerDocument['inProgress'] = null): LedgerDocument {
  return LedgerDocument.parse({ ...emptyLedger({ id: ORG }), history, inProgress });
}

describe('lastKnownGood', () => {
  const history = [
    entry('r1', [flow('IVR', { version: '1.0', content: hex('1') })]),
    entry('r2', [flow('IVR', { version: '2.0', content: hex('2') })]),
    entry('r3', [flow('IVR', { version: '3.0', content: hex('3'), state: 'failed' })], { outcome: 'rollback-failed' }),
    entry('r4', [flow('IVR', { version: '4.0', content: hex('4') })], { outcome: 'failed' })
  ];

  it('is the newest entry where the flow was live and good, skipping failed releases', () => {
    expect(lastKnownGood(ledger(history), IVR)).toEqual({
      content: hex('2'),
      version: '2.0',
      flowId: 'id-IVR',
      releaseId: 'r2',
      source: 'history'
    });
    expect(lastKnownGood(ledger(history), WF)).toBeUndefined();
    expect(lastKnownGood(ledger(history), { name: 'IVR', type: 'workflow' })).toBeUndefined();
    expect(lastKnownGood(undefined, IVR)).toBeUndefined();
  });

  it('counts a restored flow of a rolled-back release as good', () => {
    const restored = entry('r5', [flow('IVR', { version: '5.0', content: hex('2'), state: 'restored' })], {
      outcome: 'rolled-back'
    });
    expect(lastKnownGood(ledger([...history, restored]), IVR)).toMatchObject({ releaseId: 'r5', version: '5.0' });
  });

  it('prefers the content from before the release in progress (the rollback target of a dead run)', () => {
    const inProgress = {
      releaseId: 'r9',
      command: 'deploy' as const,
      startedAt: T0,
      flows: [
        { name: 'IVR', type: 'inboundcall', flowId: 'id-IVR', before: { version: '2.0', content: hex('2') }, jobs: [] },
        { name: 'WF', type: 'workflow', before: { version: null }, jobs: [] }
      ]
    };
    const doc = ledger(history.slice(0, 1), inProgress);
    expect(lastKnownGood(doc, IVR)).toEqual({
      content: hex('2'),
      version: '2.0',
      flowId: 'id-IVR',
      releaseId: 'r9',
      source: 'in-progress-before'
    });
    expect(lastKnownGood(doc, IVR, { includeInProgress: false })).toMatchObject({ releaseId: 'r1' });
    expect(lastKnownGood(doc, WF)).toBeUndefined(); // created by the release in progress: rollback deletes it
  });
});

describe('release queries', () => {
  const history = [
    entry('r1', [flow('IVR', { content: hex('1') }), flow('WF', { type: 'workflow', content: hex('a') })]),
    entry('r2', [
      flow('IVR', { content: hex('2') }),
      flow('WF', { type: 'workflow', content: hex('a'), state: 'unchanged' })
    ]),
    entry('r3', [flow('IVR', { content: hex('3'), state: 'restored' })], { outcome: 'rolled-back' })
  ];

  it('finds the newest good release that differs from what is live', () => {
    const live = new Map([
      ['IVR', hex('2')],
      ['WF', hex('a')]
    ]);
    const doc = ledger(history);
    expect(newestGoodReleaseDifferingFrom(doc, (f) => live.get(f.name))?.releaseId).toBe('r1');
    live.set('IVR', hex('9'));
    expect(newestGoodReleaseDifferingFrom(doc, (f) => live.get(f.name))?.releaseId).toBe('r2');
    expect(newestGoodReleaseDifferingFrom(ledger([history[1]!]), () => undefined)?.releaseId).toBe('r2');
    expect(newestGoodReleaseDifferingFrom(ledger([history[1]!]), (f) => (f.name === 'IVR' ? hex('2') : hex('a')))).toBe(
      undefined
    );
  });

  it('finds a release by id', () => {
    expect(findRelease(ledger(history), 'r2')?.flows).toHaveLength(2);
    expect(findRelease(ledger(history), 'nope')).toBeUndefined();
  });

  it('lists the flows of the last release missing from the manifest, except deleted ones', () => {
    const last = entry('r4', [
      flow('IVR'),
      flow('Old'),
      flow('Gone', { state: 'deleted', version: null, content: undefined })
    ]);
    const doc = ledger([...history, last]);
    expect(orphans(doc, ['IVR']).map((f) => f.name)).toEqual(['Old']);
    expect(orphans(doc, ['IVR', 'Old'])).toEqual([]);
    expect(orphans(undefined, [])).toEqual([]);
  });
});

describe('the history cap', () => {
  it('keeps the newest entries and the newest good entry of every flow, in order', () => {
    const history = [
      entry('old-a', [flow('A', { content: hex('a') })]),
      entry('old-b1', [flow('B', { content: hex('1') })]),
      entry('old-b2', [flow('B', { content: hex('2') })]),
      entry('old-c', [flow('C', { state: 'failed', version: null, content: undefined })], {
        outcome: 'rollback-failed'
      }),
      ...Array.from({ length: 5 }, (_, i) => entry(`new-${i}`, [flow('B', { content: hex('3') })]))
    ];
    const kept = trimHistory(history, 5).map((h) => h.releaseId);
    expect(kept).toEqual(['old-a', 'new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
    expect(trimHistory(history, 100)).toBe(history);
  });

  it('appends newest last, never twice for one release, and caps at HISTORY_LIMIT', () => {
    let doc = emptyLedger({ id: ORG });
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) doc = appendHistory(doc, entry(`r${i}`, [flow('IVR')]));
    expect(doc.history).toHaveLength(HISTORY_LIMIT);
    expect(doc.history.at(-1)?.releaseId).toBe(`r${HISTORY_LIMIT + 19}`);
    expect(appendHistory(doc, entry(`r${HISTORY_LIMIT + 19}`, []))).toBe(doc);
    const lastGoodOfA = appendHistory(emptyLedger({ id: ORG }), entry('a', [flow('A', { content: hex('a') })]), 2);
    const trimmed = [1, 2, 3].reduce((d, i) => appendHistory(d, entry(`b${i}`, [flow('B')]), 2), lastGoodOfA);
    expect(trimmed.history.map((h) => h.releaseId)).toEqual(['a', 'b2', 'b3']);
    expect(lastKnownGood(trimmed, { name: 'A', type: 'inboundcall' })?.content).toBe(hex('a'));
  });
});
