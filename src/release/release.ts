// The release engine's entry point. A deploy is a list of phases:
//   1. plan (plan.ts) — resolve every flow against the org, refuse what cannot be released; nothing changes;
//   2. stages (stage.ts) — per stage: snapshot → publish (publish-flow.ts) → verify (verify.ts) + bake (bake.ts);
//   3. on a failure (on-failure.ts) — stop on a cancellation, else a verified rollback in rollback order;
//   4. conclude (finish.ts → journal/outcome.ts) and, after a success, export what went live (export-released.ts).
// `command: rollback` is rollback-command.ts. Every fact goes into the journal and is read back through view();
// expected failures (API errors, job failures, failed checks, cancellation) never throw, they become the outcome.
import type { PlannedFlow } from '../domain/types.ts';
import { runView } from '../journal/view.ts';
import { defaultHttpGet } from '../checks/index.ts';
import type { EngineContext, RunContext } from './context.ts';
import { exportReleased } from './export-released.ts';
import { conclude, refuse } from './finish.ts';
import { finishCrashed, finishFailedStage } from './on-failure.ts';
import { buildPlan, filterFlows, type FlowPlan, type Plan } from './plan.ts';
import { rollbackCommand } from './rollback-command.ts';
import { runStage, type StageFailure } from './stage.ts';
import type { ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';
import { settleLedger } from './ledger-finish.ts';
import { recoverFirst } from './recovery.ts';
import { RunLedger } from './run-ledger.ts';
import { retireFlows } from './retire.ts';
import { emptyLedger, orphans } from '../ledger/index.ts';

export type { ReleaseDeps, ReleaseOptions, ReleaseResult } from './types.ts';

function toPlanned(p: FlowPlan): PlannedFlow {
  const { spec: _spec, org: _org, unlock: _unlock, ...planned } = p;
  return planned;
}

function startRun(deps: ReleaseDeps, opts: ReleaseOptions): RunContext {
  const ctx: EngineContext = {
    api: deps.api,
    journal: deps.journal,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    httpGet: deps.httpGet ?? defaultHttpGet,
    manifest: opts.manifest,
    releaseId: opts.releaseId,
    clientId: deps.clientId
  };
  const ledger = deps.ledger ? new RunLedger(deps.ledger, opts.releaseId, deps.journal, deps.clock) : undefined;
  if (ledger) ctx.recordJob = (flow, id, kind) => ledger.job(flow, id, kind);
  const order = opts.manifest.flows.map((f) => f.name);
  const first = deps.journal.events.length;
  const events = () => deps.journal.events.slice(first);
  return {
    ctx,
    opts,
    work: { verified: new Map(), settle: new Map() },
    ...(ledger ? { ledger } : {}),
    events,
    view: () => runView(events(), order, opts.command)
  };
}

/** Phase 1: the plan, journaled and logged. */
async function planRelease(run: RunContext): Promise<Plan> {
  const { ctx, opts } = run;
  ctx.log.startGroup('Plan');
  let plan: Plan;
  try {
    plan = await buildPlan(ctx, { ...opts, ...(run.ledger ? { ledger: run.ledger.doc ?? emptyDoc(run) } : {}) });
  } finally {
    ctx.log.endGroup();
  }
  ctx.journal.append('plan', {
    status: plan.errors.length ? 'error' : 'info',
    details: {
      flows: plan.flows.map(toPlanned),
      stages: plan.stages.map((s) => ({
        name: s.spec.name,
        flows: s.flows.map((f) => f.name),
        bakeMs: s.spec.bakeMs,
        checks: s.spec.checks
      }))
    }
  });
  journalOrphans(run);
  for (const r of run.ctx.manifest.retired ?? []) {
    ctx.log.info(`retired: ${r.name} (${r.type}) → deleted after every stage succeeded, if still in the org`);
  }
  for (const p of plan.flows.filter((f) => f.action !== 'skipped')) {
    ctx.log.info(
      `${p.stage}: ${p.name} (${p.type}) → ${p.action}${p.publishedVersion ? ` from version ${p.publishedVersion}` : ''} — ${p.reason}`
    );
  }
  return plan;
}

function emptyDoc(run: RunContext) {
  return emptyLedger(run.ledger!.handle.org);
}

/** Flows of the last release the manifest no longer names: still live in the org, no longer managed. */
function journalOrphans(run: RunContext): void {
  const left = orphans(
    run.ledger?.doc,
    [...run.ctx.manifest.flows, ...(run.ctx.manifest.retired ?? [])].map((f) => f.name)
  );
  if (left.length === 0) return;
  run.ctx.journal.append('orphaned-flows', {
    status: 'warning',
    details: { flows: left.map((f) => ({ name: f.name, type: f.type, id: f.id, version: f.version })) }
  });
  run.ctx.log.warning(
    `Still live in the org, no longer managed by this manifest: ${left.map((f) => `${f.name} (${f.type})`).join(', ')}.`
  );
}

/** Phase 2: the stages in order, until one fails. */
async function runStages(run: RunContext, plan: Plan): Promise<StageFailure | undefined> {
  for (const stage of plan.stages) {
    const failure = await runStage(run, stage, plan);
    if (failure) return failure;
  }
  return undefined;
}

async function deploy(run: RunContext): Promise<ReleaseResult> {
  // A dead run's unfinished release is recovered before anything else; a live holder of the lock stops this run.
  if (run.opts.command === 'deploy') {
    const stopped = await recoverFirst(run, 'deploy');
    if (stopped) return stopped;
  } else if (run.ledger?.doc?.inProgress) {
    const dead = run.ledger.doc.inProgress;
    const message = `Release ${dead.releaseId}${dead.runUrl ? ` (run ${dead.runUrl})` : ''} did not finish; a deploy or rollback recovers it first (flows ${dead.flows.map((f) => f.name).join(', ')}).`;
    run.ctx.journal.append('warning', { status: 'warning', details: { message } });
    run.ctx.log.warning(message);
  }
  const plan = await planRelease(run);
  if (plan.errors.length > 0) return refuse(run, { kind: 'plan-errors', errors: plan.errors }, plan.errors);
  if (run.opts.command === 'plan') {
    const toPublish = plan.flows.filter((f) => f.action === 'create' || f.action === 'update').length;
    return conclude(run, { kind: 'planned', toPublish, stages: plan.stages.length });
  }
  const failure = await runStages(run, plan);
  if (failure) return finishFailedStage(run, failure);
  await retireFlows(run);
  const result = conclude(run, { kind: 'succeeded' });
  if (run.opts.exportAfter) result.exports = await exportReleased(run);
  return result;
}

async function runCommand(run: RunContext): Promise<ReleaseResult> {
  const { opts } = run;
  try {
    const { unknown } = filterFlows(opts.manifest.flows, opts.flowsFilter);
    if (unknown.length > 0) {
      return refuse(run, { kind: 'unknown-flows', unknown, known: opts.manifest.flows.map((f) => f.name) });
    }
    if (opts.command === 'rollback') return await rollbackCommand(run);
    return await deploy(run);
  } catch (e) {
    return finishCrashed(run, e);
  }
}

export async function runRelease(deps: ReleaseDeps, opts: ReleaseOptions): Promise<ReleaseResult> {
  const run = startRun(deps, opts);
  const result = await runCommand(run);
  // On every path: the history entry and the lock (ledger-finish.ts; a cancelled run leaves its release in progress).
  await settleLedger(run, result);
  return result;
}
