// Verification by identity (src/release/identity.ts): the live version after a job is this run's when the org says it
// was created by this action's OAuth client, after the upload, over the version read before it, and nothing later was
// published since. A version naming no creator is accepted on order and time alone, with a warning.
import { describe, expect, it } from '@jest/globals';
import { proveIdentity, CLOCK_SKEW_MS } from '../../src/release/identity.ts';
import { archy, fileFlow, harness, manifest, stage } from './helpers.ts';

const upload = Date.parse('2030-01-01T00:00:00.000Z');
const expectFor = { flowName: 'IVR', clientId: 'me', previousVersion: '1.0', uploadedAt: upload };
const at = (ms: number) => new Date(upload + ms).toISOString();

describe('proveIdentity', () => {
  it('accepts a newer version created by this client after the upload', () => {
    const v = { id: '2.0', createdByClient: { id: 'me' }, datePublished: at(5000) };
    expect(proveIdentity(v, expectFor)).toEqual({
      ok: true,
      evidence: {
        version: '2.0',
        createdByClient: 'me',
        datePublished: at(5000),
        previousVersion: '1.0',
        basis: 'client'
      }
    });
  });

  it('a version that is not newer is no new version; numeric order, not text order', () => {
    expect(proveIdentity({ id: '1.0', createdByClient: { id: 'me' } }, expectFor)).toMatchObject({
      ok: false,
      kind: 'no-new-version'
    });
    expect(proveIdentity({ id: '9.0' }, { ...expectFor, previousVersion: '10.0' })).toMatchObject({
      kind: 'no-new-version'
    });
  });

  it('another client, a user, or a publish before the upload (beyond the skew) is a conflict with evidence', () => {
    const other = proveIdentity({ id: '2.0', createdByClient: { id: 'b' }, datePublished: at(0) }, expectFor);
    expect(other).toMatchObject({
      ok: false,
      kind: 'conflict',
      conflict: { createdByClient: 'b', expectedClient: 'me' }
    });
    const user = proveIdentity({ id: '2.0', createdBy: { id: 'u', name: 'Jo' }, datePublished: at(0) }, expectFor);
    expect(user).toMatchObject({ kind: 'conflict', error: expect.stringContaining('created by user Jo (u)') });
    const early = { id: '2.0', createdByClient: { id: 'me' }, datePublished: at(-CLOCK_SKEW_MS - 1) };
    expect(proveIdentity(early, expectFor)).toMatchObject({ kind: 'conflict' });
    const skewed = { ...early, datePublished: at(-CLOCK_SKEW_MS + 1) };
    expect(proveIdentity(skewed, expectFor)).toMatchObject({ ok: true });
  });

  it('no creator metadata: accepted on order and time with a warning; still refused when published too early', () => {
    const v = proveIdentity({ id: '2.0', datePublished: at(1) }, expectFor);
    expect(v).toMatchObject({ ok: true, evidence: { basis: 'ordering-and-time' } });
    expect(v.ok && v.warning).toMatch(/names no creator .* its creator is unconfirmed/);
    expect(proveIdentity({ id: '2.0', datePublished: at(-CLOCK_SKEW_MS - 1) }, expectFor)).toMatchObject({
      kind: 'conflict'
    });
  });
});

describe('the engine verifies by identity', () => {
  const setup = () => {
    const h = harness();
    h.api.addFlow({ name: 'Support IVR', type: 'inboundcall', content: archy('Support IVR', 'inboundcall', 'v1') });
    const m = manifest([fileFlow('Support IVR')], [stage('all', ['Support IVR'], [], 60_000)]);
    return { h, m };
  };

  it('journals the identity evidence on publish-succeeded', async () => {
    const { h, m } = setup();
    const r = await h.run({ manifest: m, exportAfter: true });
    expect(r.outcome).toBe('succeeded');
    expect(h.journal.ofType('publish-succeeded')[0]!.details).toMatchObject({
      fromVersion: '1.0',
      toVersion: '2.0',
      previousVersion: '1.0',
      createdByClient: 'fake-client',
      datePublished: expect.stringMatching(/^\d{4}-/),
      identity: 'client'
    });
    expect(h.journal.ofType('warning')).toEqual([]);
  });

  it('fallback: a version naming no creator is accepted with a journaled warning', async () => {
    const { h, m } = setup();
    h.api.anonymousVersions = true;
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('succeeded');
    expect(h.journal.ofType('publish-succeeded')[0]!.details).toMatchObject({ identity: 'ordering-and-time' });
    expect(h.journal.ofType('warning')[0]!.details.message).toMatch(/version 2\.0 names no creator/);
    expect(h.log.lines.some((l) => /creator is unconfirmed/.test(l))).toBe(true);
  });

  it('a job that reports Success but leaves no new version is a failure, and nothing is rolled back', async () => {
    const { h, m } = setup();
    h.api.faults.architectJob = () => 'no-new-version';
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    const failed = h.journal.ofType('publish-failed')[0]!.details;
    expect(failed.error).toMatch(
      /reported Success but the flow's published version is still 1\.0; nothing is considered published/
    );
    expect(failed.changed).toBe(false);
    expect(h.journal.ofType('publish-succeeded')).toEqual([]);
  });

  it('two publishes by the same OAuth client racing: neither can be proved, a conflict naming the other version', async () => {
    const { h, m } = setup();
    const getFlow = h.api.getFlow.bind(h.api);
    h.api.getFlow = async (id) => {
      const f = h.api.flows.get(id)!;
      if (f.published === '2.0' && f.nextVersion === 3) {
        // Another release with the same client lands right after ours, before we read the flow back.
        f.versions.set('3.0', archy('Support IVR', 'inboundcall', 'same client, other release'));
        f.meta!.set('3.0', {
          createdByClient: { id: 'fake-client' },
          datePublished: new Date(h.clock.now()).toISOString()
        });
        f.nextVersion = 4;
        f.published = '3.0';
      }
      return getFlow(id);
    };
    const r = await h.run({ manifest: m });
    expect(r.outcome).toBe('failed');
    const c = h.journal.ofType('publish-failed')[0]!.details;
    expect(c.conflict).toMatchObject({ version: '2.0', createdByClient: 'fake-client' });
    expect(c.error).toMatch(/version 2\.0 .* published between 1\.0 and 3\.0 while this release ran/);
    expect(h.journal.ofType('rollback-flow')).toEqual([]);
  });

  it('a later version published during the bake by another client is a conflict with its creator', async () => {
    const { h, m } = setup();
    const sleep = h.clock.sleep.bind(h.clock);
    let done = false;
    h.clock.sleep = async (ms, signal) => {
      const f = h.api.byName('Support IVR')!;
      if (!done && f.published === '2.0') {
        done = true;
        const v = `${f.nextVersion++}.0`;
        f.versions.set(v, archy('Support IVR', 'inboundcall', 'release B'));
        f.meta!.set(v, { createdByClient: { id: 'release-b' }, datePublished: '2030-02-02T00:00:00.000Z' });
        f.published = v;
      }
      return sleep(ms, signal);
    };
    const r = await h.run({ manifest: m, exportAfter: true });
    expect(r.outcome).toBe('failed');
    const c = h.journal.ofType('publish-failed')[0]!.details;
    expect(c.conflict).toEqual({
      version: '3.0',
      createdByClient: 'release-b',
      datePublished: '2030-02-02T00:00:00.000Z',
      expectedClient: 'fake-client'
    });
    expect(c.error).toMatch(/published after this release's version 2\.0 — created by OAuth client release-b/);
    expect(h.api.publishedContent('Support IVR')).toContain('release B');
    expect(r.message).toMatch(/version 3\.0 created by OAuth client release-b, published 2030-02-02/);
    expect(r.exports).toEqual([]);
  });
});
