// Flow executions: POST /api/v2/flows/executions launches a workflow; GET .../executions/{id} shows it RUNNING until
// `latency.executionMs` has passed, then COMPLETED with its output or FAILED with `flowErrorInfo`.
import type { Execution } from '../executions.ts';
import { parseJson } from '../http.ts';
import type { Ctx, Router } from '../http.ts';
import { ApiError, iso } from '../model.ts';
import type { Org } from '../org.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';
import { versionJson } from './shapes.ts';

function launch(org: Org, ctx: Ctx) {
  const body = parseJson(ctx) as Record<string, unknown> | undefined;
  if (!body || typeof body.flowId !== 'string')
    throw new ApiError(400, 'bad.request', 'flowId is required.', [{ fieldName: 'flowId' }]);
  if (
    body.inputData !== undefined &&
    (typeof body.inputData !== 'object' || body.inputData === null || Array.isArray(body.inputData))
  ) {
    throw new ApiError(400, 'bad.request', 'inputData must be an object.', [{ fieldName: 'inputData' }]);
  }
  const execution = org.launchExecution({
    flowId: body.flowId,
    ...(typeof body.flowVersion === 'string' ? { flowVersion: body.flowVersion } : {}),
    ...(body.inputData ? { inputData: body.inputData as Record<string, unknown> } : {}),
    ...(typeof body.name === 'string' ? { name: body.name } : {})
  });
  return {
    id: execution.id,
    name: execution.name,
    flowVersion: {
      id: execution.flowVersion,
      selfUri: `/api/v2/flows/${execution.flowId}/versions/${execution.flowVersion}`
    },
    selfUri: `/api/v2/flows/executions/${execution.id}`
  };
}

/** The fields an execution has once it has ended. */
function ending(execution: Execution, ctx: Ctx) {
  const outcome = execution.outcome;
  if (outcome.status === 'COMPLETED') return { completionReason: 'Completed', outputData: outcome.outputData };
  return {
    completionReason: 'Error',
    flowErrorInfo: {
      message: outcome.message,
      code: 'flow.execution.error',
      status: 500,
      messageParams: {},
      contextId: ctx.correlationId,
      details: [],
      errors: []
    }
  };
}

function executionJson(org: Org, execution: Execution, ctx: Ctx) {
  const flow = org.flows.find((f) => f.id === execution.flowId);
  const version = flow?.versions.find((v) => v.id === execution.flowVersion);
  const done = ctx.now >= execution.completesAt;
  return {
    id: execution.id,
    name: execution.name,
    flowVersion: flow && version ? versionJson(flow, version) : { id: execution.flowVersion },
    dateLaunched: iso(execution.launchedAt),
    status: done ? execution.outcome.status : 'RUNNING',
    ...(done ? { dateCompleted: iso(execution.completesAt), ...ending(execution, ctx) } : {}),
    selfUri: `/api/v2/flows/executions/${execution.id}`
  };
}

export function executionRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  router.add('POST', '/api/v2/flows/executions', { mutating: true }, (ctx) => ({
    status: 200,
    body: launch(org, ctx)
  }));

  router.add('GET', '/api/v2/flows/executions/{id}', {}, (ctx) => {
    const execution = org.executions.get(param(ctx.params));
    if (!execution) throw new ApiError(404, 'not.found', `Flow execution ${param(ctx.params)} not found.`);
    return { status: 200, body: executionJson(org, execution, ctx) };
  });
}
