// Export jobs: the snapshot before a stage is touched, the verification of a rollback, and the artifacts after a
// successful release. One job for many flows, always with explicit version ids (without one Genesys may export the
// draft), files matched back to flows by the flow name and type inside the YAML.
import { parse } from 'yaml';
import type { ExportedFile } from '../genesys/api.ts';
import { typeForArchyKey } from '../genesys/flow-types.ts';
import type { EngineContext } from './context.ts';
import { exportHash, normalizeExport } from './normalize.ts';
import { waitForPlatformJob } from './wait.ts';

export interface ExportRequest {
  name: string;
  type: string;
  flowId: string;
  version: string;
}

export interface ExportedVersion extends ExportRequest {
  /** The file as downloaded. */
  raw: string;
  /** Normalised content (leading comments, trailing blanks and CRLF removed). */
  content: string;
  /** sha256 of `content`. */
  hash: string;
  jobId: string;
}

export class ExportError extends Error {
  readonly jobId?: string;
  constructor(message: string, jobId?: string) {
    super(message);
    this.name = 'ExportError';
    this.jobId = jobId;
  }
}

/** The flow named by an Archy YAML document: its top-level key (the type) and body `name`. */
export function archyIdentity(content: string): { typeKey: string; name: string } | undefined {
  try {
    const doc: unknown = parse(content);
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
    const [typeKey, body] = Object.entries(doc as Record<string, unknown>)[0] ?? [];
    if (!typeKey || !body || typeof body !== 'object') return undefined;
    const name = (body as Record<string, unknown>).name;
    return typeof name === 'string' ? { typeKey, name } : undefined;
  } catch {
    return undefined;
  }
}

function matchFiles(files: ExportedFile[], flows: ExportRequest[], jobId: string): Map<string, ExportedFile> {
  const byFlow = new Map<string, ExportedFile>();
  if (files.length === 1 && flows.length === 1) {
    byFlow.set(flows[0]!.flowId, files[0]!);
    return byFlow;
  }
  // Parse each file once (not once per flow): an export of a 100-flow stage would otherwise parse ~5,000 YAMLs.
  const unused = new Set(files);
  const byIdentity = new Map<string, ExportedFile[]>();
  for (const file of files) {
    const id = archyIdentity(file.content);
    if (!id) continue;
    // The Archy key (case-sensitive: `botFlow` is type bot) → the API type, from the action's one table.
    const key = `${typeForArchyKey(id.typeKey) ?? `?${id.typeKey}`}\u0000${id.name}`;
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), file]);
  }
  for (const f of flows) {
    const hit =
      (byIdentity.get(`${f.type.toLowerCase()}\u0000${f.name}`) ?? []).find((file) => unused.has(file)) ??
      [...unused].find((file) => file.fileName.includes(f.flowId));
    if (!hit) {
      throw new ExportError(
        `Export job ${jobId} returned ${files.length} file(s) (${files.map((x) => x.fileName).join(', ')}) but none ` +
          `is flow "${f.name}" (${f.type}) version ${f.version}.`,
        jobId
      );
    }
    unused.delete(hit);
    byFlow.set(f.flowId, hit);
  }
  return byFlow;
}

/** Export the given versions in one job. Throws ExportError (or the API/wait error) when anything is missing. */
export async function exportVersions(
  ctx: EngineContext,
  flows: ExportRequest[],
  opts: { deadlineAt?: number; signal?: AbortSignal; stage?: string } = {}
): Promise<Map<string, ExportedVersion>> {
  const out = new Map<string, ExportedVersion>();
  if (flows.length === 0) return out;
  const reg = await ctx.api.registerExportJob(flows.map((f) => ({ flowId: f.flowId, version: f.version })));
  const job = await waitForPlatformJob(
    ctx,
    { what: 'export job', id: reg.id, poll: () => ctx.api.getExportJob(reg.id), expectedLatencyMs: 2000 },
    opts
  );
  if (job.status === 'Failure' || !job.downloadUrl) {
    const texts = (job.messages ?? []).map((m) => m.text ?? '').filter(Boolean);
    throw new ExportError(
      `Export job ${reg.id} ${job.status === 'Failure' ? 'failed' : 'succeeded without a download URL'}` +
        (texts.length ? `: ${texts.join('; ')}` : '') +
        '. Check that the OAuth client has architect:jobExport:create and that the versions exist.',
      reg.id
    );
  }
  const files = await ctx.api.downloadExport(job.downloadUrl);
  const matched = matchFiles(files, flows, reg.id);
  for (const f of flows) {
    const file = matched.get(f.flowId)!;
    out.set(f.flowId, {
      ...f,
      raw: file.content,
      content: normalizeExport(file.content),
      hash: exportHash(file.content),
      jobId: reg.id
    });
  }
  return out;
}
