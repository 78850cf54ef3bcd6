// The action's `post` step: runs even when the main step was cancelled or crashed, and uploads the audit evidence if
// the main step could not. If the audit document was never written, it is rebuilt from the journal on disk.
import { existsSync, readFileSync } from 'node:fs';
import { uploadAudit } from './action/artifact.ts';
import { coreLogger } from './action/logger.ts';
import { evidenceToUpload } from './action/state.ts';
import { buildAuditDocument, writeAuditDocument } from './evidence/audit.ts';
import { parseJournal } from './journal/journal.ts';

export async function post(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const loc = evidenceToUpload();
  if (!loc) return; // uploaded already, or the main step never started
  const { dir, journalPath, auditPath, artifactName } = loc;
  if (!dir || !journalPath || !auditPath || !artifactName || !existsSync(journalPath)) {
    coreLogger.warning('Flow Release post step: no journal found to upload.');
    return;
  }
  if (!existsSync(auditPath)) {
    writeAuditDocument(auditPath, buildAuditDocument(parseJournal(readFileSync(journalPath, 'utf8'))));
  }
  const res = await uploadAudit({ name: artifactName, files: [auditPath, journalPath], rootDir: dir, env });
  if (res.skipped) coreLogger.info(`Flow Release post step: ${res.skipped}`);
  else coreLogger.info(`Flow Release post step: audit evidence uploaded (${res.id ?? res.localPath}).`);
}

post().catch((e: unknown) => coreLogger.warning(`Flow Release post step failed: ${String(e)}`));
