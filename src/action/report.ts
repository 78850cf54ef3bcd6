// The end of every run on a runner: the final journal event, the audit document, the artifact upload, the step
// summary, the outputs and the step's status — in that order, so that whatever fails later, the evidence exists.
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock.ts';
import type { RunEnd } from '../domain/types.ts';
import { buildAuditDocument, writeAuditDocument } from '../evidence/audit.ts';
import { computeOutputs } from '../evidence/outputs.ts';
import { buildSummary } from '../evidence/summary.ts';
import { sealJournal } from '../evidence/seal.ts';
import { writeSummary } from './summary-sink.ts';
import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../common/log.ts';
import { uploadAudit } from './artifact.ts';
import { commitUrl, runUrl } from './github.ts';
import { safeText } from './logger.ts';
import { setOutputs } from './outputs-sink.ts';
import { markEvidenceUploaded } from './state.ts';

export interface ReportTarget {
  journal: Journal;
  auditPath: string;
  evidenceDir: string;
  artifactName: string;
  releaseId: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
}

export async function report(t: ReportTarget, end: RunEnd): Promise<void> {
  const { journal, log } = t;
  sealJournal(journal, t.clock, end);
  const events = journal.events;
  const audit = buildAuditDocument(events);
  writeAuditDocument(t.auditPath, audit);
  const { artifactId, localPath } = await upload(t);
  const artifactUrl = runUrl(t.env) && artifactId ? `${runUrl(t.env)}/artifacts/${artifactId}` : undefined;
  const markdown = buildSummary(events, {
    runUrl: runUrl(t.env),
    artifactUrl,
    commitUrl: commitUrl(t.env, end.commitSha),
    auditLocalPath: localPath
  });
  try {
    await writeSummary(markdown);
  } catch (e) {
    log.warning(`Could not write the step summary: ${errorText(e)}`);
  }
  setOutputs(computeOutputs(events, { auditLogPath: t.auditPath, artifactId, commitSha: end.commitSha }));
  log.info(`Audit log: ${t.auditPath} (hash chain head ${audit.chain.headHash})`);
  const failed = end.outcome !== 'succeeded' && end.outcome !== 'planned';
  if (failed || end.stepError) {
    core.setFailed(safeText(end.stepError ?? `Release ${t.releaseId} ended ${end.outcome}.`));
  } else {
    log.info(`Release ${t.releaseId} ${end.outcome}.`);
  }
}

/**
 * Uploads the audit and the journal (off a runner: copies them to a local folder); on failure the post step tries
 * again. Returns the artifact id, or the local folder.
 */
async function upload(t: ReportTarget): Promise<{ artifactId?: string; localPath?: string }> {
  try {
    const uploaded = await uploadAudit({
      name: t.artifactName,
      // `command: doctor` leaves doctor.json beside the audit.
      files: [t.auditPath, t.journal.path, ...[join(t.evidenceDir, 'doctor.json')].filter((f) => existsSync(f))],
      rootDir: t.evidenceDir,
      env: t.env
    });
    if (uploaded.localPath) t.log.info(`Audit log and journal written to ${uploaded.localPath} (not on a runner).`);
    markEvidenceUploaded();
    if (uploaded.skipped) {
      core.notice(safeText(uploaded.skipped));
      return { localPath: t.auditPath };
    }
    return { artifactId: uploaded.id === undefined ? undefined : String(uploaded.id), localPath: uploaded.localPath };
  } catch (e) {
    t.log.warning(`Could not upload the audit artifact (the post step will try again): ${errorText(e)}`);
    return {};
  }
}

function errorText(e: unknown): string {
  return safeText(e instanceof Error ? e.message : String(e));
}

/** Fails the step before any release started (bad inputs): the outcome output says so, nothing else exists yet. */
export function failStep(message: string): void {
  core.setOutput('outcome', 'failed');
  core.setFailed(safeText(message));
}
