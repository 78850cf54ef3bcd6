// Another OAuth client publishing a flow (POST /__emulator/publish-as, fault `concurrent-publish`) and a job that
// reports Success without a new version (fault `job-no-new-version`): what the action's identity check must catch.
import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, ivr, uploadJob } from './helpers.ts';
import type { Harness } from './helpers.ts';

const scenario = {
  queues: ['Support'],
  latency: { jobMs: 2000 },
  flows: [{ name: 'Seeded IVR', type: 'inboundcall', versions: 1 }]
};

let h: Harness;
afterEach(async () => h?.close());

async function runJob(yaml: string): Promise<{ status: string; flow?: { id: string } }> {
  const id = await uploadJob(h, yaml);
  h.clock.advance(2000);
  return (await h.api('GET', `/api/v2/flows/jobs/${id}?expand=messages`)).body;
}

async function admin(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.em.baseUrl}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('another client publishes', () => {
  it('POST /__emulator/publish-as publishes the next version as that client (published content by default)', async () => {
    h = await harness(scenario);
    const flow = (await runJob(ivr('Seeded IVR'))).flow!;
    const r = await admin('publish-as', { flow: 'Seeded IVR', client: 'release-b' });
    expect(r).toEqual({ status: 200, body: { flowId: flow.id, version: '3.0' } });
    const v = (await h.api('GET', `/api/v2/flows/${flow.id}/versions/3.0`)).body;
    expect(v).toMatchObject({
      createdByClient: { id: 'release-b' },
      datePublished: new Date(h.clock.now()).toISOString()
    });
    expect((await h.api('GET', `/api/v2/flows/${flow.id}`)).body.publishedVersion.id).toBe('3.0');
    expect((await admin('publish-as', { flow: 'Seeded IVR' })).status).toBe(400);
    expect((await admin('publish-as', { flow: 'Nope', client: 'x' })).status).toBe(400);
  });

  it('fault concurrent-publish: right after the job publishes, the other client publishes again', async () => {
    h = await harness({
      ...scenario,
      faults: [{ kind: 'concurrent-publish', flow: 'Seeded IVR', client: 'release-b', count: 1 }]
    });
    const job = await runJob(ivr('Seeded IVR'));
    expect(job.status).toBe('Success');
    const flow = (await h.api('GET', `/api/v2/flows/${job.flow!.id}`)).body;
    expect(flow.publishedVersion).toMatchObject({ id: '3.0', createdByClient: { id: 'release-b' } });
    const mine = (await h.api('GET', `/api/v2/flows/${job.flow!.id}/versions/2.0`)).body;
    expect(mine.createdByClient.id).toBe(h.em.clientId);
  });

  it('fault job-no-new-version: the job reports Success and the published version does not move', async () => {
    h = await harness({ ...scenario, faults: [{ kind: 'job-no-new-version', flow: 'Seeded IVR', count: 1 }] });
    const job = await runJob(ivr('Seeded IVR'));
    expect(job.status).toBe('Success');
    const flow = (await h.api('GET', `/api/v2/flows/${job.flow!.id}`)).body;
    expect(flow.publishedVersion.id).toBe('1.0');
  });
});
