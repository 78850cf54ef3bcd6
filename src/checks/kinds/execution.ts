// `kind: execution` — launch a workflow of this release with a synthetic input and expect it to end with a status
// (and outputs). The workflow must be a flow of the manifest; `{{run}}`-style built-ins in the input make each
// synthetic run distinguishable.
import { z } from 'zod';
import { errorText } from '../../genesys/errors.ts';
import { WaitTimeoutError, waitFor } from '../../genesys/wait.ts';
import { describe } from '../../fields/duration.ts';
import type { PathSegment } from '../../fields/issues.ts';
import { PLACEHOLDER } from '../../fields/placeholders.ts';
import { durationWithin, jsonObject, name } from '../../fields/schema.ts';
import type { FlowRuntimeExecution } from '../../genesys/models.ts';
import { isCancellation } from '../cancel.ts';
import { describeStatus } from '../text.ts';
import { defineCheckKind } from '../types.ts';
import type { CheckContext, CheckValidation, FlowMeasurement, LiveFlow } from '../types.ts';

const STATUSES = ['COMPLETED', 'FAILED', 'ERROR', 'TERMINATED'] as const;
const TERMINAL = new Set<string>(STATUSES);

export interface ExecutionCheck {
  kind: 'execution';
  name: string;
  /** Name of a manifest flow of type workflow. */
  flow: string;
  input: Record<string, unknown>;
  expect: { status: (typeof STATUSES)[number]; output?: Record<string, unknown> };
  timeoutMs: number;
}

const DEFAULTS = { input: {}, status: 'COMPLETED', timeoutMs: 60_000 } as const;

const schema = z.strictObject({
  kind: z.literal('execution'),
  flow: name,
  input: jsonObject.optional(),
  expect: z.strictObject({ status: z.enum(STATUSES).optional(), output: jsonObject.optional() }).optional(),
  timeout: durationWithin(1000, 3_600_000, 'timeout').optional()
});

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

export const executionCheck = defineCheckKind<ExecutionCheck, z.infer<typeof schema>>({
  kind: 'execution',
  schema,
  defaults: DEFAULTS,
  toSpec: (checkName, d) => ({
    kind: 'execution',
    name: checkName,
    flow: d.flow,
    input: d.input ?? { ...DEFAULTS.input },
    expect: { status: d.expect?.status ?? DEFAULTS.status, ...(d.expect?.output ? { output: d.expect.output } : {}) },
    timeoutMs: d.timeout ?? DEFAULTS.timeoutMs
  }),
  validate(spec, v) {
    const target = v.flow(['flow'], spec.flow);
    if (target && target.type !== 'workflow') {
      v.report(
        ['flow'],
        `execution checks launch workflows, but '${spec.flow}' has type ${target.type}`,
        'target a flow of type workflow, or use an analytics check for this flow'
      );
    }
    const input = toJson(spec.input, ['input'], v) as Record<string, unknown>;
    if (spec.expect.output) toJson(spec.expect.output, ['expect', 'output'], v);
    return { ...spec, input };
  },
  run: (ctx, spec, { round, live }) => measure(ctx, spec, round, live.get(spec.flow)),
  describe: (m, kit) => describeStatus('status', m, kit)
});

/**
 * Replaces built-ins such as `{{run}}` in every string of the input (so synthetic runs are distinguishable) and
 * refuses values that do not survive JSON (non-finite numbers): the input is sent as JSON.
 */
function toJson(v: unknown, p: PathSegment[], check: CheckValidation): unknown {
  const { builtins } = check;
  if (typeof v === 'string') {
    return v.replace(PLACEHOLDER, (whole, key: string) => {
      if (Object.hasOwn(builtins, key)) return builtins[key] ?? whole;
      const known = Object.keys(builtins).map((k) => `{{${k}}}`);
      check.report(
        p,
        `placeholder {{${key}}} is not a built-in`,
        `use one of ${known.join(', ') || '(none)'} or a literal value`
      );
      return whole;
    });
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) check.report(p, `${String(v)} cannot be sent as JSON`, 'use a finite number or a string');
    return v;
  }
  if (v === null || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, [...p, i], check));
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x, [...p, k], check)]));
  }
  check.report(p, `${describe(v)} cannot be sent as JSON`, 'use strings, numbers, booleans, lists and mappings');
  return v;
}

function expectedOf(check: ExecutionCheck): Record<string, unknown> {
  const expected: Record<string, unknown> = { status: check.expect.status };
  if (check.expect.output) expected.output = check.expect.output;
  return expected;
}

async function measure(
  ctx: CheckContext,
  check: ExecutionCheck,
  round: number,
  flow: LiveFlow | undefined
): Promise<FlowMeasurement[]> {
  const base = { check: check.name, kind: 'execution', round, expected: expectedOf(check), flow: check.flow };
  if (!flow) {
    const message = `Flow "${check.flow}" is not live (not released or removed), so it cannot be executed.`;
    return [{ ...base, result: 'inconclusive', measured: {}, message }];
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
    return [{ ...base, ...verdict(check, flow, exec, launched, ctx.clock.now() - started) }];
  } catch (e) {
    if (isCancellation(ctx, e)) throw e;
    return [{ ...base, ...failure(check, flow, e, executionId, ctx.clock.now() - started) }];
  }
}

type Verdict = Pick<FlowMeasurement, 'result' | 'measured' | 'message'>;

function verdict(
  check: ExecutionCheck,
  flow: LiveFlow,
  exec: FlowRuntimeExecution,
  launched: { flowVersion?: { id: string } },
  durationMs: number
): Verdict {
  const measured: Record<string, unknown> = {
    executionId: exec.id,
    flowId: flow.flowId,
    flowVersion: exec.flowVersion?.id ?? launched.flowVersion?.id ?? flow.version,
    status: exec.status,
    durationMs
  };
  if (exec.outputData) measured.output = exec.outputData;
  if (exec.completionReason) measured.completionReason = exec.completionReason;
  if (exec.flowErrorInfo?.message) measured.error = exec.flowErrorInfo.message;
  const statusOk = exec.status === check.expect.status;
  const outputOk = !check.expect.output || isSubset(check.expect.output, exec.outputData ?? {});
  const why = !statusOk
    ? `ended ${exec.status}, expected ${check.expect.status}${exec.flowErrorInfo?.message ? ` (${exec.flowErrorInfo.message})` : ''}`
    : !outputOk
      ? `output ${JSON.stringify(exec.outputData ?? {})} does not contain ${JSON.stringify(check.expect.output)}`
      : `ended ${exec.status} with the expected output`;
  return {
    result: statusOk && outputOk ? 'pass' : 'fail',
    measured,
    message: `Execution ${exec.id} of "${flow.name}" v${flow.version} ${why}.`
  };
}

function failure(
  check: ExecutionCheck,
  flow: LiveFlow,
  e: unknown,
  executionId: string | undefined,
  durationMs: number
): Verdict {
  const timedOut = e instanceof WaitTimeoutError;
  return {
    result: 'fail',
    measured: {
      executionId,
      flowId: flow.flowId,
      flowVersion: flow.version,
      status: timedOut ? e.lastState : 'not launched',
      durationMs,
      timedOut: timedOut || undefined
    },
    message: timedOut
      ? `Execution ${executionId} of "${flow.name}" did not finish within ${check.timeoutMs / 1000} s (last status ${e.lastState}).`
      : `Execution check on "${flow.name}" failed: ${errorText(e)}`
  };
}
