import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, ivr, uploadJob } from './helpers.ts';
import type { Harness } from './helpers.ts';

const scenario = {
  queues: ['Support', 'Billing'],
  dataActions: ['Lookup Customer'],
  latency: { jobMs: 2000 },
  flows: [
    { name: 'Support IVR', type: 'inboundcall', versions: 2 },
    { name: 'Shared Module', type: 'commonmodule' },
    { name: 'Callback', type: 'workflow' }
  ]
};

let h: Harness;
afterEach(async () => h?.close());

async function finish(jobId: string) {
  h.clock.advance(2000);
  return (await h.api('GET', `/api/v2/flows/jobs/${jobId}?expand=messages`)).body;
}

describe('Architect jobs', () => {
  it('creates a new flow: Registered → Started → Success, published as 1.0', async () => {
    h = await harness(scenario);
    const reg = await h.api('POST', '/api/v2/flows/jobs');
    expect(reg.status).toBe(200);
    expect(reg.body.presignedUrl).toMatch(new RegExp(`^${h.em.baseUrl}/__uploads/`));
    expect(reg.body.headers['Content-Type']).toBe('application/octet-stream');
    expect((await h.api('GET', `/api/v2/flows/jobs/${reg.body.id}`)).body.status).toBe('Registered');

    const put = await fetch(reg.body.presignedUrl, { method: 'PUT', headers: reg.body.headers, body: ivr('New IVR') });
    expect(put.status).toBe(200);
    h.clock.advance(500);
    expect((await h.api('GET', `/api/v2/flows/jobs/${reg.body.id}`)).body.status).toBe('Started');
    h.clock.advance(1500);
    const done = await h.api('GET', `/api/v2/flows/jobs/${reg.body.id}?expand=messages`);
    expect(done.body).toMatchObject({ status: 'Success', command: 'Publish', messages: [] });
    const flow = await h.api('GET', `/api/v2/flows/${done.body.flow.id}`);
    expect(flow.body).toMatchObject({ name: 'New IVR', type: 'INBOUNDCALL', publishedVersion: { id: '1.0' } });
    expect(flow.body.publishedVersion.datePublished).toBe(new Date(h.clock.now()).toISOString());
  });

  it('updates an existing flow as a new version and ends the previous one', async () => {
    h = await harness(scenario);
    const before = (await h.api('GET', '/api/v2/flows?name=Support IVR')).body.entities[0];
    const job = await finish(await uploadJob(h, ivr('Support IVR', 'Billing')));
    expect(job.status).toBe('Success');
    expect(job.flow.id).toBe(before.id);
    const versions = (await h.api('GET', `/api/v2/flows/${before.id}/versions`)).body;
    expect(versions.entities.map((v: { id: string }) => v.id)).toEqual(['3.0', '2.0', '1.0']);
    expect(versions.entities[1].datePublishedEnd).toBe(versions.entities[0].datePublished);
    expect(versions.entities[0].datePublishedEnd).toBeUndefined();
    expect(h.em.state().flows.find((f) => f.id === before.id)).toMatchObject({
      publishCount: 1,
      duplicatePublishes: 0
    });
  });

  it('returns messages only with expand=messages', async () => {
    h = await harness(scenario);
    const id = await uploadJob(h, ivr('X IVR', 'Nowhere'));
    h.clock.advance(2000);
    expect((await h.api('GET', `/api/v2/flows/jobs/${id}`)).body.messages).toBeUndefined();
    const full = (await h.api('GET', `/api/v2/flows/jobs/${id}?expand=messages`)).body;
    expect(full.status).toBe('Failure');
    expect(full.messages).toEqual([
      expect.objectContaining({ type: 'Error', text: "Unable to find a queue named 'Nowhere'." })
    ]);
  });

  it.each([
    ['an unknown flow type key', 'inboundTelegram:\n  name: X\n', "Unknown flow type 'inboundTelegram'"],
    ['a missing name', 'inboundCall:\n  division: Home\n', "missing the required 'name'"],
    ['two top-level keys', 'inboundCall:\n  name: A\nworkflow:\n  name: B\n', 'exactly one top-level flow type key'],
    [
      'a type that does not match the existing flow',
      'workflow:\n  name: Support IVR\n',
      'already exists with type INBOUNDCALL'
    ],
    [
      'a missing queue given as a plain literal',
      'inboundCall:\n  name: Q\n  queue:\n    lit: Sales\n',
      "Unable to find a queue named 'Sales'"
    ],
    [
      'a missing data action',
      'workflow:\n  name: W\n  a:\n    dataAction:\n      lit:\n        name: Credit Check\n',
      "Unable to find a data action named 'Credit Check'"
    ],
    [
      'a missing common module',
      'inboundCall:\n  name: C\n  x:\n    callCommonModule:\n      commonModule:\n        Greeting Module:\n          ver_latest: {}\n',
      "Unable to find a common module named 'Greeting Module'"
    ],
    [
      'a missing flow',
      'inboundCall:\n  name: T\n  targetFlow:\n    name: Nope\n',
      "Unable to find a flow named 'Nope'"
    ],
    ['an unresolved substitution', ivr('S IVR', '{{queue}}'), "Unresolved substitution '{{queue}}'"],
    ['invalid YAML', 'inboundCall: [unclosed\n', 'Unable to parse the flow file as YAML']
  ])('fails a job for %s with a message that says so', async (_what, yaml, text) => {
    h = await harness(scenario);
    const job = await finish(await uploadJob(h, yaml));
    expect(job.status).toBe('Failure');
    expect(job.messages.map((m: { text: string }) => m.text).join(' ')).toContain(text);
    expect(h.em.state().flows.every((f) => f.publishCount === 0)).toBe(true);
  });

  it('accepts references the org has (queue, data action, common module)', async () => {
    h = await harness(scenario);
    const yaml = `workflow:
  name: Uses Everything
  states:
    - state:
        actions:
          - callData:
              dataAction: { lit: { name: Lookup Customer } }
          - callCommonModule:
              commonModule:
                Shared Module:
                  ver_latest: {}
          - transfer:
              queue: { lit: { name: Billing } }
`;
    expect((await finish(await uploadJob(h, yaml))).status).toBe('Success');
  });

  it('rejects an upload without the signed headers, with an Authorization header, or over 512,000 bytes', async () => {
    h = await harness(scenario);
    const reg = (await h.api('POST', '/api/v2/flows/jobs')).body;
    const noHeaders = await fetch(reg.presignedUrl, { method: 'PUT', body: 'x' });
    expect(noHeaders.status).toBe(403);
    expect(await noHeaders.text()).toContain('SignatureDoesNotMatch');
    const withAuth = await fetch(reg.presignedUrl, {
      method: 'PUT',
      headers: { ...reg.headers, authorization: `Bearer ${h.token}` },
      body: 'x'
    });
    expect(withAuth.status).toBe(400);
    const big = await fetch(reg.presignedUrl, { method: 'PUT', headers: reg.headers, body: 'a'.repeat(512_001) });
    expect(big.status).toBe(413);
    const badSig = await fetch(reg.presignedUrl.replace(/Signature=\w+/, 'Signature=nope'), {
      method: 'PUT',
      headers: reg.headers,
      body: 'x'
    });
    expect(badSig.status).toBe(403);
    expect((await h.api('GET', `/api/v2/flows/jobs/${reg.id}`)).body.status).toBe('Registered');
  });

  it('job-failure, job-latency and stuck-job faults target a flow by name', async () => {
    h = await harness({
      ...scenario,
      faults: [
        { kind: 'job-failure', flow: 'Support IVR', message: 'Archy exited with code 107', count: 1 },
        { kind: 'job-latency', flow: 'Slow IVR', ms: 60_000 },
        { kind: 'stuck-job', flow: 'Stuck IVR' }
      ]
    });
    const failed = await finish(await uploadJob(h, ivr('Support IVR')));
    expect(failed.status).toBe('Failure');
    expect(failed.messages[0].text).toBe('Archy exited with code 107');
    expect((await finish(await uploadJob(h, ivr('Support IVR')))).status).toBe('Success'); // count: 1

    const slow = await uploadJob(h, ivr('Slow IVR'));
    h.clock.advance(59_000);
    expect((await h.api('GET', `/api/v2/flows/jobs/${slow}`)).body.status).toBe('Started');
    h.clock.advance(1_000);
    expect((await h.api('GET', `/api/v2/flows/jobs/${slow}`)).body.status).toBe('Success');

    const stuck = await uploadJob(h, ivr('Stuck IVR'));
    h.clock.advance(3_600_000);
    expect((await h.api('GET', `/api/v2/flows/jobs/${stuck}`)).body.status).toBe('Started');
  });

  it('fails a job for a flow locked by a person, naming them', async () => {
    h = await harness({ ...scenario, faults: [{ kind: 'locked', flow: 'Support IVR', user: 'Jane Doe' }] });
    const flow = (await h.api('GET', '/api/v2/flows?name=Support')).body.entities[0];
    expect(flow.lockedUser).toMatchObject({ name: 'Jane Doe' });
    const job = await finish(await uploadJob(h, ivr('Support IVR')));
    expect(job.status).toBe('Failure');
    expect(job.messages[0].text).toContain("locked by user 'Jane Doe'");
  });

  it('validate jobs check flows already in the org', async () => {
    h = await harness({
      ...scenario,
      flows: [
        ...scenario.flows,
        { name: 'Broken IVR', type: 'inboundcall', versions: [{ yaml: ivr('Broken IVR', 'Gone') }] }
      ]
    });
    const flows = (await h.api('GET', '/api/v2/flows?type=inboundcall')).body.entities;
    const byName = (n: string) => flows.find((f: { name: string }) => f.name === n).id;
    const ok = await h.api('POST', '/api/v2/flows/validate/jobs', { flows: [{ flow: { id: byName('Support IVR') } }] });
    expect(ok.body).toMatchObject({ status: 'Registered', totalFlows: 1 });
    const bad = await h.api('POST', '/api/v2/flows/validate/jobs', {
      flows: [{ flow: { name: 'Broken IVR', type: 'inboundcall' } }]
    });
    h.clock.advance(1000);
    expect((await h.api('GET', `/api/v2/flows/validate/jobs/${ok.body.id}?expand=messages`)).body).toMatchObject({
      status: 'Success',
      messages: []
    });
    const failed = (await h.api('GET', `/api/v2/flows/validate/jobs/${bad.body.id}?expand=messages`)).body;
    expect(failed.status).toBe('Failure');
    expect(failed.messages[0].text).toContain("Unable to find a queue named 'Gone'");
  });
});
