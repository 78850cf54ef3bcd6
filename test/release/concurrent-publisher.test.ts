// Lost updates (fault scenario S11): another release or a person publishes the same flow while this release runs.
// Before each publish the engine re-reads the flow and refuses to overwrite a change made since the snapshot; after a
// stage's publishes one export job verifies that the versions read back hold what this release uploaded, and a flow
// where another publisher's content is live is reported as a conflict, never rolled back over.
import { describe, expect, it } from '@jest/globals';
import { aggregatesQuery, type AnalyticsCheck } from '../../src/checks/kinds/analytics.ts';
import type { FlowVersion } from '../../src/genesys/models.ts';
import type { ReleaseManifest } from '../../src/manifest/types.ts';
import type { FakeFlow } from './fake-genesys.ts';
import { archy, draftFlow, fileFlow, harness, manifest, stage, type Harness } from './helpers.ts';

const failures: AnalyticsCheck = {
  kind: 'analytics',
  name: 'outcome-failures',
  metric: 'outcome-failure-rate',
  max: 0.05,
  minSamples: 20,
  onInsufficientData: 'fail'
};

/** Callback Workflow (stage canary) and Support IVR + Sales IVR (new) in stage everything, analytics on both. */
function twoStage(h: Harness): ReleaseManifest {
  h.api.addFlow({ name: 'Callback Workflow', type: 'workflow', content: archy('Callback Workflow', 'workflow', 'v1') });
  h.api.addFlow({ name: 'Support IVR', type: 'inboundcall', content: archy('Support IVR', 'inboundcall', 'v1') });
  h.api.faults.aggregates = () => ({ outcomes: 100, failed: 1 });
  return manifest(
    [fileFlow('Callback Workflow', 'workflow'), fileFlow('Support IVR'), fileFlow('Sales IVR')],
    [
      stage('canary', ['Callback Workflow'], [], 60_000),
      stage('everything', ['Support IVR', 'Sales IVR'], ['outcome-failures'], 120_000, 60_000)
    ],
    [failures],
    { concurrency: 1 }
  );
}

/** Another publisher (a person by default) makes `content` the flow's newest published version. */
function publishBehindOurBack(
  f: FakeFlow,
  content: string,
  by: Pick<FlowVersion, 'createdBy' | 'createdByClient'> = { createdBy: { id: 'u-9', name: 'Jane Doe' } }
): string {
  const v = `${f.nextVersion++}.0`;
  f.versions.set(v, content);
  (f.meta ??= new Map()).set(v, { ...by, datePublished: '2030-01-01T00:00:00.000Z' });
  f.published = v;
  f.checkedIn = v;
  return v;
}

const jobsFor = (h: Harness, name: string) =>
  h.journal.ofType('publish-started').filter((e) => e.flow === name && e.details.method === 'architect-job').length;

describe('another publisher changes a flow during the release', () => {
  it('refuses to publish a flow whose published version moved since the snapshot, and rolls back the rest', async () => {
    const h = harness();
    const m = twoStage(h);
    const other = archy('Support IVR', 'inboundcall', 'published by a person');
    // While stage 1 runs, a person publishes Support IVR (snapshotted at 1.0 before stage 1).
    const register = h.api.registerArchitectJob.bind(h.api);
    let theirs: string | undefined;
    h.api.registerArchitectJob = async () => {
      theirs ??= publishBehindOurBack(h.api.byName('Support IVR')!, other);
      return register();
    };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    expect(theirs).toBe('2.0');
    // Nothing of ours ever reached Support IVR: their content is live, no job was registered for it.
    expect(jobsFor(h, 'Support IVR')).toBe(0);
    expect(h.api.publishedContent('Support IVR')).toBe(other);
    const refused = h.journal.ofType('flow-refused')[0]!;
    expect(refused.flow).toBe('Support IVR');
    expect(refused.details.reason).toContain(
      'published version changed from 1.0 to 2.0 since the snapshot — another release or a person published it; refusing to overwrite'
    );
    expect(h.flow('Support IVR')).toMatchObject({ status: 'refused', changedSeq: null });
    // What this release changed is rolled back: the canary.
    expect(h.journal.ofType('rollback-flow').map((e) => [e.flow, e.details.ok])).toEqual([['Callback Workflow', true]]);
    expect(h.api.publishedContent('Callback Workflow')).toContain('description: v1');
    expect(r.message).toMatch(/Publish failed: .*refusing to overwrite/);
  });

  it('refuses a flow checked out since the plan, and one created since the plan, before any change', async () => {
    const h = harness();
    h.api.addFlow({ name: 'Support IVR', type: 'inboundcall', content: archy('Support IVR', 'inboundcall', 'v1') });
    const m = manifest([fileFlow('Support IVR'), fileFlow('Sales IVR')], [stage('all', ['Support IVR', 'Sales IVR'])]);
    const exportJob = h.api.registerExportJob.bind(h.api);
    // Right after the plan (during the snapshot): a person checks Support IVR out and someone creates Sales IVR.
    h.api.registerExportJob = async (flows) => {
      h.api.byName('Support IVR')!.lockedUser = { id: 'u-9', name: 'Jane Doe' };
      if (!h.api.byName('Sales IVR'))
        h.api.addFlow({ name: 'Sales IVR', type: 'inboundcall', content: archy('Sales IVR', 'inboundcall', 'x') });
      return exportJob(flows);
    };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    expect(h.api.mutatingCalls()).toEqual([]);
    const reasons = h.journal.ofType('flow-refused').map((e) => [e.flow, e.details.reason]);
    expect(reasons).toEqual([
      ['Support IVR', expect.stringContaining('was checked out in Architect by Jane Doe since the plan; refusing')],
      [
        'Sales IVR',
        expect.stringContaining('did not exist when planned, but now does (id flow-2, published version 1.0)')
      ]
    ]);
    expect(r.message).toMatch(/Nothing had been changed in the org/);
  });

  it('a concurrent publisher that wins the race is detected by identity, reported as a conflict with its creator, not rolled back over', async () => {
    const h = harness();
    const m = twoStage(h);
    const other = archy('Support IVR', 'inboundcall', 'from release B');
    // Release B's job lands right after ours and before we read the flow back: the version we read back is theirs.
    const getFlow = h.api.getFlow.bind(h.api);
    let theirs: string | undefined;
    h.api.getFlow = async (id) => {
      const f = h.api.flows.get(id)!;
      if (!theirs && f.name === 'Support IVR' && f.published === '2.0') theirs = publishBehindOurBack(f, other);
      return getFlow(id);
    };
    const r = await h.run({ manifest: m, exportAfter: true });
    expect(theirs).toBe('3.0');
    const conflict = h.journal.ofType('publish-failed').find((e) => e.flow === 'Support IVR')!;
    expect(conflict.details.error).toMatch(
      /^conflict: version 3\.0 of "Support IVR" was created by a user, not by this action — created by user Jane Doe \(u-9\), published 2030-01-01T00:00:00.000Z/
    );
    expect(conflict.details.conflict).toEqual({
      version: '3.0',
      createdBy: { id: 'u-9', name: 'Jane Doe' },
      datePublished: '2030-01-01T00:00:00.000Z',
      expectedClient: 'fake-client'
    });
    // The publish failed on the identity proof, the other changes were rolled back ...
    expect(h.journal.ofType('stage-failed')[0]!.details.reason).toMatch(/^Publish failed: "Support IVR": conflict/);
    expect(r.outcome).toBe('rolled-back');
    // (concurrency 1: the conflict stops the stage before Sales IVR is published)
    expect(h.journal.ofType('rollback-started')[0]!.details.flows).toEqual(['Callback Workflow']);
    expect(h.api.byName('Sales IVR')).toBeUndefined();
    // ... but B's version stays live and is reported as a conflict with its creator.
    expect(h.api.publishedContent('Support IVR')).toBe(other);
    expect(h.flow('Support IVR')).toMatchObject({ status: 'publish-failed', changedSeq: null });
    expect(h.flow('Support IVR')?.conflict).toMatchObject({ version: '3.0' });
    expect(r.message).toMatch(
      /Not rolled back because another publisher's version is live \(conflict\): Support IVR \(version 3\.0 created by user Jane Doe \(u-9\), published 2030-01-01T00:00:00.000Z\)/
    );
    expect(r.published).toEqual([]);
    expect(r.exports).toEqual([]);
  });

  it('the rollback refuses to overwrite a version someone published after this release', async () => {
    const h = harness();
    const m = twoStage(h);
    const other = archy('Callback Workflow', 'workflow', 'hotfix by a person');
    // During stage 2's bake a person publishes a hotfix of the canary; then stage 2's check fails.
    h.api.faults.aggregates = (f) => {
      const cb = h.api.byName('Callback Workflow')!;
      if (cb.published === '2.0') publishBehindOurBack(cb, other);
      return f.name === 'Support IVR' ? { outcomes: 100, failed: 50 } : { outcomes: 100, failed: 0 };
    };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rollback-failed');
    const cb = h.journal.ofType('rollback-flow').find((e) => e.flow === 'Callback Workflow')!.details;
    expect(cb.ok).toBe(false);
    expect(cb.error).toContain(
      'published version changed from 2.0 to 3.0 since this release published it — another release or a person published it; refusing to overwrite'
    );
    expect(h.api.publishedContent('Callback Workflow')).toBe(other);
    // Support IVR (ours) was restored as usual.
    expect(h.api.publishedContent('Support IVR')).toContain('description: v1');
  });

  it('draft promotion reads the flow once before publishing (guard and operation baseline share the read)', async () => {
    const h = harness();
    h.api.addFlow({
      name: 'Billing IVR',
      type: 'inboundcall',
      content: archy('Billing IVR', 'inboundcall', 'v1'),
      checkedIn: archy('Billing IVR', 'inboundcall', 'v2')
    });
    const m = manifest([draftFlow('Billing IVR')], [stage('all', ['Billing IVR'])]);
    const r = await h.run({ manifest: m, exportAfter: true });
    expect(r.outcome).toBe('succeeded');
    const i = h.api.calls.findIndex((c) => c.method === 'publishFlow');
    expect(h.api.calls.slice(0, i).filter((c) => c.method === 'getFlow')).toHaveLength(1);
    // One snapshot export, one export of what went live for the commit.
    expect(r.exports.map((e) => [e.name, e.version])).toEqual([['Billing IVR', '2.0']]);
    expect(h.api.count('registerExportJob')).toBe(2);
  });
});

describe('analytics checks: one query per round for the whole stage', () => {
  it('measures each flow from one grouped query, and a failed query fails every flow of it', async () => {
    const h = harness();
    const names = ['IVR A', 'IVR B', 'IVR C'];
    for (const n of names) h.api.addFlow({ name: n, type: 'inboundcall', content: archy(n, 'inboundcall', 'v1') });
    h.api.faults.aggregates = (f, v) =>
      v === '1.0'
        ? { outcomes: 500, failed: 0 }
        : f.name === 'IVR B'
          ? { outcomes: 40, failed: 10 }
          : { outcomes: 40, failed: 0 };
    const m = manifest(
      names.map((n) => fileFlow(n)),
      [stage('all', names, ['outcome-failures'], 60_000, 30_000)],
      [failures]
    );
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('rolled-back');
    // Round 1 (one query) failed IVR B only; round 0 re-checks the restored versions (one more query).
    expect(h.api.aggregateQueries).toHaveLength(2);
    const round1 = h.journal.ofType('check-result').filter((e) => e.details.round === 1);
    expect(
      round1.map((e) => [e.flow, e.details.result, e.details.measured.samples, e.details.measured.failed])
    ).toEqual([
      ['IVR A', 'pass', 40, 0],
      ['IVR B', 'fail', 40, 10],
      ['IVR C', 'pass', 40, 0]
    ]);

    const h2 = harness();
    for (const n of names) h2.api.addFlow({ name: n, type: 'inboundcall', content: archy(n, 'inboundcall', 'v1') });
    h2.api.faults.aggregatesFail = true;
    const r2 = await h2.run({ manifest: m });
    expect(r2.outcome).toBe('rolled-back');
    const failed = h2.journal.ofType('check-result').filter((e) => e.details.round === 1);
    expect(failed.map((e) => [e.flow, e.details.result])).toEqual(names.map((n) => [n, 'fail']));
    expect(failed[0]!.details.message).toMatch(/Analytics query for "IVR A" failed: analytics down/);
  });

  it('builds an `or` over the flow ids inside the `and`, grouped by flow and version', () => {
    expect(aggregatesQuery(['f1', 'f2'], 'a/b')).toEqual({
      interval: 'a/b',
      groupBy: ['flowId', 'flowVersion'],
      filter: {
        type: 'and',
        clauses: [
          {
            type: 'or',
            predicates: [
              { dimension: 'flowId', value: 'f1' },
              { dimension: 'flowId', value: 'f2' }
            ]
          }
        ]
      },
      metrics: ['nFlowOutcome', 'nFlowOutcomeFailed']
    });
  });
});
