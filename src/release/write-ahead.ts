// Before the first change to the org (after the snapshots, which are reads): refuse what cannot be rolled back, then
// take the org's lock and record in the ledger what the release may change — each flow's id, the version live before
// it and that version's content (the snapshot, without its export header, stored as a content-addressed blob: the
// rollback target), and what the release is about to publish — in one push.
import { stripExportHeader } from '../git/normalize.ts';
import { MAX_UPLOAD_BYTES } from '../genesys/jobs.ts';
import { errorText } from '../genesys/errors.ts';
import { LockHeldError } from '../ledger/errors.ts';
import type { ReleaseStart } from '../ledger/progress.ts';
import type { RunContext } from './context.ts';
import type { ExportedVersion } from './exports.ts';
import type { Plan } from './plan.ts';

/** The content a rollback would upload for a snapshot: the export without its header comments. */
export function rollbackContent(snap: ExportedVersion): string {
  return stripExportHeader(snap.raw);
}

/**
 * Flows whose rollback content would not fit in one upload: an export can be larger than the upload that made it, so
 * a flow near the limit could be published but never restored. Known before any change: the release is refused.
 */
export function oversizedSnapshots(snapshots: Map<string, ExportedVersion>): string[] {
  const out: string[] = [];
  for (const s of snapshots.values()) {
    const bytes = Buffer.byteLength(rollbackContent(s), 'utf8');
    if (bytes > MAX_UPLOAD_BYTES) {
      out.push(
        `"${s.name}": the export of its live version ${s.version} is ${bytes} bytes, more than the ${MAX_UPLOAD_BYTES} bytes ` +
          'Genesys Cloud accepts per upload, so it could not be restored if this release had to roll back. Make the ' +
          'live flow smaller (common modules) before releasing over it.'
      );
    }
  }
  return out;
}

/** The flows the release may change, from the stage about to start to the last, as the ledger records them. */
function startFlows(run: RunContext, plan: Plan, fromStage: number): ReleaseStart['flows'] {
  const ledger = run.ledger!;
  return plan.stages
    .filter((s) => s.index >= fromStage)
    .flatMap((s) => s.flows)
    .filter((f) => f.action === 'create' || f.action === 'update')
    .map((f) => {
      const snap = f.flowId ? run.work.snapshots?.get(f.flowId) : undefined;
      const content = snap ? ledger.putBlob(rollbackContent(snap)) : undefined;
      return {
        name: f.name,
        type: f.type,
        // Only a flow that existed has an id here: a flow without one is one the release creates.
        ...(f.flowId ? { flowId: f.flowId } : {}),
        before: { version: f.publishedVersion ?? null, ...(content ? { content } : {}) },
        intended: { source: f.source, ...(f.contentHash ? { contentHash: f.contentHash } : {}) }
      };
    });
}

/** Takes the lock and records the release in progress. Returns the refusal (nothing was changed) or undefined. */
export async function writeAhead(run: RunContext, plan: Plan, fromStage: number): Promise<string | undefined> {
  const oversized = oversizedSnapshots(run.work.snapshots ?? new Map());
  if (oversized.length > 0) return `Refused before any change: ${oversized.join(' | ')}`;
  const ledger = run.ledger;
  if (!ledger || ledger.begun) return undefined;
  try {
    await ledger.begin(run.opts.command === 'rollback' ? 'rollback' : 'deploy', startFlows(run, plan, fromStage));
    return undefined;
  } catch (e) {
    if (e instanceof LockHeldError) return e.message;
    return `Could not record the release in the ledger before changing the org, so nothing was changed: ${errorText(e)}`;
  }
}
