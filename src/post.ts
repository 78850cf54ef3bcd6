// The action's `post` step: runs even when the main step was cancelled or crashed, and uploads the audit evidence if
// the main step could not. If the audit document was never written, it is rebuilt from the journal on disk.
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { safeText } from './core-logger.ts';
import { uploadAudit } from './evidence/artifact.ts';
import { buildAuditDocument, writeAuditDocument } from './evidence/audit.ts';
import type { JournalEvent } from './journal/events.ts';
import { STATE } from './state.ts';

export async function post(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (core.getState(STATE.uploaded) !== 'false') return; // uploaded already, or the main step never started
  const dir = core.getState(STATE.evidenceDir);
  const [journalPath, auditPath] = JSON.parse(core.getState(STATE.files) || '[]') as string[];
  if (!dir || !journalPath || !auditPath || !existsSync(journalPath)) {
    core.warning('Flow Release post step: no journal found to upload.');
    return;
  }
  if (!existsSync(auditPath)) {
    const events = readFileSync(journalPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as JournalEvent);
    writeAuditDocument(auditPath, buildAuditDocument(events));
  }
  const name = core.getInput('audit-artifact-name') || 'flow-release-audit';
  const res = await uploadAudit({ name, files: [auditPath, journalPath], rootDir: dir, env });
  core.info(`Flow Release post step: audit evidence uploaded (${res.id ?? res.localPath}).`);
}

post().catch((e: unknown) => core.warning(safeText(`Flow Release post step failed: ${String(e)}`)));
