// Health checks run during a stage's bake: a synthetic workflow execution, the flow-outcome failure rate from
// analytics, or an HTTP probe. Each measurement becomes a `check-result` event carrying the measured and expected
// values. Missing data is "inconclusive", which never passes unless the manifest says pass-with-warning.
import type { CheckMeasurement } from '../domain/types.ts';
import type { FlowAggregateQueryResponse, FlowAggregationQuery } from '../genesys/models.ts';
import type { AnalyticsCheck, CheckSpec, ExecutionCheck, HttpCheck, StageSpec } from '../manifest/types.ts';
import type { EngineContext } from './context.ts';
import { errorText, isCancellation, throwIfCancelled } from './context.ts';
import type { HttpGet } from './types.ts';
import { WaitTimeoutError, waitFor } from './wait.ts';

/** What is live for a flow while its checks run. */
export interface LiveFlow {
  name: string;
  type: string;
  flowId: string;
  version: string;
  /** The version that was live before this release (for compareToPrevious). */
  previousVersion?: string | null;
  /** When the live version went live in this release (clock ms); undefined when it was already live. */
  publishedAt?: number;
}

export interface CheckRun {
  ok: boolean;
  measurements: (CheckMeasurement & { flow?: string })[];
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'ERROR', 'TERMINATED']);

/** Does `actual` contain every key of `expected` with an equal (recursively subset-equal) value? */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(expected, actual) || expected === actual;
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => isSubset(v, actual[i]))
    );
  }
  return Object.entries(expected as Record<string, unknown>).every(([k, v]) =>
    isSubset(v, (actual as Record<string, unknown>)[k])
  );
}

export const defaultHttpGet: HttpGet = async (url, timeoutMs) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  return { status: res.status, body: await res.text() };
};

type Measure = CheckMeasurement & { flow?: string };

async function executionCheck(
  ctx: EngineContext,
  check: ExecutionCheck,
  round: number,
  live: Map<string, LiveFlow>
): Promise<Measure[]> {
  const expected: Record<string, unknown> = { status: check.expect.status };
  if (check.expect.output) expected.output = check.expect.output;
  const base = { check: check.name, kind: 'execution' as const, round, expected, flow: check.flow };
  const flow = live.get(check.flow);
  if (!flow) {
    return [
      {
        ...base,
        result: 'inconclusive',
        measured: {},
        message: `Flow "${check.flow}" is not live (not released or removed), so it cannot be executed.`
      }
    ];
  }
  const started = ctx.clock.now();
  let executionId: string | undefined;
  try {
    const launched = await ctx.api.launchExecution({
      flowId: flow.flowId,
      flowVersion: flow.version,
      inputData: check.input,
      name: `flow-release ${ctx.releaseId} ${check.name} round ${round}`.slice(0, 200)
    });
    executionId = launched.id;
    const exec = await waitFor({
      what: 'execution',
      id: launched.id,
      poll: () => ctx.api.getExecution(launched.id),
      done: (x) => TERMINAL.has(x.status),
      state: (x) => x.status,
      clock: ctx.clock,
      log: ctx.log,
      deadlineMs: check.timeoutMs,
      signal: ctx.signal,
      expectedLatencyMs: 1000
    });
    const measured: Record<string, unknown> = {
      executionId: exec.id,
      flowId: flow.flowId,
      flowVersion: exec.flowVersion?.id ?? launched.flowVersion?.id ?? flow.version,
      status: exec.status,
      durationMs: ctx.clock.now() - started
    };
    if (exec.outputData) measured.output = exec.outputData;
    if (exec.completionReason) measured.completionReason = exec.completionReason;
    if (exec.flowErrorInfo?.message) measured.error = exec.flowErrorInfo.message;
    const statusOk = exec.status === check.expect.status;
    const outputOk = !check.expect.output || isSubset(check.expect.output, exec.outputData ?? {});
    const ok = statusOk && outputOk;
    const why = !statusOk
      ? `ended ${exec.status}, expected ${check.expect.status}${exec.flowErrorInfo?.message ? ` (${exec.flowErrorInfo.message})` : ''}`
      : !outputOk
        ? `output ${JSON.stringify(exec.outputData ?? {})} does not contain ${JSON.stringify(check.expect.output)}`
        : `ended ${exec.status} with the expected output`;
    return [
      {
        ...base,
        result: ok ? 'pass' : 'fail',
        measured,
        message: `Execution ${exec.id} of "${flow.name}" v${flow.version} ${why}.`
      }
    ];
  } catch (e) {
    if (isCancellation(ctx, e)) throw e;
    const timedOut = e instanceof WaitTimeoutError;
    return [
      {
        ...base,
        result: 'fail',
        measured: {
          executionId,
          flowId: flow.flowId,
          flowVersion: flow.version,
          status: timedOut ? e.lastState : 'not launched',
          durationMs: ctx.clock.now() - started,
          timedOut: timedOut || undefined
        },
        message: timedOut
          ? `Execution ${executionId} of "${flow.name}" did not finish within ${check.timeoutMs / 1000} s (last status ${e.lastState}).`
          : `Execution check on "${flow.name}" failed: ${errorText(e)}`
      }
    ];
  }
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

/** Flows per aggregates query: one query per check round for a stage, split only for very large stages. */
export const ANALYTICS_FLOWS_PER_QUERY = 50;

/** The aggregates query for several flows: `or` over their ids inside the `and`, grouped by flow and version. */
export function aggregatesQuery(flowIds: string[], interval: string): FlowAggregationQuery {
  // The `and` holds only the `or` clause (an empty predicates list is left out, as the API's own examples do).
  const filter = {
    type: 'and',
    clauses: [{ type: 'or', predicates: flowIds.map((value) => ({ dimension: 'flowId', value })) }]
  } as unknown as FlowAggregationQuery['filter'];
  return { interval, groupBy: ['flowId', 'flowVersion'], filter, metrics: ['nFlowOutcome', 'nFlowOutcomeFailed'] };
}

async function analyticsCheck(
  ctx: EngineContext,
  check: AnalyticsCheck,
  round: number,
  stage: StageSpec,
  live: Map<string, LiveFlow>,
  stageStartedAt: number
): Promise<Measure[]> {
  const expected: Record<string, unknown> = {
    metric: check.metric,
    max: check.max,
    minSamples: check.minSamples,
    onInsufficientData: check.onInsufficientData
  };
  if (check.compareToPrevious) expected.compareToPrevious = check.compareToPrevious;
  const names = check.flows ?? stage.flows;
  const byName = new Map<string, Measure>();
  const liveFlows: LiveFlow[] = [];
  for (const name of names) {
    const flow = live.get(name);
    if (flow) liveFlows.push(flow);
    else
      byName.set(name, {
        check: check.name,
        kind: 'analytics',
        round,
        expected,
        flow: name,
        result: 'inconclusive',
        measured: {},
        message: `Flow "${name}" is not live; no analytics.`
      });
  }
  // The platform publishes before we observe it, and analytics intervals are minute-aligned: start a minute early.
  // Grouping by flowVersion keeps the older version's traffic out of the new version's figures, so one interval from
  // the earliest publish of the batch measures every new version exactly as a query of its own would.
  const sinceOf = (f: LiveFlow) => Math.floor(((f.publishedAt ?? stageStartedAt) - 60_000) / 60_000) * 60_000;
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
    for (const flow of batch) {
      byName.set(flow.name, measureFlow(check, round, expected, flow, interval, res, error, batch.length === 1));
    }
  }
  return names.map((n) => byName.get(n)!).filter(Boolean);
}

function measureFlow(
  check: AnalyticsCheck,
  round: number,
  expected: Record<string, unknown>,
  flow: LiveFlow,
  interval: string,
  res: FlowAggregateQueryResponse | undefined,
  error: string | undefined,
  single: boolean
): Measure {
  const name = flow.name;
  const base = { check: check.name, kind: 'analytics' as const, round, expected, flow: name };
  if (!res) {
    return {
      ...base,
      result: 'fail',
      measured: { interval, flowId: flow.flowId, flowVersion: flow.version },
      message: `Analytics query for "${name}" failed: ${error ?? 'no response'}`
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
        `Insufficient data for "${name}" v${flow.version}: ${samples} flow outcome(s), at least ${check.minSamples} needed` +
        (warn ? ' — passing with a warning as configured.' : ' — treated as a failure (on-insufficient-data: fail).')
    };
  }
  const rate = failed / samples;
  let ok = rate <= check.max;
  let message = `"${name}" v${flow.version}: outcome failure rate ${rate.toFixed(4)} (${failed}/${samples}), max ${check.max}`;
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

async function httpCheck(ctx: EngineContext, check: HttpCheck, round: number): Promise<Measure[]> {
  const expected: Record<string, unknown> = { status: check.expectStatus };
  if (check.expectBody !== undefined) expected.bodyContains = check.expectBody;
  const base = { check: check.name, kind: 'http' as const, round, expected };
  const started = ctx.clock.now();
  try {
    const res = await ctx.httpGet(check.url, check.timeoutMs);
    const bodyOk = check.expectBody === undefined || res.body.includes(check.expectBody);
    const ok = res.status === check.expectStatus && bodyOk;
    const measured: Record<string, unknown> = {
      url: check.url,
      status: res.status,
      durationMs: ctx.clock.now() - started
    };
    if (check.expectBody !== undefined) measured.bodyContains = bodyOk;
    return [
      {
        ...base,
        result: ok ? 'pass' : 'fail',
        measured,
        message: `GET ${check.url} → ${res.status}${check.expectBody !== undefined ? `, body ${bodyOk ? 'contains' : 'lacks'} "${check.expectBody}"` : ''}.`
      }
    ];
  } catch (e) {
    return [
      {
        ...base,
        result: 'fail',
        measured: { url: check.url, error: errorText(e) },
        message: `GET ${check.url} failed: ${errorText(e)}`
      }
    ];
  }
}

/** Run every check of a stage once and journal each measurement. */
export async function runStageChecks(
  ctx: EngineContext,
  stage: StageSpec,
  round: number,
  live: Map<string, LiveFlow>,
  stageStartedAt: number
): Promise<CheckRun> {
  const measurements: Measure[] = [];
  for (const name of stage.checks) {
    // A cancelled run launches no further execution (a check is a call that starts something in the org).
    throwIfCancelled(ctx);
    const check: CheckSpec | undefined = ctx.manifest.checks[name];
    if (!check) {
      measurements.push({
        check: name,
        kind: 'http',
        round,
        result: 'fail',
        measured: {},
        expected: {},
        message: `Check "${name}" is not defined in the manifest's checks.`
      });
      continue;
    }
    if (check.kind === 'execution') measurements.push(...(await executionCheck(ctx, check, round, live)));
    else if (check.kind === 'analytics')
      measurements.push(...(await analyticsCheck(ctx, check, round, stage, live, stageStartedAt)));
    else measurements.push(...(await httpCheck(ctx, check, round)));
  }
  for (const m of measurements) {
    const { flow, ...details } = m;
    const status = m.result === 'pass' ? 'ok' : m.result === 'pass-with-warning' ? 'warning' : 'error';
    ctx.journal.append('check-result', { stage: stage.name, flow, status, details });
    const line = `Check ${m.check} (round ${round}): ${m.result} — ${m.message}`;
    if (status === 'ok') ctx.log.info(line);
    else ctx.log.warning(line);
  }
  return { ok: measurements.every((m) => m.result === 'pass' || m.result === 'pass-with-warning'), measurements };
}
