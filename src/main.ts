// The action's orchestration: inputs → manifest → release → export + commit → evidence. The only place that decides
// the step's exit status. Everything below it receives its collaborators, so it can be tested without a runner.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from './clock.ts';
import { coreLogger, safeText } from './core-logger.ts';
import { uploadAudit } from './evidence/artifact.ts';
import { buildAuditDocument, writeAuditDocument } from './evidence/audit.ts';
import type { GithubContext, Outcome, PublishedFlow } from './domain/types.ts';
import type { JournalEvent } from './journal/events.ts';
import type { ApiStats } from './genesys/api.ts';
import { Journal } from './journal/journal.ts';
import { cancelledVerdict } from './journal/outcome.ts';
import { computeOutputs, setOutputs } from './evidence/outputs.ts';
import { buildSummary, writeSummary } from './evidence/summary.ts';
import { GenesysClient } from './genesys/client.ts';
import { resolveEndpoints } from './genesys/regions.ts';
import { commitArtifacts } from './git/artifacts.ts';
import { GitCommitter } from './git/committer.ts';
import { readReleaseRecord } from './git/record.ts';
import { getInputs, InputError, type Inputs } from './inputs.ts';
import type { Logger } from './log.ts';
import { formatIssue, loadManifest } from './manifest/loader.ts';
import { redactor } from './redact.ts';
import { runRelease, type ReleaseResult } from './release/release.ts';
import { STATE } from './state.ts';
import { TOOL_VERSION } from './version.ts';

/**
 * A cancelled run gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL. On the signal the engine starts no new change
 * (no rollback either) and abandons its waits; the evidence is flushed by CANCEL_FLUSH_MS whatever it is still doing.
 */
const CANCEL_FLUSH_MS = 4_000;

export function githubContext(env: NodeJS.ProcessEnv): GithubContext {
  return {
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    actor: env.GITHUB_ACTOR,
    event: env.GITHUB_EVENT_NAME,
    workflow: env.GITHUB_WORKFLOW,
    serverUrl: env.GITHUB_SERVER_URL
  };
}

export function newReleaseId(clock: Clock): string {
  const stamp = new Date(clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `rel-${stamp}-${randomBytes(3).toString('hex')}`;
}

async function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  const body = (await res.text()).slice(0, 64 * 1024);
  return { status: res.status, body };
}

interface Finish {
  outcome: Outcome;
  published?: PublishedFlow[];
  api?: ApiStats;
  message?: string;
  /** Extra reason the step fails even if the outcome is good (e.g. the artifact push failed). */
  stepError?: string;
  commitSha?: string;
}

export async function run(env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<void> {
  const log: Logger = coreLogger;
  let inputs: Inputs;
  try {
    inputs = getInputs();
  } catch (e) {
    const message = e instanceof InputError ? e.message : `Could not read the action's inputs: ${String(e)}`;
    core.setOutput('outcome', 'failed');
    core.setFailed(safeText(message));
    return;
  }
  // Mask every secret the moment it exists.
  log.setSecret(inputs.clientSecret);
  redactor.addBasic(inputs.clientId, inputs.clientSecret);
  if (inputs.githubToken) log.setSecret(inputs.githubToken);

  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const releaseId = newReleaseId(clock);
  const evidenceDir = join(env.RUNNER_TEMP ?? tmpdir(), 'flow-release', releaseId);
  mkdirSync(evidenceDir, { recursive: true });
  const journal = Journal.create({ dir: evidenceDir, releaseId, clock });
  const auditPath = join(evidenceDir, `flow-release-${releaseId}.audit.json`);
  core.saveState(STATE.evidenceDir, evidenceDir);
  core.saveState(STATE.files, JSON.stringify([journal.path, auditPath]));
  core.saveState(STATE.uploaded, 'false');

  const controller = new AbortController();
  let finishing: Promise<void> | undefined;
  const finishOnce = (f: () => Promise<void>) => (finishing ??= f());

  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log.warning(
      `Received ${signal}: starting no new change (no rollback either), abandoning waits, flushing evidence.`
    );
    journal.append('cancelled', { status: 'warning', details: { signal } });
    controller.abort(new Error(`cancelled by ${signal}`));
    // Whatever the release is doing, the evidence is written before the runner's grace period ends.
    setTimeout(() => {
      void finishOnce(() => finish(cancelledFinish(journal.events, signal))).then(() => process.exit(1));
    }, CANCEL_FLUSH_MS).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const finish = async (f: Finish): Promise<void> => {
    if (!journal.events.some((e) => e.type === 'release-finished')) {
      journal.append('release-finished', {
        status: f.outcome === 'succeeded' || f.outcome === 'planned' ? 'ok' : 'error',
        details: {
          outcome: f.outcome,
          durationMs: clock.now() - Date.parse(journal.events[0]?.at ?? new Date(clock.now()).toISOString()),
          published: f.published ?? [],
          api: f.api ?? { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 },
          message: f.stepError ?? f.message
        }
      });
    }
    // The story ends here: nothing still winding down (a rollback past its grace period) may append after it.
    journal.seal();
    const events = journal.events;
    const audit = buildAuditDocument(events);
    writeAuditDocument(auditPath, audit);
    const runUrl =
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
    let artifactId: string | undefined;
    try {
      const uploaded = await uploadAudit({
        name: inputs.auditArtifactName,
        files: [auditPath, journal.path],
        rootDir: evidenceDir,
        env
      });
      artifactId = uploaded.id === undefined ? undefined : String(uploaded.id);
      if (uploaded.localPath) log.info(`Audit log and journal written to ${uploaded.localPath} (not on a runner).`);
      core.saveState(STATE.uploaded, 'true');
    } catch (e) {
      log.warning(`Could not upload the audit artifact (the post step will try again): ${errorText(e)}`);
    }
    const commitUrl =
      f.commitSha && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/commit/${f.commitSha}`
        : undefined;
    const artifactUrl = runUrl && artifactId ? `${runUrl}/artifacts/${artifactId}` : undefined;
    const markdown = buildSummary(events, { runUrl, artifactUrl, commitUrl });
    try {
      await writeSummary(markdown);
    } catch (e) {
      log.warning(`Could not write the step summary: ${errorText(e)}`);
    }
    setOutputs(computeOutputs(events, { auditLogPath: auditPath, artifactId, commitSha: f.commitSha }));
    log.info(`Audit log: ${auditPath} (hash chain head ${audit.chain.headHash})`);
    const failed = f.outcome !== 'succeeded' && f.outcome !== 'planned';
    if (failed || f.stepError) {
      core.setFailed(safeText(f.stepError ?? `Release ${releaseId} ended ${f.outcome}.`));
    } else {
      log.info(`Release ${releaseId} ${f.outcome}.`);
    }
  };

  let result: Finish;
  try {
    result = await release({ inputs, env, workspace, releaseId, journal, clock, log, signal: controller.signal });
  } catch (e) {
    journal.append('error', { status: 'error', details: { message: errorText(e) } });
    result = { outcome: 'failed', stepError: `Release ${releaseId} failed: ${errorText(e)}` };
  }
  await finishOnce(() => finish(result));
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGINT', onSignal);
}

/**
 * The outcome when the evidence must be written while the release is still running (cancelled, the engine did not
 * finish within CANCEL_FLUSH_MS): the worst thing the journal proves. A rollback that started and has not finished
 * left the org unverified; flows published and not rolled back are named.
 */
export function cancelledFinish(events: readonly JournalEvent[], signal: NodeJS.Signals): Finish {
  // journal/outcome.ts owns the rule, shared with the engine and with the post step's rebuild of the audit.
  const { outcome, message } = cancelledVerdict(events, signal);
  return { outcome, stepError: message };
}

interface ReleaseContext {
  inputs: Inputs;
  env: NodeJS.ProcessEnv;
  workspace: string;
  releaseId: string;
  journal: Journal;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
}

async function release(ctx: ReleaseContext): Promise<Finish> {
  const { inputs, env, workspace, releaseId, journal, clock, log, signal } = ctx;
  const endpoints = resolveEndpoints({ region: inputs.region, apiUrl: inputs.apiUrl, loginUrl: inputs.loginUrl });
  journal.append('release-started', {
    status: 'info',
    details: {
      releaseId,
      command: inputs.command,
      toolVersion: TOOL_VERSION,
      target: { region: endpoints.region, apiUrl: endpoints.apiUrl, loginUrl: endpoints.loginUrl },
      github: githubContext(env),
      manifest: inputs.manifest,
      flowsFilter: inputs.flows
    }
  });
  log.info(
    `Flow Release ${TOOL_VERSION}: ${inputs.command} ${inputs.manifest} → ${endpoints.apiUrl} (release ${releaseId})`
  );

  log.startGroup('Validate the manifest and flow files');
  const loaded = await loadManifest({
    workspace,
    manifestPath: inputs.manifest,
    builtins: { run: env.GITHUB_RUN_ID ?? releaseId, release: releaseId, sha: env.GITHUB_SHA ?? '' }
  });
  if (!loaded.ok) {
    for (const issue of loaded.issues) {
      log.error(formatIssue(issue), {
        file: issue.file,
        startLine: issue.line,
        startColumn: issue.column,
        title: issue.path ? `Flow Release: ${issue.path}` : 'Flow Release'
      });
    }
    log.endGroup();
    journal.append('validation-failed', { status: 'error', details: { issues: loaded.issues } });
    return {
      outcome: 'failed',
      stepError: `The manifest has ${loaded.issues.length} problem(s); nothing was changed in the org. Fix them and re-run.`
    };
  }
  const manifest = loaded.manifest;
  log.info(`Manifest OK: ${manifest.flows.length} flow(s) in ${manifest.stages.length} stage(s).`);
  log.endGroup();

  const artifactsDir = join(workspace, manifest.artifacts.dir);
  const lastRecord = await readReleaseRecord(artifactsDir);
  const recordedContent = new Map<string, string>();
  if (lastRecord) {
    for (const f of lastRecord.flows) {
      try {
        recordedContent.set(f.name, readFileSync(join(artifactsDir, f.file), 'utf8'));
      } catch {
        // The rollback command reports flows whose recorded content is missing.
      }
    }
  }

  const api = new GenesysClient({
    apiUrl: endpoints.apiUrl,
    loginUrl: endpoints.loginUrl,
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret,
    clock,
    logger: log,
    onSecret: (v: string) => log.setSecret(v)
  });

  const exportAfter = inputs.commitArtifacts && inputs.command !== 'plan';
  const result: ReleaseResult = await runRelease(
    { api, journal, clock, log, signal, httpGet },
    {
      command: inputs.command,
      manifest,
      flowsFilter: inputs.flows,
      lastRecord,
      releaseId,
      exportAfter,
      recordedContent
    }
  );

  const finish: Finish = {
    outcome: result.outcome,
    published: result.published,
    message: result.message,
    api: api.stats()
  };
  // The engine has already logged its message (which starts with the outcome): say only what happens next.
  if (result.outcome === 'succeeded' && exportAfter && result.published.length > 0) {
    log.startGroup('Commit the published flows');
    try {
      const committed = await commitArtifacts({
        committer: new GitCommitter({ logger: log }),
        workspace,
        manifest,
        result,
        lastRecord,
        releaseId,
        command: inputs.command,
        sourceCommit: env.GITHUB_SHA ?? '',
        branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || '',
        token: inputs.githubToken,
        journal
      });
      finish.commitSha = committed.sha;
    } catch (e) {
      finish.stepError = `The release succeeded, but committing the published flows failed: ${errorText(e)} The exported flows are in the audit artifact.`;
    }
    log.endGroup();
  }
  return finish;
}

function errorText(e: unknown): string {
  return safeText(e instanceof Error ? e.message : String(e));
}
