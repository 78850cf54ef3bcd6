import { describe, expect, it } from '@jest/globals';
import type { ReleaseRecord } from '../../src/git/types.ts';
import type { AnalyticsCheck } from '../../src/checks/kinds/analytics.ts';
import type { ExecutionCheck } from '../../src/checks/kinds/execution.ts';
import type { ReleaseManifest } from '../../src/manifest/types.ts';
import { exportHash } from '../../src/release/normalize.ts';
import { MUTATING } from './fake-genesys.ts';
import { archy, draftFlow, fileFlow, harness, manifest, stage, type Harness } from './helpers.ts';

const smoke: ExecutionCheck = {
  kind: 'execution',
  name: 'callback-smoke',
  flow: 'Callback Workflow',
  input: { customerId: 'synthetic-1' },
  expect: { status: 'COMPLETED', output: { ok: true } },
  timeoutMs: 60_000
};

const failures = (extra: Partial<AnalyticsCheck> = {}): AnalyticsCheck => ({
  kind: 'analytics',
  name: 'outcome-failures',
  metric: 'outcome-failure-rate',
  max: 0.05,
  minSamples: 20,
  onInsufficientData: 'fail',
  ...extra
});

/** Org: Callback Workflow and Support IVR at 1.0; Sales IVR is new. Two stages with an execution and an analytics check. */
function twoStage(h: Harness, extra: Partial<ReleaseManifest> = {}, check = failures()): ReleaseManifest {
  h.api.addFlow({ name: 'Callback Workflow', type: 'workflow', content: archy('Callback Workflow', 'workflow', 'v1') });
  h.api.addFlow({ name: 'Support IVR', type: 'inboundcall', content: archy('Support IVR', 'inboundcall', 'v1') });
  h.api.faults.aggregates = () => ({ outcomes: 100, failed: 1 });
  return manifest(
    [fileFlow('Callback Workflow', 'workflow'), fileFlow('Support IVR'), fileFlow('Sales IVR')],
    [
      stage('canary', ['Callback Workflow'], ['callback-smoke'], 120_000),
      stage('everything', ['Support IVR', 'Sales IVR'], ['outcome-failures'], 600_000, 120_000)
    ],
    [smoke, check],
    extra
  );
}

/** The release record a successful run `h` would commit: every flow's id and live version, from the journal. */
function recordFrom(h: Harness, m: ReleaseManifest): ReleaseRecord {
  return {
    schemaVersion: 1,
    releaseId: 'rel-1',
    sourceCommit: 'abc',
    outcome: 'succeeded',
    flows: h.flows().map((f) => {
      const spec = m.flows.find((s) => s.name === f.name)!;
      return {
        name: f.name,
        type: f.type!,
        id: f.flowId!,
        version: f.finalVersion!,
        contentHash: spec.source === 'file' ? spec.contentHash : '',
        file: `${f.type}/${f.name}.yaml`
      };
    })
  };
}

describe('runRelease: deploy', () => {
  it('releases two stages: snapshot before publish, bake with checks, exports after', async () => {
    const h = harness();
    const m = twoStage(h);
    const r = await h.run({ manifest: m, exportAfter: true });
    expect(r.outcome).toBe('succeeded');
    expect(r.published.map((p) => [p.name, p.fromVersion, p.toVersion])).toEqual([
      ['Callback Workflow', '1.0', '2.0'],
      ['Support IVR', '1.0', '2.0'],
      ['Sales IVR', null, '1.0']
    ]);
    expect(h.api.publishedContent('Support IVR')).toBe(archy('Support IVR', 'inboundcall', 'v2'));
    const types = h.journal.types();
    // Every snapshot (stage 2's too) is taken in one export job before the first publish of the release.
    expect(types.lastIndexOf('snapshot')).toBeLessThan(types.indexOf('publish-started'));
    const snaps = h.journal.ofType('snapshot');
    expect(snaps.map((e) => [e.flow, e.stage])).toEqual([
      ['Callback Workflow', 'canary'],
      ['Support IVR', 'everything']
    ]);
    expect(new Set(snaps.map((e) => e.details.exportJobId)).size).toBe(1);
    const snap = snaps.find((e) => e.flow === 'Support IVR')!;
    expect(snap.details.version).toBe('1.0');
    expect(snap.details.contentHash).toBe(exportHash(archy('Support IVR', 'inboundcall', 'v1')));
    // Bake: canary 2 min with 30 s interval → 4 execution rounds; everything 10 min every 2 min → 5 rounds × 2 flows.
    const checks = h.journal.ofType('check-result');
    expect(checks.filter((c) => c.details.check === 'callback-smoke')).toHaveLength(4);
    expect(checks.filter((c) => c.details.check === 'outcome-failures')).toHaveLength(10);
    expect(checks.every((c) => c.details.result === 'pass')).toBe(true);
    const analytics = checks.find((c) => c.details.kind === 'analytics')!;
    expect(analytics.details.measured).toMatchObject({ samples: 100, failed: 1, failureRate: 0.01 });
    expect(analytics.details.expected).toMatchObject({ max: 0.05, minSamples: 20 });
    // One aggregates query per round for both flows of the stage: 5 rounds → 5 queries.
    expect(h.api.aggregateQueries).toHaveLength(5);
    const q = h.api.aggregateQueries[0]!;
    expect(q.groupBy).toEqual(['flowId', 'flowVersion']);
    expect(q.metrics).toEqual(['nFlowOutcome', 'nFlowOutcomeFailed']);
    expect(q.filter).toEqual({
      type: 'and',
      clauses: [
        {
          type: 'or',
          predicates: ['Support IVR', 'Sales IVR'].map((n) => ({ dimension: 'flowId', value: h.api.byName(n)!.id }))
        }
      ]
    });
    expect(h.api.launches[0]).toMatchObject({ flowVersion: '2.0', inputData: { customerId: 'synthetic-1' } });
    // One listing per type, never one lookup per flow.
    expect(h.api.count('listFlows')).toBe(2);
    // ... except right before creating Sales IVR: it must still not exist (another release may have created it).
    expect(h.api.calls.filter((c) => c.method === 'findFlowsByName').map((c) => c.args[0])).toEqual(['Sales IVR']);
    // Exports: normalised (no header comment, no CRLF), one per published flow, in manifest order: 1 snapshot job and
    // 1 export job at the end (the stages verify by identity, without exports).
    expect(r.exports.map((e) => e.name)).toEqual(['Callback Workflow', 'Support IVR', 'Sales IVR']);
    expect(h.api.count('registerExportJob')).toBe(2);
    const e = r.exports.find((x) => x.name === 'Sales IVR')!;
    expect(e.content).not.toMatch(/^#|\r/m);
    expect(e.contentHash).toBe(exportHash(archy('Sales IVR', 'inboundcall', 'v2')));
    expect(h.journal.ofType('export')[0]!.details.path).toMatch(/^genesys\/published\//);
  });

  it('rolls back stages 1 and 2 newest first when a publish job fails in stage 2, and verifies', async () => {
    const h = harness();
    const m = twoStage(h, { concurrency: 1 });
    m.stages[1]!.flows = ['Sales IVR', 'Support IVR'];
    h.api.faults.architectJob = (name, nth) =>
      name === 'Support IVR' && nth === 1 ? { fail: 'Unable to find a queue named Support' } : undefined;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    const failed = h.journal.ofType('publish-failed')[0]!;
    expect(failed.flow).toBe('Support IVR');
    expect(failed.details.messages?.join()).toContain('Unable to find a queue named Support');
    expect(failed.details.jobId).toBeDefined();
    const rb = h.journal.ofType('rollback-flow');
    // Changed: Callback Workflow (stage 1), then Sales IVR (created in stage 2). Newest first.
    expect(rb.map((e) => [e.flow, e.details.action, e.details.ok])).toEqual([
      ['Sales IVR', 'delete', true],
      ['Callback Workflow', 'republish', true]
    ]);
    expect(h.journal.ofType('rollback-started')[0]!.details.flows).toEqual(['Sales IVR', 'Callback Workflow']);
    expect(h.journal.ofType('rollback-finished')[0]!.details.ok).toBe(true);
    expect(h.api.byName('Sales IVR')).toBeUndefined();
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v1');
    const cb = rb.find((e) => e.flow === 'Callback Workflow')!.details;
    expect(cb.actual.version).toBe('3.0');
    expect(cb.actual.contentHash).toBe(cb.expected.contentHash);
    expect(h.flow('Callback Workflow')).toMatchObject({ status: 'rolled-back', finalVersion: '3.0' });
    expect(h.flow('Sales IVR')).toMatchObject({
      status: 'rolled-back',
      finalVersion: null,
      rollback: { action: 'delete' }
    });
    // Its job failed before it changed anything: not part of what the rollback restores.
    expect(h.flow('Support IVR')).toMatchObject({ status: 'publish-failed', changedSeq: null, finalVersion: '1.0' });
    expect(r.published).toEqual([]);
  });

  it('fails an execution check and rolls back, journaling measured and expected values', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.faults.execution = (_f, version) =>
      version === '2.0'
        ? { status: 'FAILED', outputData: { ok: false } }
        : { status: 'COMPLETED', outputData: { ok: true } };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    const first = h.journal.ofType('check-result')[0]!;
    expect(first.details).toMatchObject({
      check: 'callback-smoke',
      round: 1,
      result: 'fail',
      measured: { status: 'FAILED', flowVersion: '2.0' },
      expected: { status: 'COMPLETED', output: { ok: true } }
    });
    // The bake ends early: no second round, no stage 2.
    expect(h.journal.ofType('check-result').filter((c) => c.details.round === 1)).toHaveLength(1);
    expect(h.journal.ofType('stage-started')).toHaveLength(1);
    // Round 0: the check re-run on the restored version passes.
    const round0 = h.journal.ofType('check-result').find((c) => c.details.round === 0)!;
    expect(round0.details.result).toBe('pass');
    expect(round0.details.measured.flowVersion).toBe('3.0');
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v1');
  });

  it('fails an analytics check above max and compares with the previous version', async () => {
    const h = harness();
    const m = twoStage(h, {}, failures({ compareToPrevious: { maxIncrease: 0.01 } }));
    h.api.faults.aggregates = (f, v) =>
      f.name === 'Support IVR' && v === '2.0' ? { outcomes: 200, failed: 30 } : { outcomes: 100, failed: 1 };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    const bad = h.journal.ofType('check-result').find((c) => c.details.result === 'fail')!;
    expect(bad.flow).toBe('Support IVR');
    expect(bad.details.measured).toMatchObject({
      samples: 200,
      failed: 30,
      failureRate: 0.15,
      previousFailureRate: 0.01
    });
    expect(h.journal.ofType('rollback-flow').map((e) => e.flow)).toEqual([
      'Sales IVR',
      'Support IVR',
      'Callback Workflow'
    ]);
    expect(h.journal.ofType('stage-failed')[0]!.details.reason).toContain('outcome-failures');
  });

  it('treats insufficient analytics data as a failure when configured', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.faults.aggregates = (f, v) =>
      f.name === 'Sales IVR' ? undefined : v === '2.0' ? { outcomes: 5, failed: 0 } : undefined;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    const inc = h.journal.ofType('check-result').filter((c) => c.details.result === 'inconclusive');
    expect(inc.length).toBeGreaterThan(0);
    expect(inc[0]!.details.message).toMatch(/Insufficient data/);
    expect(inc.find((c) => c.flow === 'Support IVR')!.details.measured).toMatchObject({ samples: 5 });
  });

  it('passes with a warning on insufficient data when configured', async () => {
    const h = harness();
    const m = twoStage(h, {}, failures({ onInsufficientData: 'pass-with-warning' }));
    h.api.faults.aggregates = () => undefined;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('succeeded');
    const results = h.journal.ofType('check-result').filter((c) => c.details.kind === 'analytics');
    expect(results.every((c) => c.details.result === 'pass-with-warning' && c.status === 'warning')).toBe(true);
  });

  it('refuses a flow locked by a person before any mutating call, naming the user', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.byName('Support IVR')!.lockedUser = { id: 'u1', name: 'Jane Doe' };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    expect(h.api.mutatingCalls()).toEqual([]);
    const refused = h.journal.ofType('flow-refused')[0]!;
    expect(refused.details.lockedBy).toBe('Jane Doe');
    expect(refused.details.reason).toContain('force-unlock: true');
    expect(r.message).toContain('Jane Doe');
  });

  it('force-unlocks a locked flow when the manifest allows it, and says so', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.byName('Support IVR')!.lockedUser = { id: 'u1', name: 'Jane Doe' };
    (m.flows[1] as { forceUnlock: boolean }).forceUnlock = true;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('succeeded');
    expect(h.api.count('unlockFlow')).toBe(1);
    expect(h.journal.ofType('flow-unlocked')[0]!.details).toMatchObject({ lockedBy: 'Jane Doe' });
  });

  it('plan makes zero mutating calls but runs the validate job for drafts', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.addFlow({
      name: 'Billing IVR',
      type: 'inboundcall',
      checkedIn: archy('Billing IVR', 'inboundcall', 'draft')
    });
    m.flows.push(draftFlow('Billing IVR'));
    m.stages[1]!.flows.push('Billing IVR');
    const r = await h.run({ manifest: m, command: 'plan' });
    expect(r.outcome).toBe('planned');
    expect(h.api.mutatingCalls()).toEqual([]);
    expect(h.api.count('registerExportJob')).toBe(0);
    expect(h.api.count('registerValidateJob')).toBe(1);
    const plan = h.journal.ofType('plan')[0]!.details;
    expect(plan.flows.map((f) => [f.name, f.action, f.publishedVersion])).toEqual([
      ['Callback Workflow', 'update', '1.0'],
      ['Support IVR', 'update', '1.0'],
      ['Sales IVR', 'create', undefined],
      ['Billing IVR', 'update', '1.0']
    ]);
    expect(plan.flows[3]!.draftVersion).toBe('2.0');
    expect(h.flows().map((f) => f.status)).toEqual(['not-started', 'not-started', 'not-started', 'not-started']);
    expect(h.journal.ofType('publish-started')).toEqual([]);
  });

  it('publishes nothing when the same content is released again', async () => {
    const h = harness();
    const m = twoStage(h);
    const first = await h.run({ manifest: m });
    expect(first.outcome).toBe('succeeded');
    const before = h.api.calls.length;
    const second = await h.run({ manifest: m, lastRecord: recordFrom(h, m), releaseId: 'rel-2' });
    expect(second.outcome).toBe('succeeded');
    const calls = h.api.calls.slice(before).map((c) => c.method);
    expect(
      calls.filter((c) => ['registerArchitectJob', 'publishFlow', 'launchExecution', 'registerExportJob'].includes(c))
    ).toEqual([]);
    expect(second.published).toEqual([]);
    expect(h.flows().every((f) => f.status === 'unchanged')).toBe(true);
    expect(second.message).toMatch(/nothing needed publishing/);
  });

  it('republishes a flow that drifted in the org since the last release', async () => {
    const h = harness();
    const m = twoStage(h);
    await h.run({ manifest: m });
    const record = recordFrom(h, m);
    // Someone published over Support IVR in Architect.
    const f = h.api.byName('Support IVR')!;
    f.versions.set('3.0', archy('Support IVR', 'inboundcall', 'hotfix'));
    f.published = '3.0';
    f.nextVersion = 4;
    const r = await h.run({ manifest: m, lastRecord: record, releaseId: 'rel-2' });
    expect(r.outcome).toBe('succeeded');
    const drift = h.journal.ofType('drift-detected');
    expect(drift.map((d) => [d.flow, d.details.recordedVersion, d.details.actualVersion])).toEqual([
      ['Support IVR', '2.0', '3.0']
    ]);
    expect(r.published.map((p) => [p.name, p.fromVersion, p.toVersion])).toEqual([['Support IVR', '3.0', '4.0']]);
    expect(h.api.publishedContent('Support IVR')).toContain('description: v2');
  });

  it('promotes a checked-in draft through actions/publish and verifies the published version', async () => {
    const h = harness();
    h.api.addFlow({
      name: 'Billing IVR',
      type: 'inboundcall',
      checkedIn: archy('Billing IVR', 'inboundcall', 'draft')
    });
    const m = manifest([draftFlow('Billing IVR')], [stage('all', ['Billing IVR'])]);
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('succeeded');
    expect(h.api.calls.filter((c) => c.method === 'publishFlow').map((c) => c.args[1])).toEqual(['2.0']);
    expect(h.api.count('registerArchitectJob')).toBe(0);
    expect(r.published).toEqual([
      { name: 'Billing IVR', type: 'inboundcall', flowId: expect.any(String), fromVersion: '1.0', toVersion: '2.0' }
    ]);
    expect(h.journal.ofType('publish-started')[0]!.details.method).toBe('actions-publish');
  });

  it('refuses a draft without a checked-in version newer than the published one, and a draft validation error', async () => {
    const h = harness();
    h.api.addFlow({ name: 'Billing IVR', type: 'inboundcall' });
    const m = manifest([draftFlow('Billing IVR')], [stage('all', ['Billing IVR'])]);
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/no checked-in version newer than the published one/);

    const h2 = harness();
    h2.api.addFlow({ name: 'Billing IVR', type: 'inboundcall', checkedIn: archy('Billing IVR', 'inboundcall', 'x') });
    h2.api.faults.validateMessages = () => [{ type: 'Error', text: 'Task "main" has an unreachable action' }];
    const r2 = await h2.run({ manifest: m });
    expect(r2.outcome).toBe('failed');
    expect(r2.message).toContain('unreachable action');
    expect(h2.api.mutatingCalls()).toEqual([]);
  });

  it('deletes a flow this release created when its stage check fails (new-flows: delete)', async () => {
    const h = harness();
    const m = manifest(
      [fileFlow('Sales IVR')],
      [stage('all', ['Sales IVR'], ['status-page'])],
      [
        {
          kind: 'http',
          name: 'status-page',
          url: 'https://example.internal/health',
          expectStatus: 200,
          expectBody: 'healthy',
          timeoutMs: 5000
        }
      ]
    );
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    expect(h.journal.ofType('check-result')[0]!.details.measured).toMatchObject({ status: 200, bodyContains: false });
    expect(h.api.count('deleteFlow')).toBe(1);
    expect(h.api.byName('Sales IVR')).toBeUndefined();
    expect(h.journal.ofType('rollback-flow')[0]!.details).toMatchObject({
      action: 'delete',
      ok: true,
      actual: { deleted: true }
    });
  });

  it('releases only the flows input and leaves the others untouched; an unknown name changes nothing', async () => {
    const h = harness();
    const m = twoStage(h);
    const r = await h.run({ manifest: m, flowsFilter: ['Support IVR'] });
    expect(r.outcome).toBe('succeeded');
    expect(r.published.map((p) => p.name)).toEqual(['Support IVR']);
    expect(h.journal.ofType('stage-started').map((s) => s.details.name)).toEqual(['everything']);
    expect(h.journal.ofType('stage-started')[0]!.details.flows).toEqual(['Support IVR']);
    expect(h.api.byName('Sales IVR')).toBeUndefined();
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v1');
    expect(h.flow('Callback Workflow')?.status).toBe('skipped');

    const h2 = harness();
    const r2 = await h2.run({ manifest: twoStage(h2), flowsFilter: ['Support IVR', 'Supprt IVR'] });
    expect(r2.outcome).toBe('failed');
    expect(r2.message).toContain('"Supprt IVR"');
    expect(h2.api.calls).toEqual([]);
  });

  it('rolls back and journals the job id when a publish job is stuck past the deadline', async () => {
    const h = harness();
    const m = twoStage(h, { jobTimeoutMs: 120_000 });
    h.api.faults.architectJob = (name, nth) => (name === 'Support IVR' && nth === 1 ? 'stuck' : undefined);
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    const failed = h.journal.ofType('publish-failed')[0]!;
    expect(failed.details.timedOut).toBe(true);
    expect(failed.details.jobId).toMatch(/^job-/);
    expect(failed.details.error).toContain(failed.details.jobId!);
    expect(h.journal.ofType('rollback-flow').every((e) => e.details.ok)).toBe(true);
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v1');
  });

  it('respects the concurrency bound', async () => {
    const h = harness();
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((x) => `IVR ${x}`);
    for (const n of names) h.api.addFlow({ name: n, type: 'inboundcall', content: archy(n, 'inboundcall', 'v1') });
    h.api.jobPolls = 3;
    const m = manifest(
      names.map((n) => fileFlow(n)),
      [stage('all', names)],
      [],
      { concurrency: 3 }
    );
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('succeeded');
    expect(r.published).toHaveLength(7);
    expect(h.api.maxInFlightJobs).toBe(3);
    // One export job snapshots the whole stage; verification is by identity (no export).
    expect(h.api.count('registerExportJob')).toBe(1);
    // Reported in manifest order although the publishes finish in any order.
    expect(r.published.map((p) => p.name)).toEqual(names);
  });

  it('rollback-failed after 3 attempts, with expected vs actual per flow', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.faults.execution = () => ({ status: 'FAILED' });
    h.api.faults.architectJob = (name, nth) =>
      name === 'Callback Workflow' && nth > 1 ? { fail: 'Archy exit code: 107' } : undefined;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rollback-failed');
    const rb = h.journal.ofType('rollback-flow')[0]!.details;
    expect(rb).toMatchObject({ name: 'Callback Workflow', ok: false, attempts: 3, actual: { version: '2.0' } });
    expect(rb.expected.contentHash).toBe(exportHash(archy('Callback Workflow', 'workflow', 'v1')));
    expect(rb.error).toContain('exit code: 107');
    expect(h.journal.ofType('rollback-finished')[0]!.details.ok).toBe(false);
    expect(r.message).toContain('ROLLBACK FAILED for Callback Workflow');
    expect(h.flow('Callback Workflow')).toMatchObject({ status: 'rollback-failed', finalVersion: '2.0' });
  });

  it('a rollback whose export does not match the snapshot is not verified', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.faults.execution = () => ({ status: 'FAILED' });
    h.api.faults.exportContent = (_f, version, content) =>
      version === '3.0' || version === '4.0' || version === '5.0' ? `${content}\n  extra: drift\n` : content;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rollback-failed');
    const rb = h.journal.ofType('rollback-flow')[0]!.details;
    expect(rb.attempts).toBe(3);
    expect(rb.actual.contentHash).not.toBe(rb.expected.contentHash);
  });

  it('reads back after an ambiguous publish and never sends it twice', async () => {
    const h = harness();
    h.api.addFlow({
      name: 'Billing IVR',
      type: 'inboundcall',
      checkedIn: archy('Billing IVR', 'inboundcall', 'draft')
    });
    h.api.faults.publishOutcomeUnknown = true;
    const r = await h.run({ manifest: manifest([draftFlow('Billing IVR')], [stage('all', ['Billing IVR'])]) });
    expect(r.outcome).toBe('succeeded');
    expect(h.api.count('publishFlow')).toBe(1);
    expect(r.published[0]!.toVersion).toBe('2.0');

    const h2 = harness();
    h2.api.faults.uploadOutcomeUnknown = () => true;
    const r2 = await h2.run({ manifest: manifest([fileFlow('Sales IVR')], [stage('all', ['Sales IVR'])]) });
    expect(r2.outcome).toBe('succeeded');
    expect(h2.api.count('uploadArchitectJobFile')).toBe(1);
    expect(h2.api.count('registerArchitectJob')).toBe(1);
  });

  it('on cancellation mid-bake starts nothing new (no rollback), names what is left and how to fix it', async () => {
    const h = harness();
    const m = twoStage(h);
    const ac = new AbortController();
    let callsAtAbort = 0;
    // Abort during the canary bake (in the first check round).
    h.api.faults.execution = () => {
      if (!ac.signal.aborted) {
        callsAtAbort = h.api.calls.length;
        ac.abort(new Error('The operation was canceled.'));
      }
      return { status: 'COMPLETED', outputData: { ok: true } };
    };
    const r = await h.run({ manifest: m }, ac.signal);
    expect(r.outcome).toBe('failed');
    // Not one mutating call after the signal: no rollback publish, no delete, no further execution.
    const after = h.api.calls.slice(callsAtAbort).map((c) => c.method);
    expect(after.filter((c) => MUTATING.has(c))).toEqual([]);
    expect(h.api.count('launchExecution')).toBe(1);
    expect(h.journal.ofType('rollback-started')).toEqual([]);
    expect(h.journal.ofType('cancelled')[0]!.details.signal).toBe('The operation was canceled.');
    expect(h.journal.ofType('stage-started')).toHaveLength(1);
    // The canary stays at the version this release published, and the result says so.
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v2');
    expect(h.flow('Callback Workflow')).toMatchObject({ status: 'published', finalVersion: '2.0' });
    expect(r.published.map((p) => [p.name, p.fromVersion, p.toVersion])).toEqual([['Callback Workflow', '1.0', '2.0']]);
    expect(r.message).toContain('nothing was rolled back');
    expect(r.message).toContain('Callback Workflow 2.0 (was 1.0)');
    expect(r.message).toContain('re-run the release, or run it with command: rollback');
    const warnings = h.journal.ofType('warning');
    expect(warnings.find((w) => w.flow === 'Callback Workflow')?.details.message).toMatch(/left at version 2\.0/);
    expect(h.flow('Sales IVR')?.status).toBe('not-started');
  });

  it('on cancellation while a job runs: no new job, the uploaded one is reported in flight (state unknown)', async () => {
    const h = harness();
    const names = ['IVR A', 'IVR B', 'IVR C'];
    for (const n of names) h.api.addFlow({ name: n, type: 'inboundcall', content: archy(n, 'inboundcall', 'v1') });
    h.api.jobPolls = 3;
    const ac = new AbortController();
    let callsAtAbort = 0;
    // The first job poll of IVR A's job: cancel while it (and IVR B's, concurrency 2) are running.
    const poll = h.api.getArchitectJob.bind(h.api);
    h.api.getArchitectJob = async (id) => {
      if (!ac.signal.aborted && h.api.count('uploadArchitectJobFile') === 2) {
        callsAtAbort = h.api.calls.length;
        ac.abort(new Error('cancelled by SIGTERM'));
      }
      return poll(id);
    };
    const m = manifest(
      names.map((n) => fileFlow(n)),
      [stage('all', names)],
      [],
      { concurrency: 2 }
    );
    const r = await h.run({ manifest: m }, ac.signal);
    expect(r.outcome).toBe('failed');
    expect(
      h.api.calls
        .slice(callsAtAbort)
        .map((c) => c.method)
        .filter((c) => MUTATING.has(c))
    ).toEqual([]);
    expect(h.api.count('registerArchitectJob')).toBe(2);
    expect(h.flow('IVR A')).toMatchObject({
      status: 'publishing',
      inFlight: expect.stringMatching(/^Architect job job-\d+$/)
    });
    const inFlight = h.journal.ofType('warning').find((w) => w.flow === 'IVR A')!.details;
    expect(inFlight.message).toMatch(/Architect job job-\d+ for "IVR A" was running: it may still publish/);
    expect(h.flow('IVR C')?.status).toBe('not-started');
    expect(r.message).toMatch(/In flight when cancelled, may still publish on the platform \(state unknown\): IVR A/);
    expect(r.published).toEqual([]);
  });

  it('a signal during an automatic rollback starts no further restore', async () => {
    const h = harness();
    const m = twoStage(h, { concurrency: 1 });
    m.stages[1]!.flows = ['Support IVR', 'Sales IVR'];
    const ac = new AbortController();
    // Sales IVR (last of stage 2) fails its job; the rollback starts with Support IVR (newest first) and the signal
    // arrives while its restore job runs: Callback Workflow is never touched.
    h.api.faults.architectJob = (name, nth) => {
      if (name === 'Sales IVR') return { fail: 'broken' };
      if (name === 'Support IVR' && nth === 2) ac.abort(new Error('cancelled by SIGINT'));
      return undefined;
    };
    const r = await h.run({ manifest: m }, ac.signal);
    expect(r.outcome).toBe('failed');
    expect(h.journal.ofType('rollback-started')[0]!.details.flows).toEqual(['Support IVR', 'Callback Workflow']);
    // Only Support IVR's restore job was registered (3 release jobs + 1 restore job).
    expect(h.api.count('registerArchitectJob')).toBe(4);
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v2');
    expect(r.message).toMatch(/The rollback was cancelled/);
    expect(r.message).toMatch(/Callback Workflow 2\.0 \(was 1\.0\)/);
  });

  it('leaves changed flows in place and fails when automatic rollback is off', async () => {
    const h = harness();
    const m = twoStage(h, { rollback: { automatic: false, newFlows: 'delete' } });
    h.api.faults.execution = () => ({ status: 'FAILED' });
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    expect(h.journal.ofType('rollback-started')).toEqual([]);
    expect(r.message).toMatch(/rollback\.automatic: false/);
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v2');
  });

  it('keeps a created flow on rollback when new-flows is keep', async () => {
    const h = harness();
    const m = manifest(
      [fileFlow('Sales IVR')],
      [stage('all', ['Sales IVR'], ['status-page'])],
      [{ kind: 'http', name: 'status-page', url: 'https://x.internal/health', expectStatus: 204, timeoutMs: 5000 }]
    );
    m.rollback.newFlows = 'keep';
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    expect(h.api.count('deleteFlow')).toBe(0);
    expect(h.journal.ofType('warning')[0]!.details.message).toMatch(/new-flows: keep/);
  });

  it('aborts with nothing changed when the snapshot fails', async () => {
    const h = harness();
    const m = twoStage(h);
    h.api.faults.exportFails = true;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    expect(h.api.mutatingCalls()).toEqual([]);
    expect(h.journal.ofType('stage-failed')[0]!.details.reason).toMatch(/Snapshot/);
  });
});

describe('runRelease: command rollback', () => {
  it('restores the recorded content of flows whose published version moved, and verifies it', async () => {
    const h = harness();
    const m = twoStage(h);
    const first = await h.run({ manifest: m, exportAfter: true });
    const record = recordFrom(h, m);
    const recorded = new Map(first.exports.map((e) => [e.name, e.content]));
    // A later (bad) change to Support IVR only.
    const f = h.api.byName('Support IVR')!;
    f.versions.set('3.0', archy('Support IVR', 'inboundcall', 'bad'));
    f.published = '3.0';
    f.nextVersion = 4;
    const r = await h.run({
      manifest: m,
      command: 'rollback',
      lastRecord: record,
      recordedContent: recorded,
      exportAfter: true
    });
    expect(r.outcome).toBe('succeeded');
    expect(h.api.publishedContent('Support IVR')).toContain('description: v2');
    expect(r.published).toEqual([
      { name: 'Support IVR', type: 'inboundcall', flowId: f.id, fromVersion: '3.0', toVersion: '4.0' }
    ]);
    // Callback Workflow is still at its recorded version: nothing happens to it.
    expect(h.journal.ofType('rollback-started')[0]!.details).toMatchObject({
      flows: ['Support IVR'],
      fromVersions: { 'Support IVR': '3.0' }
    });
    expect(h.flow('Callback Workflow')).toBeUndefined();
    expect(h.flow('Support IVR')).toMatchObject({ status: 'rolled-back', finalVersion: '4.0' });
    expect(r.exports.map((e) => e.name)).toEqual(['Support IVR']);
    expect(h.journal.ofType('rollback-flow').map((e) => [e.flow, e.details.ok])).toEqual([['Support IVR', true]]);
  });

  it('fails with a clear message when there is no release record', async () => {
    const h = harness();
    const r = await h.run({ manifest: twoStage(h), command: 'rollback' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/successful deploy must have committed release\.json first/);
    expect(h.api.mutatingCalls()).toEqual([]);
  });
});
