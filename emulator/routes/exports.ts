// Export jobs: POST /api/v2/flows/export/jobs registers one; GET .../export/jobs/{id} reports its lifecycle and, on
// Success, the presigned download URL (served by routes/upload.ts).
import { messagesFor, parseJson } from '../http.ts';
import type { Router } from '../http.ts';
import type { ExportRequest } from '../jobs/export.ts';
import { ApiError } from '../model.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';

/** The body's `flows` list, which both export and validate jobs require to be non-empty. */
export function flowsList(body: unknown): unknown[] {
  const flows = (body as { flows?: unknown } | undefined)?.flows;
  if (!body || !Array.isArray(flows) || flows.length === 0) {
    throw new ApiError(400, 'bad.request', "The request body must have a non-empty 'flows' list.", [
      { fieldName: 'flows' }
    ]);
  }
  return flows;
}

function exportRequest(entry: unknown): ExportRequest {
  const e = (entry ?? {}) as { flow?: { id?: unknown; version?: unknown }; fileName?: unknown; exportType?: unknown };
  return {
    ...(typeof e.flow?.id === 'string' ? { flowId: e.flow.id } : {}),
    ...(typeof e.flow?.version === 'string' ? { version: e.flow.version } : {}),
    ...(typeof e.fileName === 'string' ? { fileName: e.fileName } : {}),
    ...(typeof e.exportType === 'string' ? { exportType: e.exportType } : {})
  };
}

export function exportRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  router.add('POST', '/api/v2/flows/export/jobs', {}, (ctx) => {
    const requests = flowsList(parseJson(ctx)).map(exportRequest);
    if (requests.some((r) => !r.flowId))
      throw new ApiError(400, 'bad.request', 'Every export entry needs flow.id.', [{ fieldName: 'flows.flow.id' }]);
    const job = org.registerExportJob(requests);
    return {
      status: 200,
      body: {
        id: job.id,
        status: 'Registered',
        totalFlows: requests.length,
        selfUri: `/api/v2/flows/export/jobs/${job.id}`
      }
    };
  });

  router.add('GET', '/api/v2/flows/export/jobs/{id}', {}, (ctx) => {
    const job = org.exportJobs.get(param(ctx.params));
    if (!job) throw new ApiError(404, 'not.found', `Export job ${param(ctx.params)} not found.`);
    const status = org.exportJobStatus(job);
    return {
      status: 200,
      body: {
        id: job.id,
        status,
        command: 'Export',
        ...(status === 'Success'
          ? { downloadUrl: `${env.baseUrl()}/__downloads/${job.id}?X-Amz-Signature=${job.downloadKey}` }
          : {}),
        ...messagesFor(ctx, job.messages),
        selfUri: `/api/v2/flows/export/jobs/${job.id}`
      }
    };
  });
}
