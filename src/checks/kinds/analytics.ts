// `kind: analytics` — the flow-outcome failure rate of each new version since it went live, from the analytics flow
// aggregates, against a maximum (and optionally against the previous version's rate). Too few outcomes is
// "inconclusive", which fails unless the manifest says pass-with-warning.
import { z } from 'zod';
import { errorText } from '../../genesys/errors.ts';
import { name, ratio } from '../../fields/schema.ts';
import type { FlowAggregateQueryResponse, FlowAggregationQuery } from '../../genesys/models.ts';
import { isCancellation } from '../cancel.ts';
import { defineCheckKind } from '../types.ts';
import type { CheckContext, CheckRound, FlowMeasurement, LiveFlow, TextKit } from '../types.ts';
import type { CheckMeasurement } from '../../domain/types.ts';

export interface AnalyticsCheck {
  kind: 'analytics';
  name: string;
  metric: 'outcome-failure-rate';
  /** Flows to measure; default: every flow of the stage that runs the check. */
  flows?: string[];
  max: number;
  minSamples: number;
  onInsufficientData: 'fail' | 'pass-with-warning';
  /** When set, also fail if new rate > previous version's rate + maxIncrease. */
  compareToPrevious?: { maxIncrease: number };
}

const DEFAULTS = { minSamples: 20, onInsufficientData: 'fail' } as const;

const schema = z.strictObject({
  kind: z.literal('analytics'),
  metric: z.enum(['outcome-failure-rate']),
  flows: z.array(name).min(1, 'list at least one flow, or omit flows to measure every flow of the stage').optional(),
  max: ratio,
  'min-samples': z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
  'on-insufficient-data': z.enum(['fail', 'pass-with-warning']).optional(),
  'compare-to-previous': z.strictObject({ 'max-increase': ratio }).optional()
});

/** Flows per aggregates query: one query per check round for a stage, split only for very large stages. */
export const ANALYTICS_FLOWS_PER_QUERY = 50;

export const analyticsCheck = defineCheckKind<AnalyticsCheck, z.infer<typeof schema>>({
  kind: 'analytics',
  schema,
  defaults: DEFAULTS,
  toSpec: (checkName, d) => ({
    kind: 'analytics',
    name: checkName,
    metric: d.metric,
    ...(d.flows ? { flows: d.flows } : {}),
    max: d.max,
    minSamples: d['min-samples'] ?? DEFAULTS.minSamples,
    onInsufficientData: d['on-insufficient-data'] ?? DEFAULTS.onInsufficientData,
    ...(d['compare-to-previous']
      ? { compareToPrevious: { maxIncrease: d['compare-to-previous']['max-increase'] } }
      : {})
  }),
  validate(spec, v) {
    spec.flows?.forEach((f, j) => v.flow(['flows', j], f));
    return spec;
  },
  run: (ctx, spec, round) => measureRound(ctx, spec, round),
  describe: describeAnalytics
});

/** "failure rate 0.12 > max 0.05 (140 samples)", "insufficient data: 3 samples < min 20". */
function describeAnalytics(c: CheckMeasurement, kit: TextKit): string | undefined {
  const m = c.measured ?? {};
  const x = c.expected ?? {};
  const rate = m.failureRate ?? m.rate ?? m.value;
  const samples = m.samples;
  const max = x.max;
  const minSamples = x.minSamples;
  if (typeof samples === 'number' && typeof minSamples === 'number' && samples < minSamples) {
    return `insufficient data: ${samples} samples < min ${minSamples}${c.result === 'pass-with-warning' ? ' (passed with warning)' : ''}`;
  }
  if (typeof rate === 'number' && typeof max === 'number') {
    const prev = m.previousFailureRate;
    const text =
      `failure rate ${kit.number(rate)} ${rate > max ? '>' : '≤'} max ${kit.number(max)}` +
      (typeof samples === 'number'
        ? ` (${samples} samples${typeof prev === 'number' ? `, previous ${kit.number(prev)}` : ''})`
        : '');
    // Failed although under the max: the comparison with the previous version failed; the message says how.
    return c.result === 'fail' && rate <= max && c.message ? `${text}; ${kit.text(c.message, 200)}` : text;
  }
  // No rate (query failed, flow not live): the engine's message is the measurement.
  return undefined;
}

function sumMetric(
  res: FlowAggregateQueryResponse,
  flowId: string,
  version: string,
  metric: string,
  single: boolean
): number | undefined {
  let total: number | undefined;
  for (const r of res.results ?? []) {
    if (r.group?.flowVersion !== version) continue;
    // Grouped by flowId too; a response without the flowId group can only be attributed when one flow was asked.
    if (r.group?.flowId !== undefined ? r.group.flowId !== flowId : !single) continue;
    for (const d of r.data ?? []) {
      for (const m of d.metrics) {
        if (m.metric !== metric) continue;
        total = (total ?? 0) + (m.stats.count ?? m.stats.sum ?? 0);
      }
    }
  }
  return total;
}

/** The aggregates query for several flows: `or` over their ids inside the `and`, grouped by flow and version. */
export function aggregatesQuery(flowIds: string[], interval: string): FlowAggregationQuery {
  // The `and` holds only the `or` clause (an empty predicates list is left out, as the API's own examples do).
  const filter = {
    type: 'and',
    clauses: [{ type: 'or', predicates: flowIds.map((value) => ({ dimension: 'flowId', value })) }]
  } as unknown as FlowAggregationQuery['filter'];
  return { interval, groupBy: ['flowId', 'flowVersion'], filter, metrics: ['nFlowOutcome', 'nFlowOutcomeFailed'] };
}

function expectedOf(check: AnalyticsCheck): Record<string, unknown> {
  const expected: Record<string, unknown> = {
    metric: check.metric,
    max: check.max,
    minSamples: check.minSamples,
    onInsufficientData: check.onInsufficientData
  };
  if (check.compareToPrevious) expected.compareToPrevious = check.compareToPrevious;
  return expected;
}

/** One measurement per flow, in the order the flows are listed; one aggregates query per batch of live flows. */
async function measureRound(ctx: CheckContext, check: AnalyticsCheck, r: CheckRound): Promise<FlowMeasurement[]> {
  const expected = expectedOf(check);
  const names = check.flows ?? r.stage.flows;
  const byName = new Map<string, FlowMeasurement>();
  const liveFlows: LiveFlow[] = [];
  for (const flowName of names) {
    const flow = r.live.get(flowName);
    if (flow) liveFlows.push(flow);
    else
      byName.set(flowName, {
        check: check.name,
        kind: 'analytics',
        round: r.round,
        expected,
        flow: flowName,
        result: 'inconclusive',
        measured: {},
        message: `Flow "${flowName}" is not live; no analytics.`
      });
  }
  // The platform publishes before we observe it, and analytics intervals are minute-aligned: start a minute early.
  // Grouping by flowVersion keeps the older version's traffic out of the new version's figures, so one interval from
  // the earliest publish of the batch measures every new version exactly as a query of its own would.
  const sinceOf = (f: LiveFlow) => Math.floor(((f.publishedAt ?? r.stageStartedAt) - 60_000) / 60_000) * 60_000;
  for (let i = 0; i < liveFlows.length; i += ANALYTICS_FLOWS_PER_QUERY) {
    const batch = liveFlows.slice(i, i + ANALYTICS_FLOWS_PER_QUERY);
    const since = Math.min(...batch.map(sinceOf));
    const end = Math.max(ctx.clock.now(), since + 1000);
    const interval = `${new Date(since).toISOString()}/${new Date(end).toISOString()}`;
    let res: FlowAggregateQueryResponse | undefined;
    let error: string | undefined;
    try {
      res = await ctx.api.queryFlowAggregates(aggregatesQuery([...new Set(batch.map((f) => f.flowId))], interval));
    } catch (e) {
      if (isCancellation(ctx, e)) throw e;
      error = errorText(e);
    }
    const window = { interval, res, error, single: batch.length === 1 };
    for (const flow of batch) byName.set(flow.name, measureFlow(check, r.round, expected, flow, window));
  }
  return names.map((n) => byName.get(n)!).filter(Boolean);
}

interface Window {
  interval: string;
  res: FlowAggregateQueryResponse | undefined;
  error: string | undefined;
  /** One flow was asked: a response without the flowId group is attributed to it. */
  single: boolean;
}

function measureFlow(
  check: AnalyticsCheck,
  round: number,
  expected: Record<string, unknown>,
  flow: LiveFlow,
  w: Window
): FlowMeasurement {
  const { interval, res, single } = w;
  const flowName = flow.name;
  const base = { check: check.name, kind: 'analytics', round, expected, flow: flowName };
  if (!res) {
    return {
      ...base,
      result: 'fail',
      measured: { interval, flowId: flow.flowId, flowVersion: flow.version },
      message: `Analytics query for "${flowName}" failed: ${w.error ?? 'no response'}`
    };
  }
  const samples = sumMetric(res, flow.flowId, flow.version, 'nFlowOutcome', single) ?? 0;
  const failed = sumMetric(res, flow.flowId, flow.version, 'nFlowOutcomeFailed', single) ?? 0;
  const measured: Record<string, unknown> = {
    interval,
    flowId: flow.flowId,
    flowVersion: flow.version,
    samples,
    failed,
    failureRate: samples > 0 ? failed / samples : null
  };
  if (samples < check.minSamples || samples === 0) {
    const warn = check.onInsufficientData === 'pass-with-warning';
    return {
      ...base,
      result: warn ? 'pass-with-warning' : 'inconclusive',
      measured,
      message:
        `Insufficient data for "${flowName}" v${flow.version}: ${samples} flow outcome(s), at least ${check.minSamples} needed` +
        (warn ? ' — passing with a warning as configured.' : ' — treated as a failure (on-insufficient-data: fail).')
    };
  }
  const rate = failed / samples;
  let ok = rate <= check.max;
  let message = `"${flowName}" v${flow.version}: outcome failure rate ${rate.toFixed(4)} (${failed}/${samples}), max ${check.max}`;
  if (check.compareToPrevious && flow.previousVersion) {
    const prevSamples = sumMetric(res, flow.flowId, flow.previousVersion, 'nFlowOutcome', single) ?? 0;
    const prevFailed = sumMetric(res, flow.flowId, flow.previousVersion, 'nFlowOutcomeFailed', single) ?? 0;
    measured.previousVersion = flow.previousVersion;
    measured.previousSamples = prevSamples;
    if (prevSamples > 0) {
      const prevRate = prevFailed / prevSamples;
      measured.previousFailureRate = prevRate;
      const limit = prevRate + check.compareToPrevious.maxIncrease;
      if (rate > limit) ok = false;
      message += `; previous v${flow.previousVersion} ${prevRate.toFixed(4)} (allowed up to ${limit.toFixed(4)})`;
    } else {
      message += `; previous v${flow.previousVersion} had no outcomes in the window (comparison skipped)`;
    }
  }
  return { ...base, result: ok ? 'pass' : 'fail', measured, message: `${message}.` };
}
