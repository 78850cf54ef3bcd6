// Verification of a stage by identity, not bytes (identity.ts): each publish already proved that the version it read
// back was created by this action's OAuth client after its upload (publish.ts). What remains is that no later version
// has been published since — checked right after the stage's publishes (while the bake starts) and again after the
// bake. A later version is a concurrent publisher's: the stage fails and the flow is journaled as a conflict
// (publish-failed with `conflict`: that version's creator and datePublished), which takes it out of what this release
// changed — it is never rolled back over the other publisher's version. No export is made here: what went live is
// exported once, for the commit (export-released.ts).
import { isCancellation, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { conflictError, liveVersionMeta, versionEvidence } from './identity.ts';
import type { FlowPlan, StagePlan } from './plan.ts';

type Published = { plan: FlowPlan; flowId: string; version: string };

/** The conflict text when a later version than ours is live, else undefined. */
async function laterVersion(run: RunContext, stage: string, item: Published): Promise<string | undefined> {
  const { ctx } = run;
  const flow = await ctx.api.getFlow(item.flowId);
  const live = flow.publishedVersion?.id;
  if (live === item.version) return undefined;
  const meta = live ? await liveVersionMeta(ctx, item.flowId, flow) : undefined;
  const evidence = meta ? versionEvidence(meta) : { version: live ?? 'none' };
  const conflict = { ...evidence, expectedClient: ctx.clientId };
  const error = conflictError(item.plan.name, conflict, `published after this release's version ${item.version}`);
  ctx.journal.append('publish-failed', {
    stage,
    flow: item.plan.name,
    status: 'error',
    details: { flowId: item.flowId, error, toVersion: live, conflict }
  });
  ctx.log.error(`"${item.plan.name}": ${error}`);
  return `"${item.plan.name}": ${error}`;
}

/** Returns the failure reason, or undefined when every flow's version is still live (or the run was cancelled). */
export async function verifyStage(run: RunContext, stage: StagePlan, flows: FlowPlan[]): Promise<string | undefined> {
  const { ctx } = run;
  const published = new Map(run.view().published.map((p) => [p.name, p]));
  const items = flows.flatMap((p): Published[] => {
    const pub = published.get(p.name);
    return pub ? [{ plan: p, flowId: pub.flowId, version: pub.toVersion }] : [];
  });
  const conflicts: string[] = [];
  for (const item of items) {
    try {
      const c = await laterVersion(run, stage.spec.name, item);
      if (c) conflicts.push(c);
    } catch (e) {
      if (isCancellation(ctx, e) || ctx.signal?.aborted) return undefined;
      return `Could not verify that "${item.plan.name}" version ${item.version} is still live: ${errorText(e)}`;
    }
  }
  return conflicts.length ? `Identity verification failed: ${conflicts.join(' | ')}` : undefined;
}
