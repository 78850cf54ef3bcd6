// Probes through Architect jobs: registering a job without uploading anything (proves architect:job:create, changes
// nothing: no API deletes or cancels a job, an unused one expires on its own), and exporting one published flow
// twice (proves architect:jobExport:create, shows whether exports are stable and how they differ from the file).
import { parse } from 'yaml';
import type { ExportedFile } from '../genesys/api.ts';
import { waitFor } from '../genesys/wait.ts';
import { normalizeExport } from '../git/normalize.ts';
import type { ResolvedFlow } from './flows.ts';
import { failedCall, ok, skipped, warn, type DoctorContext, type Probe } from './types.ts';
import { renderingDifferences } from './rendering.ts';

/** POST /api/v2/flows/jobs and nothing else: the presigned URL is never used. */
export async function probeJobRegistration(ctx: DoctorContext, required: boolean): Promise<Probe> {
  const name = 'permission:architect:job:create';
  try {
    const job = await ctx.api.registerArchitectJob();
    let status = 'unknown';
    try {
      status = (await ctx.api.getArchitectJob(job.id)).status;
    } catch {
      // The registration is the proof; the status is only informative.
    }
    return ok(
      name,
      `registered Architect job ${job.id} (status ${status}) and uploaded nothing; no API deletes or cancels an Architect job: an unused registered job expires on its own`,
      { required, expected: 'POST /api/v2/flows/jobs answers {id, presignedUrl, headers}' }
    );
  } catch (e) {
    return failedCall(
      name,
      e,
      "publishing files needs architect:job:create: add it to the OAuth client's role",
      required
    );
  }
}

async function exportOnce(ctx: DoctorContext, flowId: string, version: string): Promise<ExportedFile[]> {
  const reg = await ctx.api.registerExportJob([{ flowId, version }]);
  const job = await waitFor({
    what: 'export job',
    id: reg.id,
    poll: () => ctx.api.getExportJob(reg.id),
    done: (j) => j.status === 'Success' || j.status === 'Failure',
    state: (j) => j.status,
    clock: ctx.clock,
    log: ctx.log,
    deadlineMs: ctx.manifest.jobTimeoutMs,
    signal: ctx.signal,
    expectedLatencyMs: 2000
  });
  if (job.status !== 'Success' || !job.downloadUrl) {
    const texts = (job.messages ?? []).map((m) => m.text ?? '').filter(Boolean);
    throw new Error(`export job ${reg.id} ended ${job.status}${texts.length ? `: ${texts.join('; ')}` : ''}`);
  }
  return ctx.api.downloadExport(job.downloadUrl);
}

/** The flow to export: a published file flow if there is one (its file can be compared), else any published flow. */
export function exportTarget(flows: ResolvedFlow[]): ResolvedFlow | undefined {
  const published = flows.filter((r) => r.flow?.publishedVersion?.id);
  return published.find((r) => r.spec.source === 'file') ?? published[0];
}

/** Export the target's published version twice: the export probe, stability, and the rendering vs the file. */
export async function probeExports(ctx: DoctorContext, target: ResolvedFlow | undefined): Promise<Probe[]> {
  const names = ['export', 'export-stability', 'export-rendering'];
  if (!target?.flow?.publishedVersion)
    return names.map((n) => skipped(n, 'no flow of the manifest has a published version yet'));
  const { flow } = target;
  const version = flow.publishedVersion!.id;
  const what = `"${flow.name}" version ${version}`;
  let first: ExportedFile[];
  let second: ExportedFile[];
  try {
    first = await exportOnce(ctx, flow.id, version);
    second = await exportOnce(ctx, flow.id, version);
  } catch (e) {
    const probe = failedCall(
      'export',
      e,
      "snapshots and rollbacks need architect:jobExport:create: add it to the OAuth client's role",
      true
    );
    return [probe, ...names.slice(1).map((n) => skipped(n, 'the export failed'))];
  }
  const a = first[0]?.content ?? '';
  const b = second[0]?.content ?? '';
  const exportProbe = ok(
    'export',
    `exported ${what}: ${first.length} file(s) (${first.map((f) => f.fileName).join(', ')}), ${Buffer.byteLength(a)} bytes`,
    { required: true, expected: 'one flow → the YAML file itself (several → a zip)' }
  );
  const stable =
    a === b
      ? ok('export-stability', `two exports of ${what} are byte-equal`)
      : normalizeExport(a) === normalizeExport(b)
        ? ok(
            'export-stability',
            `two exports of ${what} differ in bytes but are equal after normalisation (header comments, line endings, style)`
          )
        : warn(
            'export-stability',
            `two exports of ${what} differ even after normalisation`,
            'exports of one version are not comparable with each other: report it (docs/platform.md)'
          );
  return [exportProbe, stable, renderingProbe(target, a, what)];
}

function renderingProbe(target: ResolvedFlow, exported: string, what: string): Probe {
  const name = 'export-rendering';
  if (target.spec.source !== 'file')
    return skipped(name, `${what} is a draft-source flow: no repository file to compare`);
  const file = target.spec.content;
  const expected =
    'an export is Architect’s rendering (genesys-api.md): verify publishes by identity, compare exports only with exports';
  if (normalizeExport(file) === normalizeExport(exported))
    return ok(name, `the export of ${what} equals the repository file after normalisation (not a rendering)`, {
      expected
    });
  let exportDoc: unknown;
  let fileDoc: unknown;
  try {
    exportDoc = parse(exported);
    fileDoc = parse(file);
  } catch {
    return warn(name, `the export of ${what} is not parseable YAML`, 'report it', { expected });
  }
  const diffs = renderingDifferences(exported, exportDoc, file, fileDoc);
  return warn(
    name,
    `the export of ${what} differs from the repository file: ${diffs.length ? diffs.join('; ') : 'in ways none of the known rendering differences explains'}`,
    'a publish cannot be verified by comparing the export with the uploaded file: verify by identity (which client created which version) and compare exports only with exports',
    { expected }
  );
}
