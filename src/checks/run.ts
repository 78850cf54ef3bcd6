// One bake round of a stage: every check of the stage, through its kind, each measurement journaled as a
// `check-result` event with its measured and expected values.
import { throwIfCancelled } from './cancel.ts';
import { findCheckKind } from './registry.ts';
import type { CheckContext, FlowMeasurement, HttpGet, LiveFlow, StageView } from './types.ts';

export type { LiveFlow };

export interface CheckRun {
  ok: boolean;
  measurements: FlowMeasurement[];
}

export const defaultHttpGet: HttpGet = async (url, timeoutMs) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  return { status: res.status, body: await res.text() };
};

/** Run every check of a stage once and journal each measurement. */
export async function runStageChecks(
  ctx: CheckContext,
  stage: StageView,
  round: number,
  live: Map<string, LiveFlow>,
  stageStartedAt: number
): Promise<CheckRun> {
  const measurements: FlowMeasurement[] = [];
  for (const name of stage.checks) {
    // A cancelled run launches no further execution (a check is a call that starts something in the org).
    throwIfCancelled(ctx);
    measurements.push(...(await runCheck(ctx, name, { round, stage, live, stageStartedAt })));
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

async function runCheck(
  ctx: CheckContext,
  name: string,
  round: { round: number; stage: StageView; live: Map<string, LiveFlow>; stageStartedAt: number }
): Promise<FlowMeasurement[]> {
  const check = ctx.manifest.checks[name];
  const kind = check && findCheckKind(check.kind);
  // A kind reports failed measurements itself; anything it throws reaches the engine ("checks could not run").
  if (check && kind) return kind.run(ctx, check, round);
  const message = check
    ? `Check "${name}" has kind ${check.kind}, which is not registered.`
    : `Check "${name}" is not defined in the manifest's checks.`;
  return [{ ...notRun(name, check?.kind ?? 'http', round.round), message }];
}

function notRun(check: string, kind: string, round: number): Omit<FlowMeasurement, 'message'> {
  return { check, kind, round, result: 'fail', measured: {}, expected: {} };
}
