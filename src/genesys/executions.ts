// Flow executions (launch, read back) and the flow analytics aggregate query.
import type { GenesysApi } from './api.ts';
import { FlowAggregateQueryResponse, FlowExecutionLaunchResponse, FlowRuntimeExecution } from './models.ts';
import type { FlowAggregationQuery } from './models.ts';
import { seg } from './rest.ts';
import type { GenesysRest } from './rest.ts';

export async function launchExecution(
  rest: GenesysRest,
  req: Parameters<GenesysApi['launchExecution']>[0]
): Promise<FlowExecutionLaunchResponse> {
  const body: Record<string, unknown> = { flowId: req.flowId };
  if (req.flowVersion !== undefined) body.flowVersion = req.flowVersion;
  if (req.inputData !== undefined) body.inputData = req.inputData;
  if (req.name !== undefined) body.name = req.name;
  return rest.sendJson(FlowExecutionLaunchResponse, 'POST', '/api/v2/flows/executions', body);
}

export async function getExecution(rest: GenesysRest, executionId: string): Promise<FlowRuntimeExecution> {
  return rest.getJson(FlowRuntimeExecution, `/api/v2/flows/executions/${seg(executionId)}`);
}

export async function queryFlowAggregates(
  rest: GenesysRest,
  query: FlowAggregationQuery
): Promise<FlowAggregateQueryResponse> {
  // A query changes nothing, so it may be re-sent after a gateway error like a GET.
  return rest.sendJson(FlowAggregateQueryResponse, 'POST', '/api/v2/analytics/flows/aggregates/query', query, {}, true);
}
