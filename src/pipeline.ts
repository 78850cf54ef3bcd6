// One release, independent of where it runs: validate the manifest → read the last record → run the engine → commit
// what went live. It receives a typed settings object and its collaborators; the runner edge (main.ts) wires them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './common/clock.ts';
import type { GithubContext, RunEnd } from './domain/types.ts';
import { GenesysClient } from './genesys/client.ts';
import { resolveEndpoints } from './genesys/regions.ts';
import { commitArtifacts } from './git/artifacts.ts';
import { GitCommitter } from './git/committer.ts';
import { readReleaseRecord } from './git/record.ts';
import type { ReleaseRecord } from './git/types.ts';
import type { Journal } from './journal/journal.ts';
import type { Logger } from './common/log.ts';
import { formatIssue, loadManifest } from './manifest/loader.ts';
import type { ReleaseManifest } from './manifest/types.ts';
import { redactor } from './common/redact.ts';
import { runRelease, type ReleaseOptions } from './release/release.ts';
import { filterFlows } from './release/plan.ts';
import { probeReporter, runDoctor } from './doctor/doctor.ts';
import type { HttpGet } from './checks/types.ts';
import { TOOL_VERSION } from './common/version.ts';
import type { Inputs } from './settings/inputs.ts';
import { GitLedgerStore, githubRunFinished, LedgerError } from './ledger/index.ts';
import type { LedgerStore } from './ledger/index.ts';
import type { LedgerHandle } from './release/types.ts';

export interface PipelineContext {
  inputs: Inputs;
  workspace: string;
  releaseId: string;
  journal: Journal;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  github: GithubContext;
  /** Values of the built-in placeholders. */
  builtins: Record<string, string>;
  /** The branch the artifact commit is pushed to. */
  branch: string;
  httpGet: HttpGet;
  /** Where the audit document goes: `command: doctor` writes doctor.json beside it. */
  evidenceDir?: string;
  /** GitHub REST API base (GITHUB_API_URL), to prove a lock holder's run finished. Default https://api.github.com. */
  githubApiUrl?: string;
  /** The ledger store; default a GitLedgerStore on the workspace repository (remote origin when present). */
  ledgerStore?: LedgerStore;
  /** Keep the ledger in the local repository only, never pushed (the CLI's --local-state, e.g. against the emulator). */
  localLedger?: boolean;
}

export async function runPipeline(ctx: PipelineContext): Promise<RunEnd> {
  const { inputs, releaseId, journal, log } = ctx;
  const endpoints = resolveEndpoints({ region: inputs.region, apiUrl: inputs.apiUrl, loginUrl: inputs.loginUrl });
  journal.append('release-started', {
    status: 'info',
    details: {
      releaseId,
      command: inputs.command,
      toolVersion: TOOL_VERSION,
      target: { region: endpoints.region, apiUrl: endpoints.apiUrl, loginUrl: endpoints.loginUrl },
      github: ctx.github,
      manifest: inputs.manifest,
      flowsFilter: inputs.flows
    }
  });
  log.info(
    `Flow Release ${TOOL_VERSION}: ${inputs.command} ${inputs.manifest} → ${endpoints.apiUrl} (release ${releaseId})`
  );

  const manifest = await validate(ctx);
  if (!manifest.ok) return manifest.end;
  const artifactsDir = join(ctx.workspace, manifest.manifest.artifacts.dir);
  const lastRecord = await readReleaseRecord(artifactsDir);
  const api = new GenesysClient({
    apiUrl: endpoints.apiUrl,
    loginUrl: endpoints.loginUrl,
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret,
    clock: ctx.clock,
    logger: log,
    onSecret: (v: string) => log.setSecret(v)
  });
  if (inputs.command === 'doctor') return doctor(ctx, api, manifest.manifest, endpoints);
  // A flows input naming an unknown flow is refused by the engine before anything: it needs no ledger.
  const knownFlows = filterFlows(manifest.manifest.flows, inputs.flows).unknown.length === 0;
  const ledger = knownFlows ? await openLedger(ctx, api) : { ok: true as const, handle: undefined };
  if (!ledger.ok) return ledger.end;
  const exportAfter = inputs.commitArtifacts && inputs.command !== 'plan';
  const result = await runRelease(
    {
      api,
      journal,
      clock: ctx.clock,
      log,
      signal: ctx.signal,
      httpGet: ctx.httpGet,
      ledger: ledger.handle,
      clientId: inputs.clientId
    },
    {
      command: inputs.command as ReleaseOptions['command'],
      manifest: manifest.manifest,
      flowsFilter: inputs.flows,
      lastRecord,
      releaseId,
      exportAfter,
      recordedContent: recordedContent(artifactsDir, lastRecord)
    }
  );
  const end: RunEnd = {
    outcome: result.outcome,
    published: result.published,
    message: result.message,
    api: api.stats()
  };
  // The engine has already logged its message (which starts with the outcome): say only what happens next.
  if (result.outcome === 'succeeded' && exportAfter && result.published.length > 0) {
    await commit(ctx, manifest.manifest, result.exports, lastRecord, end);
  }
  return end;
}

/** `command: doctor`: read-only probes of the org instead of a release (src/doctor/). */
async function doctor(
  ctx: PipelineContext,
  api: GenesysClient,
  manifest: ReleaseManifest,
  endpoints: { apiUrl: string; region?: string }
): Promise<RunEnd> {
  const result = await runDoctor(
    {
      api,
      manifest,
      flowsFilter: ctx.inputs.flows,
      clientId: ctx.inputs.clientId,
      apiUrl: endpoints.apiUrl,
      region: endpoints.region,
      clock: ctx.clock,
      log: ctx.log,
      signal: ctx.signal,
      report: probeReporter(ctx.journal, ctx.log)
    },
    ctx.evidenceDir
  );
  return { outcome: result.outcome, published: [], message: result.message, api: api.stats() };
}

type Opened = { ok: true; handle: LedgerHandle | undefined } | { ok: false; end: RunEnd };

/** The run's GitHub URL, which the ledger records with the lock and the release (and proves finished). */
function runUrl(g: GithubContext): string | undefined {
  if (!g.serverUrl || !g.repository || !g.runId) return undefined;
  return `${g.serverUrl.replace(/\/+$/, '')}/${g.repository}/actions/runs/${g.runId}`;
}

/**
 * Before anything else touches the org: its id (GET /api/v2/organizations/me), then its ledger on the state branch.
 * A ledger that cannot be read stops the run with its message; nothing was changed.
 */
async function openLedger(ctx: PipelineContext, api: GenesysClient): Promise<Opened> {
  const { inputs, log, journal } = ctx;
  try {
    const org = await api.getOrganization();
    const store =
      ctx.ledgerStore ??
      (await GitLedgerStore.open({
        cwd: ctx.workspace,
        branch: inputs.stateBranch,
        ...(ctx.localLedger ? { remote: null } : {}),
        ...(inputs.githubToken ? { token: inputs.githubToken } : {}),
        logger: log,
        clock: ctx.clock
      }));
    const read = await store.read(org.id);
    const doc = read.doc;
    journal.append('ledger-read', {
      status: 'info',
      details: {
        orgId: org.id,
        ...(org.name ? { orgName: org.name } : {}),
        location: store.location,
        branch: inputs.stateBranch,
        rev: read.rev ?? null,
        releases: doc?.history.length ?? 0,
        ...(doc?.inProgress
          ? { inProgress: pick(doc.inProgress, ['releaseId', 'runUrl', 'startedAt']) as LedgerInProgressRef }
          : {}),
        ...(doc?.lock ? { lock: pick(doc.lock, ['holder', 'runUrl', 'leaseUntil']) as LedgerLockRef } : {})
      }
    });
    log.info(
      `Release ledger of org ${org.id}${org.name ? ` (${org.name})` : ''}: ${store.location}, ${doc?.history.length ?? 0} release(s).`
    );
    const handle: LedgerHandle = {
      store,
      org,
      doc,
      runUrl: runUrl(ctx.github),
      actor: ctx.github.actor,
      commit: ctx.github.sha || undefined,
      takeover: inputs.takeoverLock,
      onUnfinished: inputs.onUnfinished,
      rollbackTo: inputs.rollbackTo,
      holderFinished: githubRunFinished({ apiUrl: ctx.githubApiUrl, token: inputs.githubToken })
    };
    return { ok: true, handle };
  } catch (e) {
    const message = redactor.redact(e instanceof Error ? e.message : String(e));
    if (inputs.command === 'plan' && e instanceof LedgerError) {
      // A plan changes nothing: it goes on without the ledger's memory (change detection from release.json).
      const text = `The release ledger cannot be read, so this plan does not use it: ${message}`;
      journal.append('warning', { status: 'warning', details: { message: text } });
      log.warning(text);
      return { ok: true, handle: undefined };
    }
    const what =
      e instanceof LedgerError ? 'The release ledger cannot be used' : 'Could not read the org and its release ledger';
    const stepError = `${what}: ${message} Nothing was changed in the org.`;
    journal.append('error', { status: 'error', details: { message: stepError } });
    log.error(stepError);
    return { ok: false, end: { outcome: 'failed', stepError } };
  }
}

type LedgerInProgressRef = { releaseId: string; runUrl?: string; startedAt: string };
type LedgerLockRef = { holder: string; runUrl?: string; leaseUntil: string };

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

type Validated = { ok: true; manifest: ReleaseManifest } | { ok: false; end: RunEnd };

/** Loads the manifest and every flow file; each problem becomes an annotation at its file and line. */
async function validate(ctx: PipelineContext): Promise<Validated> {
  const { log, journal } = ctx;
  log.startGroup('Validate the manifest and flow files');
  try {
    const loaded = await loadManifest({
      workspace: ctx.workspace,
      manifestPath: ctx.inputs.manifest,
      builtins: ctx.builtins
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
      journal.append('validation-failed', { status: 'error', details: { issues: loaded.issues } });
      const stepError = `The manifest has ${loaded.issues.length} problem(s); nothing was changed in the org. Fix them and re-run.`;
      return { ok: false, end: { outcome: 'failed', stepError } };
    }
    log.info(`Manifest OK: ${loaded.manifest.flows.length} flow(s) in ${loaded.manifest.stages.length} stage(s).`);
    return { ok: true, manifest: loaded.manifest };
  } finally {
    log.endGroup();
  }
}

/** The exported YAML committed for each flow of the last record, by flow name (what `command: rollback` restores). */
function recordedContent(artifactsDir: string, record: ReleaseRecord | undefined): Map<string, string> {
  const content = new Map<string, string>();
  for (const f of record?.flows ?? []) {
    try {
      content.set(f.name, readFileSync(join(artifactsDir, f.file), 'utf8'));
    } catch {
      // The rollback command reports flows whose recorded content is missing.
    }
  }
  return content;
}

async function commit(
  ctx: PipelineContext,
  manifest: ReleaseManifest,
  exports: Parameters<typeof commitArtifacts>[0]['result']['exports'],
  lastRecord: ReleaseRecord | undefined,
  end: RunEnd
): Promise<void> {
  ctx.log.startGroup('Commit the published flows');
  try {
    const committed = await commitArtifacts({
      committer: new GitCommitter({ logger: ctx.log }),
      workspace: ctx.workspace,
      manifest,
      result: { exports },
      lastRecord,
      releaseId: ctx.releaseId,
      command: ctx.inputs.command,
      sourceCommit: ctx.github.sha ?? '',
      branch: ctx.branch,
      token: ctx.inputs.githubToken,
      journal: ctx.journal
    });
    end.commitSha = committed.sha;
  } catch (e) {
    end.stepError = `The release succeeded, but committing the published flows failed: ${redactor.redact(e instanceof Error ? e.message : String(e))} The exported flows are in the audit artifact.`;
  } finally {
    ctx.log.endGroup();
  }
}
