// Content verification after a stage's publishes: export every version the stage published (one job) and compare
// each with what its source uploaded. A mismatch means a concurrent publisher's content is live under the version
// this release read back: the stage fails, and the flow is journaled as a conflict (publish-failed with `conflict`),
// which takes it out of what this release changed — it is never rolled back over the other publisher's content.
import { sourceOf } from '../sources/registry.ts';
import { isCancellation, type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';
import { exportHash } from './normalize.ts';
import type { FlowPlan, StagePlan } from './plan.ts';

/** Returns the failure reason, or undefined when every flow verified (or the run was cancelled). */
export async function verifyStage(run: RunContext, stage: StagePlan, flows: FlowPlan[]): Promise<string | undefined> {
  const { ctx } = run;
  const stageName = stage.spec.name;
  const published = new Map(run.view().published.map((p) => [p.name, p]));
  const items = flows.flatMap((p) => {
    const pub = published.get(p.name);
    return pub ? [{ plan: p, req: { name: p.name, type: p.type, flowId: pub.flowId, version: pub.toVersion } }] : [];
  });
  if (items.length === 0) return undefined;
  let got: Map<string, ExportedVersion>;
  try {
    got = await exportVersions(
      ctx,
      items.map((i) => i.req),
      { signal: ctx.signal, stage: stageName }
    );
  } catch (e) {
    if (isCancellation(ctx, e) || ctx.signal?.aborted) return undefined;
    return `Could not verify the published content (export of the new versions failed): ${errorText(e)}`;
  }
  const conflicts: string[] = [];
  for (const { plan: p, req } of items) {
    const exported = got.get(req.flowId);
    if (!exported) continue;
    const uploaded = sourceOf(p.spec).uploadedContent(p.spec);
    // Nothing uploaded (a promoted draft): the export is kept for the commit, there is nothing to compare.
    const expected = uploaded === undefined ? exported.hash : exportHash(uploaded);
    if (exported.hash === expected) {
      run.work.verified.set(req.flowId, exported);
      continue;
    }
    const error =
      `conflict: version ${req.version} of "${p.name}" holds content ${exported.hash.slice(0, 12)}, but this release ` +
      `uploaded ${expected.slice(0, 12)} — a concurrent release or a person published it at the same time. It is ` +
      `not rolled back over their content; check which version should be live.`;
    ctx.journal.append('publish-failed', {
      stage: stageName,
      flow: p.name,
      status: 'error',
      details: {
        flowId: req.flowId,
        error,
        messages: [`expected content ${expected}`, `actual content ${exported.hash}`],
        conflict: { version: req.version, expected, actual: exported.hash }
      }
    });
    ctx.log.error(`"${p.name}": ${error}`);
    conflicts.push(`"${p.name}": ${error}`);
  }
  return conflicts.length ? `Content verification failed: ${conflicts.join(' | ')}` : undefined;
}
