import { afterEach, describe, expect, it } from '@jest/globals';
import { harness } from './helpers.ts';
import type { Harness } from './helpers.ts';

const scenario = {
  latency: { publishMs: 1500 },
  flows: [
    { name: 'Billing IVR', type: 'inboundcall', versions: 2, draft: {} },
    { name: 'Support IVR', type: 'inboundcall', versions: 1 },
    { name: 'Sales IVR', type: 'inboundcall', versions: 30 }
  ]
};

let h: Harness;
afterEach(async () => h?.close());

const flowId = async (name: string) =>
  (await h.api('GET', `/api/v2/flows?name=${encodeURIComponent(name)}`)).body.entities[0].id as string;

describe('flows, actions/publish, unlock, delete', () => {
  it('lists with a substring name filter, a lowercase type filter and paging', async () => {
    h = await harness(scenario);
    const all = await h.api('GET', '/api/v2/flows?name=ivr&type=inboundcall&pageSize=2&pageNumber=1');
    expect(all.body).toMatchObject({ total: 3, pageSize: 2, pageNumber: 1, pageCount: 2 });
    expect(all.body.entities.map((f: { name: string }) => f.name)).toEqual(['Billing IVR', 'Sales IVR']);
    expect(all.body.entities[0].type).toBe('INBOUNDCALL');
    expect((await h.api('GET', '/api/v2/flows?type=workflow')).body.total).toBe(0);
    const upper = await h.api('GET', '/api/v2/flows?type=INBOUNDCALL');
    expect(upper.status).toBe(400);
    expect(upper.body).toMatchObject({ status: 400, code: 'bad.request' });
    expect(upper.body.contextId).toBe(upper.headers.get('inin-correlation-id'));
  });

  it('pages versions and keeps datePublished / datePublishedEnd', async () => {
    h = await harness(scenario);
    const id = await flowId('Sales IVR');
    const page2 = (await h.api('GET', `/api/v2/flows/${id}/versions?pageSize=25&pageNumber=2`)).body;
    expect(page2).toMatchObject({ total: 30, pageCount: 2, pageNumber: 2 });
    expect(page2.entities.map((v: { id: string }) => v.id)).toEqual(['5.0', '4.0', '3.0', '2.0', '1.0']);
    const v1 = (await h.api('GET', `/api/v2/flows/${id}/versions/1.0`)).body;
    const v2 = (await h.api('GET', `/api/v2/flows/${id}/versions/2.0`)).body;
    expect(v1.datePublishedEnd).toBe(v2.datePublished);
    expect(v1.type).toBe('PUBLISH');
    const config = await h.api('GET', `/api/v2/flows/${id}/versions/2.0/configuration`);
    expect(config.body).toMatchObject({ id, version: '2.0', type: 'INBOUNDCALL' });
    expect((await h.api('GET', `/api/v2/flows/${id}/versions/99.0`)).status).toBe(404);
  });

  it('publishes the checked-in draft asynchronously through currentOperation', async () => {
    h = await harness(scenario);
    const id = await flowId('Billing IVR');
    const before = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(before).toMatchObject({ publishedVersion: { id: '2.0' }, checkedInVersion: { id: '3.0', type: 'CHECKIN' } });
    const op = await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}`);
    expect(op.body).toMatchObject({ complete: false, actionName: 'PUBLISH', actionStatus: 'STARTED' });
    h.clock.advance(1000);
    const mid = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(mid.currentOperation).toMatchObject({ id: op.body.id, complete: false });
    expect(mid.publishedVersion.id).toBe('2.0');
    h.clock.advance(500);
    const after = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(after.currentOperation).toMatchObject({ id: op.body.id, complete: true, actionStatus: 'SUCCESS' });
    expect(after.publishedVersion).toMatchObject({ id: '3.0', type: 'PUBLISH' });
    expect(after.checkedInVersion).toBeUndefined();
    expect(h.em.state().flows.find((f) => f.id === id)?.publishCount).toBe(1);
  });

  it('fails the operation and keeps the published version when there is nothing to publish', async () => {
    h = await harness(scenario);
    const id = await flowId('Support IVR');
    await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}`);
    h.clock.advance(1500);
    const flow = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(flow.currentOperation).toMatchObject({ complete: true, actionStatus: 'FAILURE' });
    expect(flow.currentOperation.errorMessage).toContain('no checked-in version');
    expect(flow.publishedVersion.id).toBe('1.0');

    await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}&version=7.0`);
    h.clock.advance(1500);
    const again = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(again.currentOperation.actionStatus).toBe('FAILURE');
    expect(again.publishedVersion.id).toBe('1.0');
  });

  it('publish-failure fault fails the operation', async () => {
    h = await harness({
      ...scenario,
      faults: [{ kind: 'publish-failure', flow: 'Billing IVR', message: 'backend said no' }]
    });
    const id = await flowId('Billing IVR');
    await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}`);
    h.clock.advance(1500);
    const flow = (await h.api('GET', `/api/v2/flows/${id}`)).body;
    expect(flow.currentOperation).toMatchObject({ actionStatus: 'FAILURE', errorMessage: 'backend said no' });
    expect(flow.publishedVersion.id).toBe('2.0');
  });

  it('refuses to publish or delete a locked flow until it is unlocked', async () => {
    h = await harness({ ...scenario, faults: [{ kind: 'locked', flow: 'Billing IVR', user: 'Pat Smith' }] });
    const id = await flowId('Billing IVR');
    const refused = await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('Pat Smith');
    expect((await h.api('DELETE', `/api/v2/flows/${id}`)).status).toBe(409);
    const unlocked = await h.api('POST', `/api/v2/flows/actions/unlock?flow=${id}`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUser).toBeUndefined();
    expect((await h.api('POST', `/api/v2/flows/actions/publish?flow=${id}`)).status).toBe(200);
  });

  it('deletes a flow', async () => {
    h = await harness(scenario);
    const id = await flowId('Support IVR');
    expect((await h.api('DELETE', `/api/v2/flows/${id}`)).status).toBe(200);
    expect((await h.api('GET', `/api/v2/flows/${id}`)).status).toBe(404);
    expect((await h.api('GET', `/api/v2/flows/${id}?deleted=true`)).body.deleted).toBe(true);
    expect((await h.api('GET', '/api/v2/flows?name=Support')).body.total).toBe(0);
    expect(h.em.mutatingRequests().map((r) => r.key)).toEqual(['DELETE /api/v2/flows/{id}']);
  });
});
