import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { harness, ivr, uploadJob } from './helpers.ts';
import type { Harness, Json } from './helpers.ts';

const scenario = {
  queues: ['Support'],
  latency: { jobMs: 1000 },
  flows: [{ name: 'Support IVR', type: 'inboundcall' }]
};

let h: Harness;
afterEach(async () => h?.close());

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${h.em.baseUrl}/__emulator${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {})
  });
  return { status: res.status, body: (await res.json()) as Json };
};

describe('request faults and the admin API', () => {
  it('http-error bursts hit the matching path count times, with the Genesys error shape', async () => {
    h = await harness(scenario);
    h.em.addFault({ kind: 'http-error', status: 503, method: 'GET', path: '/api/v2/flows/{id}', count: 2 });
    const id = (await h.api('GET', '/api/v2/flows')).body.entities[0].id;
    const first = await h.api('GET', `/api/v2/flows/${id}`);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ status: 503, code: 'internal.server.error' });
    expect(first.body.contextId).toBe(first.headers.get('inin-correlation-id'));
    expect((await h.api('GET', `/api/v2/flows/${id}`)).status).toBe(503);
    expect((await h.api('GET', `/api/v2/flows/${id}`)).status).toBe(200);
  });

  it('afterProcessing errors and after-processing resets leave an ambiguous but real side effect', async () => {
    h = await harness(scenario);
    h.em.addFault({
      kind: 'http-error',
      status: 504,
      method: 'POST',
      path: '/api/v2/flows/jobs',
      count: 1,
      afterProcessing: true
    });
    const first = await h.api('POST', '/api/v2/flows/jobs');
    expect(first.status).toBe(504);
    expect(h.em.org.architectJobs.size).toBe(1);

    h.em.addFault({
      kind: 'connection-reset',
      method: 'PUT',
      path: '/__uploads/*',
      when: 'after-processing',
      count: 1
    });
    const reg = (await h.api('POST', '/api/v2/flows/jobs')).body;
    await expect(
      fetch(reg.presignedUrl, { method: 'PUT', headers: reg.headers, body: ivr('Support IVR') })
    ).rejects.toThrow();
    h.clock.advance(1000);
    expect((await h.api('GET', `/api/v2/flows/jobs/${reg.id}`)).body.status).toBe('Success');
    const put = h.em.requests().find((r) => r.method === 'PUT');
    expect(put).toMatchObject({ reset: true, mutating: true, key: 'PUT /__uploads/{id}' });
  });

  it('connection-reset before the body drops the request without doing anything', async () => {
    h = await harness(scenario);
    h.em.addFault({ kind: 'connection-reset', path: '/api/v2/flows/jobs', count: 1 });
    await expect(
      request(`${h.em.baseUrl}/api/v2/flows/jobs`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` } })
    ).rejects.toThrow();
    expect(h.em.org.architectJobs.size).toBe(0);
  });

  it.each([
    ['html', (r: { status: number; body: unknown }) => expect(String(r.body)).toContain('<html>')],
    ['truncated-json', (r: { body: unknown }) => expect(typeof r.body).toBe('string')],
    ['missing-field', (r: { body: Json }) => expect(r.body.entities).toBeUndefined()]
  ])('malformed-response %s', async (mode, check) => {
    h = await harness(scenario);
    h.em.addFault({ kind: 'malformed-response', mode: mode as 'html', path: '/api/v2/flows', count: 1 });
    const res = await h.api('GET', '/api/v2/flows');
    expect(res.status).toBe(200);
    check(res);
    expect((await h.api('GET', '/api/v2/flows')).body.entities).toHaveLength(1);
  });

  it('malformed-response unknown-enum replaces enum values', async () => {
    h = await harness(scenario);
    const job = await uploadJob(h, ivr('Support IVR'));
    h.em.addFault({ kind: 'malformed-response', mode: 'unknown-enum', path: '/api/v2/flows/jobs/{id}', count: 1 });
    expect((await h.api('GET', `/api/v2/flows/jobs/${job}`)).body.status).toBe('EMULATOR_UNKNOWN_VALUE');
    expect((await h.api('GET', `/api/v2/flows/jobs/${job}`)).body.status).toBe('Registered');
  });

  it('counts requests by templated path, marks mutating calls, and resets', async () => {
    h = await harness(scenario);
    const id = (await h.api('GET', '/api/v2/flows')).body.entities[0].id;
    await h.api('GET', `/api/v2/flows/${id}`);
    await h.api('GET', `/api/v2/flows/${id}/versions/1.0`);
    await h.api('POST', '/api/v2/analytics/flows/aggregates/query', {
      interval: '2026-01-01T00:00:00Z/2026-01-02T00:00:00Z',
      metrics: ['nFlow']
    });
    const before = await admin('GET', '/requests');
    expect(before.body.counts).toEqual({
      'POST /oauth/token': 1,
      'GET /api/v2/flows': 1,
      'GET /api/v2/flows/{id}': 1,
      'GET /api/v2/flows/{id}/versions/{id}': 1,
      'POST /api/v2/analytics/flows/aggregates/query': 1
    });
    expect(before.body.mutating).toBe(0);
    await uploadJob(h, ivr('Support IVR'));
    const after = await admin('GET', '/requests');
    expect(after.body.mutating).toBe(2);
    expect(after.body.requests.at(-1)).toMatchObject({ method: 'PUT', status: 200, mutating: true });
    expect(JSON.stringify(after.body)).not.toContain(h.token);
    await admin('POST', '/requests/reset');
    expect((await admin('GET', '/requests')).body.total).toBe(0);
  });

  it('adds faults at runtime through POST /__emulator/faults and validates them', async () => {
    h = await harness(scenario);
    const added = await admin('POST', '/faults', [
      { kind: 'http-error', status: 502, path: '/api/v2/flows', count: 1 }
    ]);
    expect(added.status).toBe(200);
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(502);
    const bad = await admin('POST', '/faults', { kind: 'http-error', status: 200 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('status');
    const unknown = await admin('POST', '/faults', { kind: 'gremlins' });
    expect(unknown.status).toBe(400);
    const state = await admin('GET', '/state');
    expect(state.body.faults).toEqual([expect.objectContaining({ kind: 'http-error', fired: 1, remaining: 0 })]);
    expect(state.body.flows[0]).toMatchObject({ name: 'Support IVR', publishCount: 0, duplicatePublishes: 0 });
  });

  it('counts duplicate publishes of identical content', async () => {
    h = await harness(scenario);
    const yaml = ivr('Support IVR');
    await uploadJob(h, yaml);
    h.clock.advance(1000);
    await uploadJob(h, yaml);
    h.clock.advance(1000);
    expect(h.em.state().flows[0]).toMatchObject({ publishCount: 2, duplicatePublishes: 1 });
  });
});
