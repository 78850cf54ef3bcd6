// One rule for the outcome of a run that did not finish on its own (journal/outcome.ts): the cancellation flush
// (main.ts cancelledFinish) and the post step's rebuild of the audit (deriveRelease for a journal without
// release-finished) must agree, and the engine's own cancellation path uses the same rule.
import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import type { RollbackFlowResult } from '../../src/domain/types.ts';
import { buildAuditDocument } from '../../src/evidence/audit.ts';
import type { JournalEvent } from '../../src/journal/events.ts';
import { cancelledFinish } from '../../src/main.ts';
import { archy, fileFlow, harness, manifest, MemoryJournal, stage } from './helpers.ts';

function restore(name: string, ok: boolean): RollbackFlowResult {
  return {
    name,
    type: 'inboundcall',
    flowId: `id-${name}`,
    action: 'republish',
    attempts: ok ? 1 : 3,
    ok,
    expected: { version: '1.0', contentHash: 'a'.repeat(64) },
    actual: ok ? { version: '3.0', contentHash: 'a'.repeat(64) } : { version: '2.0' },
    error: ok ? undefined : 'Archy exit code: 107'
  };
}

/** A journal of a deploy of A and B, cut where the SIGTERM arrives (main.ts journals `cancelled` at once). */
function journalUntil(cut: 'plan' | 'published' | 'rolling-back' | 'rolled-back' | 'rollback-failed'): JournalEvent[] {
  const j = new MemoryJournal(new FakeClock());
  j.append('plan', {
    status: 'info',
    details: {
      flows: ['A', 'B'].map((name) => ({
        name,
        type: 'inboundcall',
        stage: 'all',
        action: 'update' as const,
        source: 'file' as const,
        flowId: `id-${name}`,
        publishedVersion: '1.0',
        reason: 'content changed since the last release'
      })),
      stages: [{ name: 'all', flows: ['A', 'B'], bakeMs: 0, checks: [] }]
    }
  });
  j.append('stage-started', { stage: 'all', status: 'info', details: { index: 0, name: 'all', flows: ['A', 'B'] } });
  if (cut !== 'plan') {
    for (const name of ['A', 'B']) {
      j.append('publish-succeeded', {
        stage: 'all',
        flow: name,
        status: 'ok',
        details: { flowId: `id-${name}`, fromVersion: '1.0', toVersion: '2.0', created: false }
      });
    }
  }
  if (cut === 'rolling-back' || cut === 'rolled-back' || cut === 'rollback-failed') {
    j.append('stage-failed', { stage: 'all', status: 'error', details: { name: 'all', reason: 'Check failed' } });
    j.append('rollback-started', {
      status: 'warning',
      details: { reason: 'Stage all: Check failed', flows: ['B', 'A'] }
    });
    const b = restore('B', cut !== 'rollback-failed');
    j.append('rollback-flow', { flow: 'B', status: b.ok ? 'ok' : 'error', details: b });
    if (cut !== 'rolling-back') {
      const a = restore('A', true);
      j.append('rollback-flow', { flow: 'A', status: 'ok', details: a });
      const ok = b.ok && a.ok;
      j.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: [b, a] } });
    }
  }
  j.append('cancelled', { status: 'warning', details: { signal: 'SIGTERM' } });
  return j.events;
}

describe('the outcome of a cancelled run: flush and post-step rebuild agree', () => {
  it.each([
    ['before any publish', 'plan', 'failed'],
    ['after publishes, without a rollback', 'published', 'failed'],
    ['while a rollback is running', 'rolling-back', 'failed'],
    ['after a completed rollback', 'rolled-back', 'rolled-back'],
    ['after a failed rollback', 'rollback-failed', 'rollback-failed']
  ] as const)('cancelled %s → %s', (_what, cut, expected) => {
    const events = journalUntil(cut);
    const flushed = cancelledFinish(events, 'SIGTERM');
    // The post step finds no audit document: it rebuilds it from the journal, which has no release-finished.
    const rebuilt = buildAuditDocument(events);
    expect(flushed.outcome).toBe(expected);
    expect(rebuilt.outcome).toBe(expected);
  });

  it('the flush names what it leaves behind and what a running rollback left unverified', () => {
    expect(cancelledFinish(journalUntil('published'), 'SIGTERM').stepError).toBe(
      'Cancelled by SIGTERM: nothing was rolled back; left at their new versions: A 2.0, B 2.0. Re-run the release, or run it with command: rollback.'
    );
    expect(cancelledFinish(journalUntil('rolling-back'), 'SIGTERM').stepError).toMatch(
      /the rollback did not finish before the evidence had to be written, so the flows it was restoring are unverified/
    );
    expect(cancelledFinish(journalUntil('rollback-failed'), 'SIGTERM').stepError).toBe(
      'Cancelled by SIGTERM: the rollback failed.'
    );
  });

  it('a crashed run (no signal) with a failed restore is rollback-failed', () => {
    const events = journalUntil('rollback-failed').filter((e) => e.type !== 'cancelled');
    expect(buildAuditDocument(events).outcome).toBe('rollback-failed');
  });

  it('the engine, the flush and the rebuild agree when a signal arrives during an automatic rollback', async () => {
    const h = harness();
    h.api.addFlow({ name: 'Support IVR', type: 'inboundcall', content: archy('Support IVR', 'inboundcall', 'v1') });
    h.api.addFlow({ name: 'Sales IVR', type: 'inboundcall', content: archy('Sales IVR', 'inboundcall', 'v1') });
    h.api.addFlow({ name: 'Billing IVR', type: 'inboundcall', content: archy('Billing IVR', 'inboundcall', 'v1') });
    const m = manifest(
      [fileFlow('Support IVR'), fileFlow('Sales IVR'), fileFlow('Billing IVR')],
      [stage('all', ['Support IVR', 'Sales IVR', 'Billing IVR'])],
      [],
      { concurrency: 1 }
    );
    const ac = new AbortController();
    let atSignal: JournalEvent[] = [];
    // Billing IVR's job fails; the rollback restores Sales IVR first and the signal arrives during its restore job.
    h.api.faults.architectJob = (name, nth) => {
      if (name === 'Billing IVR') return { fail: 'broken' };
      if (name === 'Sales IVR' && nth === 2) {
        h.journal.append('cancelled', { status: 'warning', details: { signal: 'SIGTERM' } });
        atSignal = [...h.journal.events];
        ac.abort(new Error('cancelled by SIGTERM'));
      }
      return undefined;
    };
    const r = await h.run({ manifest: m }, ac.signal);
    expect(h.journal.ofType('rollback-started')[0]!.details.flows).toEqual(['Sales IVR', 'Support IVR']);
    expect(atSignal.some((e) => e.type === 'rollback-started')).toBe(true);
    expect(cancelledFinish(atSignal, 'SIGTERM').outcome).toBe('failed');
    expect(buildAuditDocument(atSignal).outcome).toBe('failed');
    expect(r.outcome).toBe('failed');
    // The engine's finished journal, rebuilt without its conclusion, says the same.
    expect(buildAuditDocument(h.journal.events.slice()).outcome).toBe('failed');
    expect(r.message).toMatch(/The rollback was cancelled/);
  });
});
