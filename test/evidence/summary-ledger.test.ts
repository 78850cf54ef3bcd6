import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { ledgerSection } from '../../src/evidence/summary-ledger.ts';
import { buildSummary } from '../../src/evidence/summary.ts';
import { MemoryJournal } from '../release/helpers.ts';

function journal(): MemoryJournal {
  const j = new MemoryJournal(new FakeClock());
  j.append('ledger-read', {
    status: 'info',
    details: {
      orgId: 'org-1',
      orgName: 'Prod',
      location: 'branch flow-release-state of origin',
      branch: 'flow-release-state',
      rev: 'abc',
      releases: 4
    }
  });
  j.append('recovery-started', {
    status: 'warning',
    details: {
      releaseId: 'rel-dead',
      runUrl: 'https://github.com/o/r/actions/runs/7',
      startedAt: '2026-01-01T00:00:00.000Z',
      onUnfinished: 'restore',
      flows: [
        {
          name: 'Support IVR',
          type: 'inboundcall',
          flowId: 'f1',
          beforeVersion: '3.0',
          jobs: ['j1'],
          live: { version: '4.0', createdByClient: 'client-9', datePublished: '2026-01-01T00:00:05.000Z' }
        }
      ]
    }
  });
  j.append('lock-taken-over', {
    status: 'warning',
    details: { orgId: 'org-1', from: 'rel-dead', fromLeaseUntil: '2026-01-01T00:30:00.000Z', reason: 'explicit' }
  });
  j.append('lock-acquired', {
    status: 'info',
    details: { orgId: 'org-1', holder: 'rel-2', leaseUntil: '2026-01-01T01:00:00.000Z' }
  });
  j.append('recovery-finished', {
    status: 'ok',
    details: {
      releaseId: 'rel-dead',
      ok: true,
      recordedAs: 'rel-2-recover',
      flows: [
        {
          name: 'Support IVR',
          type: 'inboundcall',
          flowId: 'f1',
          action: 'republish',
          attempts: 1,
          ok: true,
          expected: { version: '3.0' },
          actual: { version: '5.0' }
        }
      ]
    }
  });
  j.append('orphaned-flows', {
    status: 'warning',
    details: { flows: [{ name: 'Old IVR', type: 'inboundcall', id: 'f9', version: '2.0' }] }
  });
  j.append('lock-released', { status: 'info', details: { orgId: 'org-1', holder: 'rel-2', pushes: 4 } });
  return j;
}

describe('summary: release state', () => {
  it('tells the ledger, the lock, a recovery (who published what, when) and orphaned flows', () => {
    const text = ledgerSection(journal().events).join('\n');
    expect(text).toContain('Ledger of org org-1 (Prod) on branch flow-release-state of origin: 4 release(s)');
    expect(text).toContain('Lock taken over from release rel-dead');
    expect(text).toContain('takeover-lock: true');
    expect(text).toContain('Unfinished release rel-dead');
    expect(text).toMatch(
      /\| Support IVR \| 3\.0 \| 4\.0 \| client client-9 \| 2026-01-01T00:00:05\.000Z \| ✅ restored → 5\.0 \|/
    );
    expect(text).toContain('recorded as rel-2-recover');
    expect(text).toContain('Lock released after 4 ledger push(es)');
    expect(text).toContain('no longer managed by this manifest:** Old IVR (inboundcall, version 2.0)');
    expect(buildSummary(journal().events)).toContain('### Release state');
  });

  it('says nothing without a ledger', () => {
    expect(ledgerSection([])).toEqual([]);
  });
});
