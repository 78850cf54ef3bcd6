// End-to-end: the built action process (dist/index.js, or FLOW_RELEASE_ENTRY) against the emulator over loopback
// HTTP. Every case has its own emulator and git repository, so the cases run concurrently (jest's maxConcurrency).
// Each asserts the outcome output, the exit code, the emulator's state (published versions, publish counts, no
// duplicate publishes) and journal facts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { ScenarioInput } from '../../emulator/scenario.ts';
import { normalizeExport } from '../../src/git/normalize.ts';
import {
  baseManifest,
  baseScenario,
  commitFiles,
  describeRun,
  duplicatePublishes,
  eventsOf,
  firstEvent,
  fixture,
  flowState,
  makeRepo,
  mutatingKeys,
  publishCount,
  publishedContent,
  publishedSha,
  publishedYaml,
  release,
  startTestEmulator,
  type E2eRun,
  type Emulator
} from './helpers.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const NAMES = ['Callback Workflow', 'Support IVR', 'Billing IVR'] as const;

async function withEmulator<T>(scenario: ScenarioInput, fn: (emu: Emulator) => Promise<T>): Promise<T> {
  const emu = await startTestEmulator(scenario);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

/** Published version id and sha256 of each base flow, to prove a rollback (or a refusal) left the org as it was. */
function orgSnapshot(emu: Emulator): Record<string, { version: string | null; content: string | null }> {
  return Object.fromEntries(
    NAMES.map((n) => [n, { version: flowState(emu, n).publishedVersion, content: publishedContent(emu, n) }])
  );
}

/** Asserts each flow's live content equals `before` (after export normalisation: a rollback re-uploads an export). */
function expectContentRestored(emu: Emulator, before: ReturnType<typeof orgSnapshot>, names: readonly string[]): void {
  for (const n of names) expect([n, publishedContent(emu, n)]).toEqual([n, before[n]!.content]);
}

function published(run: E2eRun): { name: string; fromVersion: string | null; toVersion: string }[] {
  return JSON.parse(run.outputs.published ?? '[]') as { name: string; fromVersion: string | null; toVersion: string }[];
}

interface AuditView {
  outcome: string;
  rollbacks: { ok: boolean | null; flows: { name: string; ok: boolean }[] }[];
  checks: { check: string; result: string }[];
  contentHashes: { flow: string; of: string; hash: string }[];
}
const auditOf = (run: E2eRun) => run.audit as unknown as AuditView;

/** The audit document tells the same rollback story as the journal: one verified rollback of `names`. */
function expectAuditRollback(run: E2eRun, names: string[]): void {
  const audit = auditOf(run);
  expect(audit.outcome).toBe('rolled-back');
  expect(audit.rollbacks).toHaveLength(1);
  expect(audit.rollbacks[0]!.ok).toBe(true);
  expect(audit.rollbacks[0]!.flows.map((f) => [f.name, f.ok])).toEqual(names.map((n) => [n, true]));
}

function expectOutcome(run: E2eRun, outcome: string, exitCode: number): void {
  const detail = describeRun(run);
  expect({ outcome: run.outputs.outcome, exitCode: run.exitCode, detail }).toEqual({ outcome, exitCode, detail });
}

describe('release end to end (action process ↔ emulator)', () => {
  test.concurrent('a two-stage release succeeds, publishes each flow once and commits the exports', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const repo = makeRepo({ manifest: baseManifest() });
      const run = await release(repo, emu);
      expectOutcome(run, 'succeeded', 0);

      // Stage 1 first; within stage 2 the order is the order the concurrent publishes finished.
      const pub = published(run).map((p) => [p.name, p.fromVersion, p.toVersion]);
      expect(pub[0]).toEqual(['Callback Workflow', '1.0', '2.0']);
      expect(pub.slice(1).sort()).toEqual([
        ['Billing IVR', '2.0', '3.0'],
        ['Support IVR', '1.0', '2.0']
      ]);
      for (const p of published(run)) {
        const f = flowState(emu, p.name);
        expect([p.name, f.publishedVersion, f.publishCount]).toEqual([p.name, p.toVersion, 1]);
      }
      expect(duplicatePublishes(emu)).toBe(0);
      // What went live is exactly the substituted file content.
      const succeeded = eventsOf(run, 'publish-succeeded');
      expect(succeeded).toHaveLength(3);
      for (const e of succeeded) expect(publishedSha(emu, e.flow!)).toBe(e.details.contentHash);

      // Stages ran in order, canary first, and each stage's checks passed.
      expect(eventsOf(run, 'stage-started').map((e) => e.details.name)).toEqual(['canary', 'everything']);
      expect(eventsOf(run, 'stage-succeeded').map((e) => e.details.name)).toEqual(['canary', 'everything']);
      const canaryPublishedAt = eventsOf(run, 'publish-succeeded').find((e) => e.flow === 'Callback Workflow')!.seq;
      const stage2StartedAt = eventsOf(run, 'stage-started')[1]!.seq;
      expect(canaryPublishedAt).toBeLessThan(stage2StartedAt);
      const checks = eventsOf(run, 'check-result').map((e) => [e.details.check, e.details.result]);
      expect(checks).toContainEqual(['smoke', 'pass']);
      expect(checks.filter(([c]) => c === 'failures').length).toBeGreaterThanOrEqual(2);
      expect(checks.every(([, r]) => r === 'pass')).toBe(true);
      expect(mutatingKeys(emu)).toContain('POST /api/v2/flows/executions');
      expect(eventsOf(run, 'rollback-started')).toHaveLength(0);

      // The release record and the exports are committed and pushed.
      expect(run.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/);
      expect(repo.remoteLog()[0]).toMatch(/^release: rel-.* \[skip ci\]$/);
      const record = JSON.parse(repo.remoteGit('show', 'main:genesys/published/release.json')) as {
        flows: { name: string; version: string; contentHash: string }[];
      };
      expect(record.flows.map((f) => [f.name, f.version]).sort()).toEqual(
        published(run)
          .map((p) => [p.name, p.toVersion])
          .sort()
      );
      expect(run.audit).toMatchObject({ outcome: 'succeeded' });
      for (const e of succeeded) {
        expect(auditOf(run).contentHashes).toContainEqual(
          expect.objectContaining({ flow: e.flow, of: 'published', hash: e.details.contentHash })
        );
      }
    });
  });

  test.concurrent('a publish job Failure in stage 2 rolls back stages 2 and 1, newest first, verified', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const before = orgSnapshot(emu);
      emu.addFault({
        kind: 'job-failure',
        flow: 'Billing IVR',
        message: 'Unable to find a queue named Billing.',
        count: 1
      });
      const repo = makeRepo({ manifest: baseManifest() });
      const run = await release(repo, emu);
      expectOutcome(run, 'rolled-back', 1);

      const failed = eventsOf(run, 'publish-failed');
      expect(failed.map((e) => e.flow)).toEqual(['Billing IVR']);
      expect(failed[0]!.details.error + (failed[0]!.details.messages ?? []).join(' ')).toContain('Billing');
      const rolled = eventsOf(run, 'rollback-flow');
      // Newest first: whatever stage 2 changed comes before stage 1's Callback Workflow.
      expect(rolled.at(-1)?.flow).toBe('Callback Workflow');
      expect(rolled.map((e) => e.flow)).toContain('Callback Workflow');
      expect(rolled.map((e) => e.flow)).not.toContain('Billing IVR');
      expect(rolled.every((e) => e.details.ok && e.details.action === 'republish')).toBe(true);
      const finished = firstEvent(run, 'rollback-finished');
      expect(finished.ok).toBe(true);
      // Stage 2's Support IVR was published concurrently with the failed Billing IVR: the stage waits for both, and
      // Support IVR is rolled back before stage 1's Callback Workflow.
      expect(flowState(emu, 'Support IVR').publishCount).toBe(2);
      expect(rolled.map((e) => e.flow)).toEqual(['Support IVR', 'Callback Workflow']);

      // The org is back: same content live as before, by sha256; every flow published forward then back.
      expectContentRestored(emu, before, NAMES);
      expect(flowState(emu, 'Billing IVR').publishedVersion).toBe(before['Billing IVR']!.version);
      expect(flowState(emu, 'Callback Workflow').publishCount).toBe(2);
      expect(duplicatePublishes(emu)).toBe(0);
      expectAuditRollback(run, ['Support IVR', 'Callback Workflow']);
      expect(published(run)).toEqual([]);
      expect(run.outputs['commit-sha'] ?? '').toBe('');
      expect(repo.remoteLog()).toHaveLength(1);
    });
  });

  test.concurrent('a failing execution check in stage 1 rolls back the canary only', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const before = orgSnapshot(emu);
      emu.addFault({
        kind: 'execution-failure',
        flow: 'Callback Workflow',
        message: 'Data action Lookup Customer failed'
      });
      const run = await release(makeRepo({ manifest: baseManifest() }), emu);
      expectOutcome(run, 'rolled-back', 1);

      const smoke = eventsOf(run, 'check-result').filter((e) => e.details.check === 'smoke');
      expect(smoke[0]?.details.result).toBe('fail');
      expect(JSON.stringify(smoke[0]?.details.measured)).toContain('FAILED');
      expect(firstEvent(run, 'stage-failed').name).toBe('canary');
      expect(eventsOf(run, 'rollback-flow').map((e) => [e.flow, e.details.ok])).toEqual([['Callback Workflow', true]]);
      // Stage 2 never started: its flows were not touched.
      expect(eventsOf(run, 'stage-started').map((e) => e.details.name)).toEqual(['canary']);
      expect(flowState(emu, 'Support IVR').publishCount).toBe(0);
      expect(flowState(emu, 'Billing IVR').publishCount).toBe(0);
      expectContentRestored(emu, before, ['Callback Workflow']);
      expect(orgSnapshot(emu)['Support IVR']).toEqual(before['Support IVR']);
      expect(duplicatePublishes(emu)).toBe(0);
      expectAuditRollback(run, ['Callback Workflow']);
      expect(auditOf(run).checks).toContainEqual(expect.objectContaining({ check: 'smoke', result: 'fail' }));
    });
  });

  test.concurrent('a failing analytics check in stage 2 rolls back both stages', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const before = orgSnapshot(emu);
      emu.addFault({ kind: 'unhealthy', flow: 'Support IVR', failureRatio: 0.5, initial: 60, after: 'next-publish' });
      const run = await release(makeRepo({ manifest: baseManifest() }), emu);
      expectOutcome(run, 'rolled-back', 1);

      const failing = eventsOf(run, 'check-result').filter(
        (e) => e.details.check === 'failures' && e.details.result === 'fail'
      );
      expect(failing.length).toBeGreaterThanOrEqual(1);
      const measured = failing[0]!.details.measured as { failureRate?: number; samples?: number };
      expect(measured.failureRate).toBeGreaterThan(0.3);
      expect(measured.samples).toBeGreaterThanOrEqual(20);
      expect(failing[0]!.details.expected).toMatchObject({ max: 0.05 });
      expect(firstEvent(run, 'stage-failed').name).toBe('everything');
      const order = eventsOf(run, 'rollback-flow').map((e) => e.flow);
      expect(order.at(-1)).toBe('Callback Workflow');
      expect([...order].sort()).toEqual([...NAMES].sort());
      expect(firstEvent(run, 'rollback-finished').ok).toBe(true);
      expectContentRestored(emu, before, NAMES);
      for (const n of NAMES) expect([n, flowState(emu, n).publishCount]).toEqual([n, 2]);
      expect(duplicatePublishes(emu)).toBe(0);
      expectAuditRollback(run, order as string[]);
      expect(auditOf(run).checks).toContainEqual(expect.objectContaining({ check: 'failures', result: 'fail' }));
    });
  });

  describe('insufficient analytics data (a flow with no traffic)', () => {
    const noTraffic = (): ScenarioInput => {
      const s = baseScenario();
      s.flows = s.flows!.map((f) => (f.name === 'Support IVR' ? { ...f, traffic: { perMinute: 0, initial: 0 } } : f));
      return s;
    };

    test.concurrent('on-insufficient-data: fail → rolled back', async () => {
      await withEmulator(noTraffic(), async (emu) => {
        const before = orgSnapshot(emu);
        const run = await release(makeRepo({ manifest: baseManifest() }), emu);
        expectOutcome(run, 'rolled-back', 1);
        const r = eventsOf(run, 'check-result').find(
          (e) => e.details.check === 'failures' && e.details.result !== 'pass'
        );
        expect(r?.details.result).toMatch(/fail|inconclusive/);
        expect(r?.details.message).toMatch(/insufficient|samples/i);
        expect(r?.details.measured).toMatchObject({ samples: 0 });
        expectContentRestored(emu, before, NAMES);
        expect(duplicatePublishes(emu)).toBe(0);
      });
    });

    test.concurrent('on-insufficient-data: pass-with-warning → succeeded with a warning', async () => {
      await withEmulator(noTraffic(), async (emu) => {
        const manifest = baseManifest();
        manifest.checks.failures!['on-insufficient-data'] = 'pass-with-warning';
        const run = await release(makeRepo({ manifest }), emu);
        expectOutcome(run, 'succeeded', 0);
        const results = eventsOf(run, 'check-result').filter((e) => e.details.check === 'failures');
        expect(results.map((e) => [e.flow ?? '', e.details.result])).toContainEqual([
          expect.anything(),
          'pass-with-warning'
        ]);
        expect(results.some((e) => e.details.result === 'fail')).toBe(false);
        expect(run.annotations.some((a) => a.level === 'warning' && /Support IVR/.test(a.message))).toBe(true);
        for (const n of NAMES) expect([n, flowState(emu, n).publishCount]).toEqual([n, 1]);
        expect(eventsOf(run, 'rollback-started')).toHaveLength(0);
      });
    });
  });

  test.concurrent('a flow locked by a person is refused before any change, naming the user', async () => {
    const s = baseScenario();
    s.flows = s.flows!.map((f) => (f.name === 'Billing IVR' ? { ...f, lockedBy: 'Jane Doe' } : f));
    await withEmulator(s, async (emu) => {
      const before = orgSnapshot(emu);
      const run = await release(makeRepo({ manifest: baseManifest() }), emu);
      expectOutcome(run, 'failed', 1);
      // Stage 1 (not locked) was not released either: the refusal comes before any change.
      expect(emu.mutatingRequests()).toEqual([]);
      expect(publishCount(emu)).toBe(0);
      expect(orgSnapshot(emu)).toEqual(before);
      const refused = firstEvent(run, 'flow-refused');
      expect(refused.lockedBy).toBe('Jane Doe');
      expect(refused.reason).toContain('Jane Doe');
      expect(eventsOf(run, 'stage-started')).toHaveLength(0);
      expect(run.annotations.some((a) => a.level === 'error' && a.message.includes('Jane Doe'))).toBe(true);
      expect(flowState(emu, 'Billing IVR').lockedBy).toBe('Jane Doe');
    });
  });

  test.concurrent('force-unlock: true unlocks the flow, says so in the journal, and releases', async () => {
    const s = baseScenario();
    s.flows = s.flows!.map((f) => (f.name === 'Billing IVR' ? { ...f, lockedBy: 'Jane Doe' } : f));
    await withEmulator(s, async (emu) => {
      const manifest = baseManifest();
      manifest.flows.find((f) => f.name === 'Billing IVR')!['force-unlock'] = true;
      const run = await release(makeRepo({ manifest }), emu);
      expectOutcome(run, 'succeeded', 0);
      const unlocked = eventsOf(run, 'flow-unlocked');
      expect(unlocked.map((e) => [e.flow, e.details.lockedBy])).toEqual([['Billing IVR', 'Jane Doe']]);
      expect(mutatingKeys(emu).filter((k) => k === 'POST /api/v2/flows/actions/unlock')).toHaveLength(1);
      // Unlocked before its publish (Billing IVR's job is one of the two stage-2 jobs, after stage 1's).
      const keys = mutatingKeys(emu);
      expect(keys.indexOf('POST /api/v2/flows/actions/unlock')).toBeLessThan(
        keys.lastIndexOf('POST /api/v2/flows/jobs')
      );
      expect(flowState(emu, 'Billing IVR')).toMatchObject({ lockedBy: null, publishCount: 1 });
      // The audit document carries the unlock.
      expect(JSON.stringify(run.audit)).toContain('flow-unlocked');
      expect(duplicatePublishes(emu)).toBe(0);
    });
  });

  test.concurrent('command: plan makes zero mutating calls and reports the plan', async () => {
    const s = baseScenario();
    s.flows = [
      ...s.flows!,
      {
        name: 'Sales IVR',
        type: 'inboundcall',
        versions: 1,
        draft: { yaml: 'inboundCall:\n  name: Sales IVR\n  division: Home\n' }
      }
    ];
    await withEmulator(s, async (emu) => {
      const manifest = baseManifest();
      manifest.flows.push({ name: 'Sales IVR', type: 'inboundcall', source: 'draft' });
      (manifest.stages[1]!.flows as string[]).push('Sales IVR');
      const repo = makeRepo({ manifest });
      const run = await release(repo, emu, { command: 'plan' });
      expectOutcome(run, 'planned', 0);

      expect(emu.mutatingRequests()).toEqual([]);
      expect(emu.state().mutatingRequests).toBe(0);
      const counts = emu.counts();
      for (const key of [
        'POST /api/v2/flows/jobs',
        'POST /api/v2/flows/actions/publish',
        'POST /api/v2/flows/actions/unlock',
        'DELETE /api/v2/flows/{id}',
        'POST /api/v2/flows/executions'
      ]) {
        expect([key, counts[key] ?? 0]).toEqual([key, 0]);
      }
      expect(emu.requests().some((r) => r.method === 'PUT')).toBe(false);
      expect(publishCount(emu)).toBe(0);
      expect(emu.state().jobs).toEqual([]);

      const plan = firstEvent(run, 'plan');
      expect(plan.flows.map((f) => [f.name, f.action, f.stage])).toEqual([
        ['Callback Workflow', 'update', 'canary'],
        ['Support IVR', 'update', 'everything'],
        ['Billing IVR', 'update', 'everything'],
        ['Sales IVR', 'update', 'everything']
      ]);
      expect(plan.flows.find((f) => f.name === 'Sales IVR')?.draftVersion).toBeDefined();
      expect(eventsOf(run, 'stage-started')).toHaveLength(0);
      expect(run.summary).toMatch(/Support IVR/);
      expect(repo.remoteLog()).toHaveLength(1);
    });
  });

  test.concurrent('re-running the same content publishes nothing', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const repo = makeRepo({ manifest: baseManifest({ bake: '0s' }) });
      const first = await release(repo, emu);
      expectOutcome(first, 'succeeded', 0);
      const afterFirst = orgSnapshot(emu);
      const publishesAfterFirst = publishCount(emu);
      expect(publishesAfterFirst).toBe(3);

      emu.resetRequests();
      const second = await release(repo, emu);
      expectOutcome(second, 'succeeded', 0);
      expect(published(second)).toEqual([]);
      expect(firstEvent(second, 'plan').flows.map((f) => f.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect(emu.counts()['POST /api/v2/flows/jobs'] ?? 0).toBe(0);
      expect(emu.mutatingRequests()).toEqual([]);
      expect(publishCount(emu)).toBe(publishesAfterFirst);
      expect(orgSnapshot(emu)).toEqual(afterFirst);
      expect(eventsOf(second, 'publish-started')).toHaveLength(0);
      expect(duplicatePublishes(emu)).toBe(0);
      // Nothing new to commit.
      expect(repo.remoteLog().filter((l) => l.startsWith('release:'))).toHaveLength(1);
    });
  });

  test.concurrent('source: draft promotes the checked-in version through actions/publish', async () => {
    const draftYaml =
      'inboundCall:\n  name: Billing IVR\n  description: Draft checked in by Architect\n  division: Home\n';
    const s = baseScenario();
    s.flows = s.flows!.map((f) => (f.name === 'Billing IVR' ? { ...f, draft: { yaml: draftYaml } } : f));
    await withEmulator(s, async (emu) => {
      const before = flowState(emu, 'Billing IVR');
      expect(before.checkedInVersion).not.toBeNull();
      const manifest = baseManifest();
      manifest.flows = manifest.flows.map((f) =>
        f.name === 'Billing IVR' ? { name: 'Billing IVR', type: 'inboundcall', source: 'draft' } : f
      );
      const run = await release(makeRepo({ manifest }), emu);
      expectOutcome(run, 'succeeded', 0);

      const started = eventsOf(run, 'publish-started').find((e) => e.flow === 'Billing IVR');
      expect(started?.details.method).toBe('actions-publish');
      const after = flowState(emu, 'Billing IVR');
      expect(after.publishedVersion).not.toBe(before.publishedVersion);
      expect(after.publishCount).toBe(1);
      expect(publishedSha(emu, 'Billing IVR')).toBe(sha256(draftYaml));
      expect(mutatingKeys(emu).filter((k) => k === 'POST /api/v2/flows/actions/publish')).toHaveLength(1);
      // Two Architect jobs: the two file flows; none for the draft.
      expect(emu.counts()['POST /api/v2/flows/jobs']).toBe(2);
      expect(published(run).find((p) => p.name === 'Billing IVR')).toMatchObject({
        fromVersion: before.publishedVersion,
        toVersion: after.publishedVersion
      });
      expect(emu.counts()['POST /api/v2/flows/validate/jobs']).toBe(1);
      expect(duplicatePublishes(emu)).toBe(0);
    });
  });

  test.concurrent('a flow created by a failed release is deleted on rollback (new-flows: delete)', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const before = orgSnapshot(emu);
      emu.addFault({ kind: 'job-failure', flow: 'Support IVR', message: 'Unable to find a queue named Support.' });
      const escalation = fixture('flows/billing-ivr.yaml').replace('Billing IVR', 'Escalation IVR');
      const manifest = {
        version: 1,
        flows: [
          {
            name: 'Escalation IVR',
            type: 'inboundcall',
            file: 'genesys/flows/escalation-ivr.yaml',
            substitutions: { greeting: 'Hi' }
          },
          {
            name: 'Support IVR',
            type: 'inboundcall',
            file: 'genesys/flows/support-ivr.yaml',
            substitutions: { greeting: 'Hi', queue: 'Support' }
          }
        ],
        stages: [
          { name: 'new', flows: ['Escalation IVR'] },
          { name: 'existing', flows: ['Support IVR'] }
        ],
        rollback: { 'new-flows': 'delete' },
        'job-timeout': '30s'
      };
      const run = await release(
        makeRepo({
          manifest,
          flows: {
            'genesys/flows/escalation-ivr.yaml': escalation,
            'genesys/flows/support-ivr.yaml': fixture('flows/support-ivr.yaml')
          }
        }),
        emu
      );
      expectOutcome(run, 'rolled-back', 1);
      const created = eventsOf(run, 'publish-succeeded').find((e) => e.flow === 'Escalation IVR');
      expect(created?.details.created).toBe(true);
      const rolled = eventsOf(run, 'rollback-flow');
      expect(rolled.map((e) => [e.flow, e.details.action, e.details.ok])).toEqual([['Escalation IVR', 'delete', true]]);
      expect(rolled[0]!.details.actual.deleted).toBe(true);
      const esc = emu.state().flows.filter((f) => f.name === 'Escalation IVR');
      expect(esc).toHaveLength(1);
      expect(esc[0]!.deleted).toBe(true);
      expect(mutatingKeys(emu)).toContain('DELETE /api/v2/flows/{id}');
      expectAuditRollback(run, ['Escalation IVR']);
      expect(orgSnapshot(emu)['Support IVR']).toEqual(before['Support IVR']);
      expect(duplicatePublishes(emu)).toBe(0);
    });
  });

  test.concurrent('the flows input releases only the named flows; the others stay untouched', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const before = orgSnapshot(emu);
      const run = await release(makeRepo({ manifest: baseManifest() }), emu, { flows: 'Support IVR' });
      expectOutcome(run, 'succeeded', 0);
      expect(published(run).map((p) => p.name)).toEqual(['Support IVR']);
      expect(flowState(emu, 'Support IVR').publishCount).toBe(1);
      for (const n of ['Callback Workflow', 'Billing IVR'] as const) {
        expect([n, flowState(emu, n).publishCount]).toEqual([n, 0]);
        expect([n, orgSnapshot(emu)[n]]).toEqual([n, before[n]]);
      }
      expect(emu.counts()['POST /api/v2/flows/jobs']).toBe(1);
      const plan = firstEvent(run, 'plan');
      expect(Object.fromEntries(plan.flows.map((f) => [f.name, f.action]))).toEqual({
        'Callback Workflow': 'skipped',
        'Support IVR': 'update',
        'Billing IVR': 'skipped'
      });
      expect(firstEvent(run, 'release-started').flowsFilter).toEqual(['Support IVR']);
      // The execution check of the skipped canary stage launched nothing.
      expect(emu.counts()['POST /api/v2/flows/executions'] ?? 0).toBe(0);
      expect(duplicatePublishes(emu)).toBe(0);
    });
  });

  test.concurrent('command: rollback restores the content of the last recorded release', async () => {
    await withEmulator(baseScenario(), async (emu) => {
      const repo = makeRepo({ manifest: baseManifest({ greeting: 'Release one', bake: '0s' }) });
      const first = await release(repo, emu);
      expectOutcome(first, 'succeeded', 0);
      const recordedSha = Object.fromEntries(NAMES.map((n) => [n, publishedSha(emu, n)]));
      const releaseOne = orgSnapshot(emu);
      const recordText = readFileSync(join(repo.workspace, 'genesys/published/release.json'), 'utf8');
      const record = JSON.parse(recordText) as {
        releaseId: string;
        flows: { name: string; version: string; contentHash: string; file: string }[];
      };
      expect(record.releaseId).toBe(first.outputs['release-id']);

      // Release 2 publishes other content without recording it (commit-artifacts: false).
      commitFiles(
        repo,
        { 'genesys/release.yml': baseManifest({ greeting: 'Release two', bake: '0s' }) },
        'Release two'
      );
      const second = await release(repo, emu, { 'commit-artifacts': 'false' });
      expectOutcome(second, 'succeeded', 0);
      for (const n of NAMES) expect([n, publishedContent(emu, n)]).not.toEqual([n, releaseOne[n]!.content]);

      emu.resetRequests();
      const rollback = await release(repo, emu, { command: 'rollback' });
      expectOutcome(rollback, 'succeeded', 0);
      const rolled = eventsOf(rollback, 'rollback-flow');
      expect(rolled.map((e) => e.flow).sort()).toEqual([...NAMES].sort());
      expect(rolled.every((e) => e.details.ok)).toBe(true);
      for (const f of record.flows) {
        // The live version is a new one whose content is release 1's export, from the ledger (not the artifacts
        // directory), uploaded without the export's header comments.
        const recorded = readFileSync(join(repo.workspace, 'genesys/published', f.file), 'utf8');
        const state = flowState(emu, f.name);
        expect([f.name, state.publishedVersion]).not.toEqual([f.name, f.version]);
        expect([f.name, publishedContent(emu, f.name)]).toEqual([f.name, normalizeExport(recorded)]);
        expect([f.name, publishedYaml(emu, f.name)?.startsWith('#')]).toEqual([f.name, false]);
        expect([f.name, publishedContent(emu, f.name)]).toEqual([f.name, releaseOne[f.name]!.content]);
        // The record's hash is of the YAML as release 1 published it.
        expect([f.name, f.contentHash]).toEqual([f.name, recordedSha[f.name]]);
        expect([f.name, state.publishCount]).toEqual([f.name, 3]);
      }
      expect(emu.counts()['POST /api/v2/flows/jobs']).toBe(3);
      expect(duplicatePublishes(emu)).toBe(0);
      expect(firstEvent(rollback, 'release-started').command).toBe('rollback');
    });
  });
});
