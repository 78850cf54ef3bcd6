// Flow aggregates generated from each published version's traffic model. Counts are cumulative floors of a linear
// model, so any split of an interval into buckets sums to the count of the whole interval. Like the real analytics
// API, metrics with no observations are omitted and a group with no data has no results entry.
import type { FlowRecord, VersionRecord } from './model.ts';
import type { Org } from './org.ts';
import { ApiError } from './model.ts';

/** The flow aggregate metrics the emulator serves: its own reading of the API, not the action's table, so that a
 * mistake in the action's list is not silently mirrored by the emulator it is tested against. */
export const FLOW_METRICS = [
  'nFlow',
  'nFlowMilestone',
  'nFlowOutcome',
  'nFlowOutcomeFailed',
  'oFlowMilestone',
  'tFlow',
  'tFlowDisconnect',
  'tFlowExit',
  'tFlowOutcome'
] as const;

const GROUP_DIMENSIONS = ['flowVersion', 'flowId', 'flowName', 'flowType'] as const;

interface Predicate {
  dimension?: unknown;
  value?: unknown;
  operator?: unknown;
}
interface Filter {
  type?: unknown;
  predicates?: unknown;
  clauses?: unknown;
}

function parseInterval(interval: unknown): [number, number] {
  if (typeof interval !== 'string' || !interval.includes('/')) {
    throw new ApiError(400, 'bad.request', `interval must be "start/end" in ISO-8601, got ${JSON.stringify(interval)}`);
  }
  const [a, b] = interval.split('/');
  const start = Date.parse(a ?? '');
  const end = Date.parse(b ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
    throw new ApiError(400, 'bad.request', `interval '${interval}' is not a valid ISO-8601 start/end pair`);
  }
  return [start, end];
}

function parseGranularity(granularity: unknown): number | undefined {
  if (granularity === undefined || granularity === null) return undefined;
  const m =
    typeof granularity === 'string' ? /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(granularity) : null;
  const ms = m
    ? Number(m[1] ?? 0) * 604_800_000 +
      Number(m[2] ?? 0) * 86_400_000 +
      Number(m[3] ?? 0) * 3_600_000 +
      Number(m[4] ?? 0) * 60_000
    : 0;
  if (!ms) throw new ApiError(400, 'bad.request', `granularity '${String(granularity)}' is not a supported duration`);
  return ms;
}

function predicateMatches(p: Predicate, flow: FlowRecord, version: VersionRecord): boolean {
  const value = String(p.value ?? '');
  switch (p.dimension) {
    case 'flowId':
      return flow.id === value;
    case 'flowVersion':
      return version.id === value;
    case 'flowName':
      return flow.name === value;
    case 'flowType':
      return flow.type.toUpperCase() === value.toUpperCase();
    default:
      throw new ApiError(400, 'bad.request', `Unsupported filter dimension '${String(p.dimension)}'`);
  }
}

function filterMatches(filter: Filter | undefined, flow: FlowRecord, version: VersionRecord): boolean {
  if (!filter) return true;
  const type = filter.type;
  if (type !== 'and' && type !== 'or') throw new ApiError(400, 'bad.request', `filter.type must be 'and' or 'or'`);
  const results: boolean[] = [];
  for (const p of Array.isArray(filter.predicates) ? (filter.predicates as Predicate[]) : []) {
    results.push(predicateMatches(p, flow, version));
  }
  for (const c of Array.isArray(filter.clauses) ? (filter.clauses as Filter[]) : []) {
    results.push(filterMatches(c, flow, version));
  }
  if (results.length === 0) return true;
  return type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

/** Executions of `version` from its publish until `t` (0 before the publish). */
function cumulative(version: VersionRecord, t: number, now: number): { n: number; failed: number } {
  const traffic = version.traffic;
  const published = version.datePublished;
  if (!traffic || published === undefined) return { n: 0, failed: 0 };
  const until = Math.min(t, version.datePublishedEnd ?? now, now);
  if (until < published) return { n: 0, failed: 0 };
  const n = Math.floor((traffic.perMinute * (until - published)) / 60_000) + traffic.initial;
  return { n, failed: Math.floor(n * traffic.failureRatio) };
}

function metricsFor(metrics: string[], n: number, failed: number) {
  const out: { metric: string; stats: Record<string, number> }[] = [];
  const timed = (count: number, mean: number, min: number, max: number) => ({ count, sum: count * mean, min, max });
  for (const metric of metrics) {
    let stats: Record<string, number> | undefined;
    switch (metric) {
      case 'nFlow':
      case 'nFlowOutcome':
      case 'nFlowMilestone':
      case 'oFlowMilestone':
        stats = { count: n };
        break;
      case 'nFlowOutcomeFailed':
        stats = { count: failed };
        break;
      case 'tFlow':
        stats = timed(n, 45_000, 5_000, 180_000);
        break;
      case 'tFlowOutcome':
        stats = timed(n, 20_000, 1_000, 60_000);
        break;
      case 'tFlowExit':
        stats = timed(n - failed, 40_000, 5_000, 180_000);
        break;
      case 'tFlowDisconnect':
        stats = timed(failed, 30_000, 2_000, 120_000);
        break;
    }
    if (stats && (stats.count ?? 0) > 0) out.push({ metric, stats });
  }
  return out;
}

export function queryFlowAggregates(org: Org, body: unknown): { results?: unknown[] } {
  if (typeof body !== 'object' || body === null) throw new ApiError(400, 'bad.request', 'A query body is required');
  const q = body as Record<string, unknown>;
  const [start, end] = parseInterval(q.interval);
  const granularity = parseGranularity(q.granularity);
  if (!Array.isArray(q.metrics) || q.metrics.length === 0) {
    throw new ApiError(400, 'bad.request', `metrics is required; valid metrics: ${FLOW_METRICS.join(', ')}`);
  }
  const metrics = q.metrics.map(String);
  const unknown = metrics.filter((m) => !(FLOW_METRICS as readonly string[]).includes(m));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      'bad.request',
      `Unknown metric(s) ${unknown.join(', ')}; valid metrics: ${FLOW_METRICS.join(', ')}`,
      unknown.map((m) => ({ errorCode: 'invalid.metric', fieldName: 'metrics', entityName: m }))
    );
  }
  const groupBy = Array.isArray(q.groupBy) ? q.groupBy.map(String) : [];
  const badGroup = groupBy.find((g) => !(GROUP_DIMENSIONS as readonly string[]).includes(g));
  if (badGroup) throw new ApiError(400, 'bad.request', `Unsupported groupBy dimension '${badGroup}'`);
  const buckets: [number, number][] = [];
  if (granularity === undefined) buckets.push([start, end]);
  else {
    if ((end - start) / granularity > 1000) throw new ApiError(400, 'bad.request', 'Too many granularity buckets');
    for (let t = start; t < end; t += granularity) buckets.push([t, Math.min(t + granularity, end)]);
  }
  const now = org.clock.now();
  const filter = q.filter as Filter | undefined;
  const groups = new Map<string, { group: Record<string, string>; counts: { n: number; failed: number }[] }>();
  for (const flow of org.flows) {
    for (const version of flow.versions) {
      if (!version.traffic || version.datePublished === undefined) continue;
      if (!filterMatches(filter, flow, version)) continue;
      const group: Record<string, string> = {};
      for (const g of groupBy) {
        group[g] =
          g === 'flowVersion'
            ? version.id
            : g === 'flowId'
              ? flow.id
              : g === 'flowName'
                ? flow.name
                : flow.type.toUpperCase();
      }
      const key = JSON.stringify(group);
      const entry = groups.get(key) ?? { group, counts: buckets.map(() => ({ n: 0, failed: 0 })) };
      buckets.forEach(([a, b], i) => {
        const lo = cumulative(version, a, now);
        const hi = cumulative(version, b, now);
        // The `initial` samples belong to the bucket that contains the publish instant.
        const publishedInside = version.datePublished !== undefined && version.datePublished >= a;
        const count = entry.counts[i];
        if (!count) return;
        count.n += hi.n - (publishedInside ? 0 : lo.n);
        count.failed += hi.failed - (publishedInside ? 0 : lo.failed);
      });
      groups.set(key, entry);
    }
  }
  const results: unknown[] = [];
  for (const { group, counts } of groups.values()) {
    const data = buckets
      .map(([a, b], i) => {
        const c = counts[i] ?? { n: 0, failed: 0 };
        return {
          interval: `${new Date(a).toISOString()}/${new Date(b).toISOString()}`,
          metrics: metricsFor(metrics, c.n, c.failed)
        };
      })
      .filter((d) => d.metrics.length > 0);
    if (data.length > 0) results.push({ group, data });
  }
  return results.length > 0 ? { results } : {};
}
