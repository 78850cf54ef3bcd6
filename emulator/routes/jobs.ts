// Architect jobs: POST /api/v2/flows/jobs registers one with a presigned upload URL (served by routes/upload.ts);
// GET /api/v2/flows/jobs/{id} reports its lifecycle (jobs/lifecycle.ts).
import { ApiError } from '../model.ts';
import { messagesFor } from '../http.ts';
import type { Router } from '../http.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';

export function jobRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  router.add('POST', '/api/v2/flows/jobs', { mutating: true }, () => {
    const job = org.registerArchitectJob();
    return {
      status: 200,
      body: {
        id: job.id,
        presignedUrl: `${env.baseUrl()}/__uploads/${job.id}?X-Amz-Expires=900&X-Amz-Signature=${job.uploadKey}`,
        headers: job.headers,
        selfUri: `/api/v2/flows/jobs/${job.id}`
      }
    };
  });

  router.add('GET', '/api/v2/flows/jobs/{id}', {}, (ctx) => {
    const job = org.architectJobs.get(param(ctx.params));
    if (!job) throw new ApiError(404, 'not.found', `Architect job ${param(ctx.params)} not found.`);
    const status = org.architectJobStatus(job);
    return {
      status: 200,
      body: {
        id: job.id,
        ...(job.flowId ? { flow: { id: job.flowId, selfUri: `/api/v2/flows/${job.flowId}` } } : {}),
        status,
        command: 'Publish',
        ...messagesFor(ctx, job.messages),
        selfUri: `/api/v2/flows/jobs/${job.id}`
      }
    };
  });
}
