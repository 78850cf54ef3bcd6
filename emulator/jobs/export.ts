// The export job: started at registration; on completion it renders the requested versions' stored YAML (render.ts,
// or the upload itself: scenario `exportRendering`), one file as itself or several as a zip, behind a presigned
// download URL.
import { randomUUID } from 'node:crypto';
import { iso } from '../model.ts';
import type { FlowRecord } from '../model.ts';
import type { Org } from '../org.ts';
import { renderExport } from '../render.ts';
import { writeZip } from '../zip.ts';
import { errorMessage, Job } from './lifecycle.ts';

export interface ExportRequest {
  flowId?: string;
  version?: string;
  fileName?: string;
  exportType?: string;
}

export interface ExportDownload {
  contentType: string;
  fileName: string;
  body: Buffer;
}

type Rendered = { file: { name: string; content: string } } | { error: string };

/** The file's content: Architect's rendering, or (for now, by default) the stored upload behind a header comment. */
function content(org: Org, flow: FlowRecord, yaml: string, at: number): string {
  if (org.scenario.exportRendering === 'architect') return renderExport(yaml, { division: flow.division.name });
  return `# Exported by Genesys Cloud Architect emulator at ${iso(at)}\n${yaml}`;
}

function render(org: Org, request: ExportRequest, flow: FlowRecord | undefined, at: number): Rendered {
  if (!flow) return { error: `Unable to find a flow with id '${request.flowId ?? ''}'.` };
  if (request.exportType !== undefined && request.exportType.toLowerCase() !== 'yaml') {
    return { error: `Export type '${request.exportType}' is not supported by the emulator; use 'Yaml'.` };
  }
  // Without an explicit version Architect exports the latest (draft) version, not the published one.
  const versionId = request.version ?? flow.checkedInVersionId ?? flow.publishedVersionId;
  const version = flow.versions.find((v) => v.id === versionId);
  if (!version) return { error: `Unable to find version '${versionId ?? ''}' of flow '${flow.name}'.` };
  const base = (request.fileName ?? `${flow.name}_v${version.id}`).replace(/[\\/:*?"<>|]/g, '_');
  return {
    file: {
      name: /\.ya?ml$/i.test(base) ? base : `${base}.yaml`,
      content: content(org, flow, version.yaml, at)
    }
  };
}

export class ExportJob extends Job {
  readonly kind = 'export';
  readonly requests: ExportRequest[];
  /** The presigned download URL's signature. */
  readonly downloadKey = randomUUID().replaceAll('-', '');
  download?: ExportDownload;
  private readonly org: Org;

  constructor(org: Org, requests: ExportRequest[], latencyMs: number, failureMessage: string | undefined) {
    super(org.clock.now(), latencyMs);
    this.org = org;
    this.requests = requests;
    this.start(this.registeredAt);
    if (failureMessage !== undefined) {
      this.failureMessage = failureMessage;
      // An injected export failure is reported from the start, while the job still runs.
      this.messages = [errorMessage(this.dueAt ?? this.registeredAt, failureMessage)];
    }
  }

  protected registeredForMs(): number {
    return this.latencyMs * 0.2;
  }

  protected run(at: number): string[] {
    if (this.failureMessage !== undefined) return [this.failureMessage];
    const errors: string[] = [];
    const files: { name: string; content: string }[] = [];
    for (const request of this.requests) {
      const flow = this.org.flows.find((f) => f.id === request.flowId && !f.deleted);
      const rendered = render(this.org, request, flow, at);
      if ('error' in rendered) errors.push(rendered.error);
      else files.push(rendered.file);
    }
    if (errors.length > 0) return errors;
    const single = files.length === 1 ? files[0] : undefined;
    this.download = single
      ? { contentType: 'application/x-yaml', fileName: single.name, body: Buffer.from(single.content, 'utf8') }
      : { contentType: 'application/zip', fileName: `export-${this.id}.zip`, body: writeZip(files, new Date(at)) };
    return [];
  }
}

/** Registers an export job; `export-failure` and `slow-export` faults aimed at any of its flows apply to it. */
export function registerExportJob(org: Org, requests: ExportRequest[]): ExportJob {
  const names = requests.map((r) => org.flows.find((f) => f.id === r.flowId)?.name);
  const failure = org.faults.take('export-failure', (s) => names.some((n) => org.flowFaultMatches(s, n)));
  const slow = org.faults.take('slow-export', (s) => names.some((n) => org.flowFaultMatches(s, n)));
  const latencyMs = slow ? slow.spec.ms : org.scenario.latency.exportMs;
  return org.scheduler.add(new ExportJob(org, requests, latencyMs, failure?.spec.message));
}
