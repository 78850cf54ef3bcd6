// Architect jobs (register, upload the YAML to the presigned URL, poll), export jobs (register, poll, download the
// YAML or zip from the presigned URL) and validate jobs (register, poll).
import type { ExportedFile } from './api.ts';
import { GenesysError } from './errors.ts';
import { safeUrl } from './http-urls.ts';
import {
  ArchitectJobStateResponse,
  ExportJobStateResponse,
  RegisterArchitectJobResponse,
  RegisterJobResponse,
  ValidateJobStateResponse
} from './models.ts';
import { assertSafeUrl } from './regions.ts';
import { seg } from './rest.ts';
import type { GenesysRest } from './rest.ts';
import { isZip, readZip, ZipError } from './zip.ts';

/** The platform refuses request bodies above 512,000 bytes. */
export const MAX_UPLOAD_BYTES = 512_000;

// ---- Architect jobs ----

export async function registerArchitectJob(rest: GenesysRest): Promise<RegisterArchitectJobResponse> {
  return rest.sendJson(RegisterArchitectJobResponse, 'POST', '/api/v2/flows/jobs');
}

export async function uploadArchitectJobFile(
  rest: GenesysRest,
  job: RegisterArchitectJobResponse,
  yaml: string
): Promise<void> {
  const body = Buffer.from(yaml, 'utf8');
  if (body.length > MAX_UPLOAD_BYTES) {
    throw new GenesysError({
      kind: 'config',
      method: 'PUT',
      message: `flow YAML is ${body.length} bytes; Genesys Cloud accepts at most ${MAX_UPLOAD_BYTES} bytes per upload — split the flow or move content into common modules`
    });
  }
  assertSafeUrl(job.presignedUrl, 'the presigned upload URL');
  // Exactly the headers Genesys returned (they are part of the signature), and never our Authorization header.
  const res = await rest.presigned(
    {
      method: 'PUT',
      url: job.presignedUrl,
      headers: { ...job.headers },
      body,
      responseType: 'none',
      endpoint: 'PUT {presignedUrl}'
    },
    'upload of the flow YAML to'
  );
  if (res.status !== 200) {
    throw new GenesysError({
      kind: 'http',
      method: 'PUT',
      path: safeUrl(job.presignedUrl),
      status: res.status,
      message: `upload of the flow YAML to ${safeUrl(job.presignedUrl)} answered ${res.status}, expected 200; the Architect job will not see the file`
    });
  }
}

export async function getArchitectJob(rest: GenesysRest, jobId: string): Promise<ArchitectJobStateResponse> {
  return rest.getJson(ArchitectJobStateResponse, `/api/v2/flows/jobs/${seg(jobId)}`, { expand: 'messages' });
}

// ---- export jobs ----

export async function registerExportJob(
  rest: GenesysRest,
  flows: { flowId: string; version: string }[]
): Promise<RegisterJobResponse> {
  const body = { flows: flows.map((f) => ({ flow: { id: f.flowId, version: f.version }, exportType: 'Yaml' })) };
  return rest.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/export/jobs', body);
}

export async function getExportJob(rest: GenesysRest, jobId: string): Promise<ExportJobStateResponse> {
  return rest.getJson(ExportJobStateResponse, `/api/v2/flows/export/jobs/${seg(jobId)}`, { expand: 'messages' });
}

export async function downloadExport(rest: GenesysRest, downloadUrl: string): Promise<ExportedFile[]> {
  const u = assertSafeUrl(downloadUrl, 'the export download URL');
  const res = await rest.presigned(
    {
      method: 'GET',
      url: downloadUrl,
      headers: { accept: '*/*' },
      responseType: 'bytes',
      endpoint: 'GET {downloadUrl}'
    },
    'export download from'
  );
  const bytes = res.bytes ?? Buffer.alloc(0);
  if (isZip(bytes)) {
    try {
      return readZip(bytes).map((e) => ({ fileName: e.name, content: e.data.toString('utf8') }));
    } catch (e) {
      if (e instanceof ZipError) {
        throw new GenesysError({
          kind: 'shape',
          method: 'GET',
          path: safeUrl(downloadUrl),
          message: `export download ${safeUrl(downloadUrl)}: ${e.message}`
        });
      }
      throw e;
    }
  }
  const text = bytes.toString('utf8');
  if (/^\s*<(!doctype|html)/i.test(text) || /html/i.test(res.headers['content-type'] ?? '')) {
    throw new GenesysError({
      kind: 'shape',
      method: 'GET',
      path: safeUrl(downloadUrl),
      message: `export download ${safeUrl(downloadUrl)} returned an HTML page instead of YAML or a zip (an expired link or a proxy page)`
    });
  }
  return [{ fileName: fileNameFor(res.headers['content-disposition'], u), content: text }];
}

function fileNameFor(disposition: string | undefined, u: URL): string {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  const raw = m?.[1] ? decodeURIComponent(m[1]) : decodeURIComponent(u.pathname.split('/').pop() ?? '');
  const base = raw.split(/[\\/]/).pop() ?? '';
  return base && base !== '..' && base !== '.' ? base : 'export.yaml';
}

// ---- validate jobs ----

export async function registerValidateJob(
  rest: GenesysRest,
  flows: { flowId: string; version?: string }[]
): Promise<RegisterJobResponse> {
  const body = {
    flows: flows.map((f) => ({
      flow: f.version === undefined ? { id: f.flowId } : { id: f.flowId, version: f.version }
    }))
  };
  return rest.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/validate/jobs', body);
}

export async function getValidateJob(rest: GenesysRest, jobId: string): Promise<ValidateJobStateResponse> {
  return rest.getJson(ValidateJobStateResponse, `/api/v2/flows/validate/jobs/${seg(jobId)}`, { expand: 'messages' });
}
