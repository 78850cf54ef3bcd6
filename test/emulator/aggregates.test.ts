import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, ivr, uploadJob } from './helpers.ts';
import type { Harness, Json } from './helpers.ts';

const scenario = {
  queues: ['Support'],
  latency: { jobMs: 1000 },
  flows: [
    {
      name: 'Support IVR',
      type: 'inboundcall',
      versions: 1,
      traffic: { perMinute: 10, failureRatio: 0.1, initial: 20 }
    },
    { name: 'Quiet IVR', type: 'inboundcall', versions: 1 }
  ]
};
const METRICS = ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed', 'tFlow'];

let h: Harness;
afterEach(async () => h?.close());

const flowId = async (name: string) =>
  (await h.api('GET', `/api/v2/flows?name=${encodeURIComponent(name)}`)).body.entities[0].id as string;
const query = (id: string, start: number, end: number, extra: Record<string, unknown> = {}) =>
  h.api('POST', '/api/v2/analytics/flows/aggregates/query', {
    interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
    groupBy: ['flowVersion'],
    filter: { type: 'and', predicates: [{ dimension: 'flowId', value: id }] },
    metrics: METRICS,
    ...extra
  });
const stat = (result: Json, metric: string) =>
  result.data[0].metrics.find((m: { metric: string }) => m.metric === metric)?.stats;

describe('analytics flow aggregates', () => {
  it('derives counts from the traffic model, grouped by flowVersion', async () => {
    h = await harness(scenario);
    const id = await flowId('Support IVR');
    const start = h.clock.now();
    h.clock.advance(10 * 60_000);
    const res = await query(id, start, h.clock.now());
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    const [result] = res.body.results;
    expect(result.group).toEqual({ flowVersion: '1.0' });
    expect(stat(result, 'nFlow')).toEqual({ count: 100 });
    expect(stat(result, 'nFlowOutcome')).toEqual({ count: 100 });
    expect(stat(result, 'nFlowOutcomeFailed')).toEqual({ count: 10 });
    expect(stat(result, 'tFlow')).toMatchObject({ count: 100 });
  });

  it('has no results for a flow without traffic, or before anything happened', async () => {
    h = await harness(scenario);
    const quiet = await flowId('Quiet IVR');
    h.clock.advance(60_000);
    expect((await query(quiet, h.clock.now() - 60_000, h.clock.now())).body.results).toBeUndefined();
    const busy = await flowId('Support IVR');
    const future = h.clock.now() + 3_600_000;
    expect((await query(busy, future, future + 60_000)).body.results).toBeUndefined();
  });

  it('makes the next published version unhealthy, with initial samples right after publish', async () => {
    h = await harness({
      ...scenario,
      faults: [{ kind: 'unhealthy', flow: 'Support IVR', after: 'next-publish', failureRatio: 0.5, initial: 40 }]
    });
    const id = await flowId('Support IVR');
    const start = h.clock.now();
    await uploadJob(h, ivr('Support IVR'));
    h.clock.advance(1000); // the job completes: version 2.0 is published now
    const res = await query(id, start, h.clock.now());
    const byVersion = Object.fromEntries(res.body.results.map((r: Json) => [r.group.flowVersion, r]));
    expect(stat(byVersion['2.0'], 'nFlow')).toEqual({ count: 40 });
    expect(stat(byVersion['2.0'], 'nFlowOutcomeFailed')).toEqual({ count: 20 });
    // the rollback (the publish after) is healthy again
    await uploadJob(h, ivr('Support IVR'));
    h.clock.advance(1000);
    h.clock.advance(6 * 60_000);
    const later = await query(id, h.clock.now() - 6 * 60_000, h.clock.now());
    const v3 = later.body.results.find((r: Json) => r.group.flowVersion === '3.0');
    expect(stat(v3, 'nFlow')).toEqual({ count: 80 });
    expect(stat(v3, 'nFlowOutcomeFailed')).toEqual({ count: 8 });
    expect(later.body.results.some((r: Json) => r.group.flowVersion === '2.0')).toBe(false);
    expect(h.em.state().faults[0]).toMatchObject({ kind: 'unhealthy', fired: 1 });
  });

  it('splits by granularity into buckets that sum to the whole', async () => {
    h = await harness(scenario);
    const id = await flowId('Support IVR');
    const start = h.clock.now();
    h.clock.advance(30 * 60_000);
    const whole = (await query(id, start, h.clock.now())).body.results[0];
    const split = (await query(id, start, h.clock.now(), { granularity: 'PT10M' })).body.results[0];
    expect(split.data).toHaveLength(3);
    const sum = split.data.reduce(
      (n: number, d: Json) => n + d.metrics.find((m: Json) => m.metric === 'nFlow').stats.count,
      0
    );
    expect(sum).toBe(stat(whole, 'nFlow').count);
  });

  it('rejects unknown metrics and bad intervals with Genesys error bodies', async () => {
    h = await harness(scenario);
    const id = await flowId('Support IVR');
    const bad = await query(id, h.clock.now() - 60_000, h.clock.now(), { metrics: ['nFlow', 'nFlowFailures'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('nFlowFailures');
    expect(bad.body.details[0]).toMatchObject({ errorCode: 'invalid.metric' });
    const interval = await h.api('POST', '/api/v2/analytics/flows/aggregates/query', {
      interval: 'yesterday',
      metrics: ['nFlow']
    });
    expect(interval.status).toBe(400);
  });
});
