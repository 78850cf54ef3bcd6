// After a successful release: the normalised export of every flow whose new version is live, for the git commit.
// The stages already exported (and verified) the versions they published; only the rest is exported, in one job.
import type { ExportedFlow } from '../domain/types.ts';
import { artifactPath } from '../git/record.ts';
import { type RunContext } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { exportVersions, type ExportedVersion } from './exports.ts';

export async function exportReleased(run: RunContext): Promise<ExportedFlow[]> {
  const { ctx } = run;
  const pub = run.view().published;
  if (pub.length === 0) return [];
  try {
    const got = new Map<string, ExportedVersion>();
    const missing = pub.filter((p) => {
      const v = run.work.verified.get(p.flowId);
      if (v && v.version === p.toVersion) got.set(p.flowId, v);
      return !got.has(p.flowId);
    });
    if (missing.length > 0) {
      const more = await exportVersions(
        ctx,
        missing.map((p) => ({ name: p.name, type: p.type, flowId: p.flowId, version: p.toVersion })),
        { signal: ctx.signal }
      );
      for (const [id, e] of more) got.set(id, e);
    }
    const out: ExportedFlow[] = [];
    for (const p of pub) {
      const e = got.get(p.flowId);
      if (!e) continue;
      out.push({
        name: p.name,
        type: p.type,
        flowId: p.flowId,
        version: p.toVersion,
        content: e.content,
        contentHash: e.hash
      });
      ctx.journal.append('export', {
        flow: p.name,
        status: 'ok',
        details: {
          flowId: p.flowId,
          version: p.toVersion,
          contentHash: e.hash,
          path: `${ctx.manifest.artifacts.dir.replace(/\/+$/, '')}/${artifactPath(p.type, p.name)}`
        }
      });
    }
    return out;
  } catch (e) {
    const message = `The release succeeded but exporting the published flows failed, so they will not be committed: ${errorText(e)}`;
    ctx.journal.append('warning', { status: 'warning', details: { message } });
    ctx.log.warning(message);
    return [];
  }
}
