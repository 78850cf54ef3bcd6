// Validate jobs: POST /api/v2/flows/validate/jobs registers one for flows in the org (by id, or by name and type);
// GET .../validate/jobs/{id} reports its lifecycle and, with expand=messages, what is wrong.
import { messagesFor, parseJson } from '../http.ts';
import type { Router } from '../http.ts';
import type { ValidateRequest } from '../jobs/validate.ts';
import { ApiError } from '../model.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';
import { flowsList } from './exports.ts';

function validateRequest(entry: unknown): ValidateRequest {
  const f = ((entry ?? {}) as { flow?: Record<string, unknown> }).flow ?? {};
  const pick = (k: string) => (typeof f[k] === 'string' ? { [k]: f[k] as string } : {});
  return { ...pick('id'), ...pick('name'), ...pick('type'), ...pick('version') };
}

export function validateRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  router.add('POST', '/api/v2/flows/validate/jobs', {}, (ctx) => {
    const requests = flowsList(parseJson(ctx)).map(validateRequest);
    if (requests.some((r) => !r.id && !r.name))
      throw new ApiError(400, 'bad.request', 'Every validate entry needs flow.id or flow.name and flow.type.');
    const job = org.registerValidateJob(requests);
    return {
      status: 200,
      body: {
        id: job.id,
        status: 'Registered',
        totalFlows: requests.length,
        selfUri: `/api/v2/flows/validate/jobs/${job.id}`
      }
    };
  });

  router.add('GET', '/api/v2/flows/validate/jobs/{id}', {}, (ctx) => {
    const job = org.validateJobs.get(param(ctx.params));
    if (!job) throw new ApiError(404, 'not.found', `Validate job ${param(ctx.params)} not found.`);
    return {
      status: 200,
      body: {
        id: job.id,
        status: org.validateJobStatus(job),
        command: 'Validate',
        ...messagesFor(ctx, job.messages),
        selfUri: `/api/v2/flows/validate/jobs/${job.id}`
      }
    };
  });
}
