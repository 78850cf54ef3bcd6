// The manifest's `retired:` flows: deleted from the org in a last step, after every stage succeeded. Each is made
// restorable first — its live version exported into the ledger as its `before` content (write-ahead, like any flow
// the release may change) — so a recovery, or `command: rollback` to an earlier release, can publish it again.
// A delete that fails is a warning: the released flows passed their checks and stay; the retired flow stays live.
import type { FlowType } from '../genesys/models.ts';
import { errorText } from '../genesys/errors.ts';
import { isNotFound, sameType, type RunContext } from './context.ts';
import { exportVersions } from './exports.ts';
import { rollbackContent } from './write-ahead.ts';

interface Target {
  name: string;
  type: FlowType;
  flowId: string;
  version: string;
}

async function findTargets(run: RunContext): Promise<Target[]> {
  const out: Target[] = [];
  for (const r of run.ctx.manifest.retired ?? []) {
    const found = await run.ctx.api.findFlowsByName(r.name, r.type);
    const hit = found.find((f) => f.name === r.name && sameType(f.type, r.type) && !f.deleted);
    if (!hit) {
      run.ctx.log.info(`Retired flow "${r.name}" (${r.type}) is not in the org: nothing to delete.`);
      continue;
    }
    if (!hit.publishedVersion?.id) {
      run.ctx.log.warning(
        `Retired flow "${r.name}" has no published version: left as it is (nothing to restore it to).`
      );
      continue;
    }
    out.push({ name: r.name, type: r.type, flowId: hit.id, version: hit.publishedVersion.id });
  }
  return out;
}

async function deleteOne(run: RunContext, t: Target): Promise<void> {
  const { ctx } = run;
  let error: string | undefined;
  let deleted = false;
  try {
    await ctx.recordJob?.(t, `delete:${t.flowId}`, 'delete');
    try {
      await ctx.api.deleteFlow(t.flowId);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      deleted = (await ctx.api.getFlow(t.flowId)).deleted === true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      deleted = true;
    }
    if (!deleted) error = `flow ${t.flowId} still exists after DELETE`;
  } catch (e) {
    error = errorText(e);
  }
  ctx.journal.append('flow-retired', {
    flow: t.name,
    status: deleted ? 'ok' : 'warning',
    details: { flowId: t.flowId, type: t.type, version: t.version, deleted, ...(error ? { error } : {}) }
  });
  if (deleted) {
    ctx.log.info(`Deleted retired flow "${t.name}" (was version ${t.version}); restorable from the ledger.`);
    await run.ledger?.result(t, { state: 'deleted' }).catch(() => undefined);
  } else ctx.log.warning(`Retired flow "${t.name}" could not be deleted and is still live: ${error}`);
}

/** Deletes the retired flows still in the org, each recorded ahead with its content. */
export async function retireFlows(run: RunContext): Promise<void> {
  const { ctx } = run;
  if (!ctx.manifest.retired?.length || ctx.signal?.aborted) return;
  ctx.log.startGroup('Retire flows');
  try {
    const targets = await findTargets(run);
    if (targets.length === 0) return;
    const snaps = await exportVersions(ctx, targets, { signal: ctx.signal });
    if (run.ledger) {
      await run.ledger.extend(
        targets.map((t) => {
          const snap = snaps.get(t.flowId);
          const content = snap ? run.ledger!.putBlob(rollbackContent(snap)) : undefined;
          return {
            name: t.name,
            type: t.type,
            flowId: t.flowId,
            before: { version: t.version, ...(content ? { content } : {}) }
          };
        })
      );
    }
    for (const t of targets) {
      if (ctx.signal?.aborted) break;
      if (!snaps.has(t.flowId)) {
        ctx.log.warning(`Retired flow "${t.name}" was not deleted: its live version could not be exported first.`);
        continue;
      }
      await deleteOne(run, t);
    }
  } catch (e) {
    const message = `Retiring flows failed; the retired flows not deleted stay live: ${errorText(e)}`;
    ctx.journal.append('warning', { status: 'warning', details: { message } });
    ctx.log.warning(message);
  } finally {
    ctx.log.endGroup();
  }
}
