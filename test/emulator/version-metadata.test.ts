// Who made a version and when: createdBy (a user; absent for client-credentials work), createdByClient (the OAuth
// client), dateCreated (epoch ms), datePublished / datePublishedEnd, on versions and on the flow's publishedVersion;
// Flow.currentOperation.client names the client of the last operation.
import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, ivr, uploadJob } from './helpers.ts';
import type { Harness } from './helpers.ts';

const scenario = {
  queues: ['Support'],
  latency: { jobMs: 2000, publishMs: 1500 },
  flows: [{ name: 'Seeded IVR', type: 'inboundcall', versions: 1, draft: {} }]
};

let h: Harness;
afterEach(async () => h?.close());

async function publishByJob(yaml: string): Promise<string> {
  const id = await uploadJob(h, yaml);
  h.clock.advance(2000);
  const job = (await h.api('GET', `/api/v2/flows/jobs/${id}?expand=messages`)).body;
  expect(job.status).toBe('Success');
  return job.flow.id as string;
}

describe('version metadata', () => {
  it('attributes job-created versions to the OAuth client, with no user, and closes the previous publish', async () => {
    h = await harness(scenario);
    const t1 = h.clock.now();
    const flowId = await publishByJob(ivr('New IVR'));
    h.clock.advance(60_000);
    const t2 = h.clock.now();
    await publishByJob(ivr('New IVR', 'Support', '\n  description: second'));

    const client = { id: h.em.clientId, selfUri: `/api/v2/oauth/clients/${h.em.clientId}` };
    const v1 = (await h.api('GET', `/api/v2/flows/${flowId}/versions/1.0`)).body;
    const v2 = (await h.api('GET', `/api/v2/flows/${flowId}/versions/2.0`)).body;
    expect(v1).toMatchObject({ createdByClient: client, dateCreated: t1 + 2000 });
    expect(v1.createdBy).toBeUndefined();
    expect(v1.datePublished).toBe(new Date(t1 + 2000).toISOString());
    expect(v1.datePublishedEnd).toBe(new Date(t2 + 2000).toISOString());
    expect(v2).toMatchObject({ createdByClient: client, dateCreated: t2 + 2000, type: 'PUBLISH' });
    expect(v2.datePublishedEnd).toBeUndefined();

    const listed = (await h.api('GET', `/api/v2/flows/${flowId}/versions`)).body.entities;
    expect(listed.map((v: { id: string; createdByClient: unknown }) => [v.id, v.createdByClient])).toEqual([
      ['2.0', client],
      ['1.0', client]
    ]);
    const flow = (await h.api('GET', `/api/v2/flows/${flowId}`)).body;
    expect(flow.publishedVersion).toMatchObject({ id: '2.0', createdByClient: client, dateCreated: t2 + 2000 });
    expect(flow.publishedVersion.createdBy).toBeUndefined();
    expect(flow.publishedBy).toBeUndefined();
    expect(flow.currentOperation).toMatchObject({ complete: true, actionStatus: 'SUCCESS', client });
  });

  it('keeps the user who checked a draft in, and names the client that published it', async () => {
    h = await harness(scenario);
    const flowId = (await h.api('GET', '/api/v2/flows?name=Seeded')).body.entities[0].id;
    const before = (await h.api('GET', `/api/v2/flows/${flowId}`)).body;
    expect(before.publishedVersion.createdBy).toMatchObject({ name: 'Architect Admin' });
    expect(before.publishedBy).toMatchObject({ name: 'Architect Admin' });

    await h.api('POST', `/api/v2/flows/actions/publish?flow=${flowId}`);
    h.clock.advance(1500);
    const after = (await h.api('GET', `/api/v2/flows/${flowId}`)).body;
    expect(after.publishedVersion).toMatchObject({ id: '2.0', createdBy: { name: 'Architect Admin' } });
    expect(after.publishedBy).toBeUndefined();
    expect(after.currentOperation.client).toMatchObject({ id: h.em.clientId });

    // Re-publishing 1.0 makes a new version: the client's, not the seeded user's.
    await h.api('POST', `/api/v2/flows/actions/publish?flow=${flowId}&version=1.0`);
    h.clock.advance(1500);
    const v3 = (await h.api('GET', `/api/v2/flows/${flowId}/versions/3.0`)).body;
    expect(v3.createdBy).toBeUndefined();
    expect(v3).toMatchObject({ createdByClient: { id: h.em.clientId }, dateCreated: h.clock.now() });
    const v2 = (await h.api('GET', `/api/v2/flows/${flowId}/versions/2.0`)).body;
    expect(v2.datePublishedEnd).toBe(new Date(h.clock.now()).toISOString());
  });
});
