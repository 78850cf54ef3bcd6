// The action on a GitHub runner: read the inputs, mask the secrets, open the journal, run the pipeline, report. It only
// wires collaborators together; the release itself is src/pipeline.ts, the evidence at the end src/action/report.ts.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { githubContext, pushBranch } from './action/github.ts';
import { getInputs, InputError, type Inputs } from './action/inputs.ts';
import { coreLogger, safeText } from './action/logger.ts';
import { failStep, report, type ReportTarget } from './action/report.ts';
import { saveEvidenceLocation } from './action/state.ts';
import { systemClock, type Clock } from './common/clock.ts';
import { httpGet, newReleaseId } from './common/release-id.ts';
import type { RunEnd } from './domain/types.ts';
import type { JournalEvent } from './journal/events.ts';
import { Journal } from './journal/journal.ts';
import { cancelledVerdict } from './journal/outcome.ts';
import type { Logger } from './common/log.ts';
import { runPipeline } from './pipeline.ts';
import { redactor } from './common/redact.ts';

/**
 * A cancelled run gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL. On the signal the engine starts no new change
 * (no rollback either) and abandons its waits; the evidence is flushed by CANCEL_FLUSH_MS whatever it is still doing.
 */
const CANCEL_FLUSH_MS = 4_000;

export { newReleaseId };

export async function run(env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<void> {
  const log: Logger = coreLogger;
  const inputs = readInputs(log);
  if (!inputs) return;
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const releaseId = newReleaseId(clock);
  const target = openEvidence({ inputs, env, clock, log, releaseId });
  const controller = new AbortController();
  let reporting: Promise<void> | undefined;
  const reportOnce = (end: () => RunEnd) => (reporting ??= report(target, end()));
  const stopOnSignal = onCancel(target, controller, (signal) =>
    reportOnce(() => cancelledFinish(target.journal.events, signal))
  );

  let end: RunEnd;
  try {
    end = await runPipeline({
      inputs,
      workspace,
      releaseId,
      journal: target.journal,
      clock,
      log,
      signal: controller.signal,
      github: githubContext(env),
      builtins: { run: env.GITHUB_RUN_ID ?? releaseId, release: releaseId, sha: env.GITHUB_SHA ?? '' },
      branch: pushBranch(env),
      httpGet,
      evidenceDir: target.evidenceDir,
      ...(env.GITHUB_API_URL ? { githubApiUrl: env.GITHUB_API_URL } : {})
    });
  } catch (e) {
    const message = safeText(e instanceof Error ? e.message : String(e));
    target.journal.append('error', { status: 'error', details: { message } });
    end = { outcome: 'failed', stepError: `Release ${releaseId} failed: ${message}` };
  }
  await reportOnce(() => end);
  stopOnSignal();
}

/** Reads the inputs and masks every secret the moment it exists; on bad inputs fails the step and returns nothing. */
function readInputs(log: Logger): Inputs | undefined {
  try {
    const inputs = getInputs();
    log.setSecret(inputs.clientSecret);
    redactor.addBasic(inputs.clientId, inputs.clientSecret);
    if (inputs.githubToken) log.setSecret(inputs.githubToken);
    return inputs;
  } catch (e) {
    const message = e instanceof InputError ? e.message : `Could not read the action's inputs: ${String(e)}`;
    failStep(message);
    return undefined;
  }
}

/** Creates the evidence folder and the journal, and tells the post step where they are. */
function openEvidence(o: {
  inputs: Inputs;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
  releaseId: string;
}): ReportTarget {
  const evidenceDir = join(o.env.RUNNER_TEMP ?? tmpdir(), 'flow-release', o.releaseId);
  mkdirSync(evidenceDir, { recursive: true });
  const journal = Journal.create({ dir: evidenceDir, releaseId: o.releaseId, clock: o.clock });
  const auditPath = join(evidenceDir, `flow-release-${o.releaseId}.audit.json`);
  saveEvidenceLocation({
    dir: evidenceDir,
    journalPath: journal.path,
    auditPath,
    artifactName: o.inputs.auditArtifactName
  });
  return {
    journal,
    auditPath,
    evidenceDir,
    artifactName: o.inputs.auditArtifactName,
    releaseId: o.releaseId,
    env: o.env,
    clock: o.clock,
    log: o.log
  };
}

/**
 * On SIGTERM/SIGINT: journal the cancellation, abort the engine (it starts no new change) and make sure the evidence
 * is written within CANCEL_FLUSH_MS whatever the engine is still doing. Returns the function that removes the handlers.
 */
function onCancel(
  target: ReportTarget,
  controller: AbortController,
  flush: (signal: NodeJS.Signals) => Promise<void>
): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    target.log.warning(
      `Received ${signal}: starting no new change (no rollback either), abandoning waits, flushing evidence.`
    );
    target.journal.append('cancelled', { status: 'warning', details: { signal } });
    controller.abort(new Error(`cancelled by ${signal}`));
    setTimeout(() => void flush(signal).then(() => process.exit(1)), CANCEL_FLUSH_MS).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  };
}

/**
 * The outcome when the evidence must be written while the release is still running (cancelled, the engine did not
 * finish within CANCEL_FLUSH_MS). journal/outcome.ts owns the rule, shared with the engine and with the post step's
 * rebuild of the audit, so the three always agree.
 */
export function cancelledFinish(events: readonly JournalEvent[], signal: NodeJS.Signals): RunEnd {
  const { outcome, message } = cancelledVerdict(events, signal);
  return { outcome, stepError: message };
}
