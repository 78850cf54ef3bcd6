// Flow and flow-version endpoints: listing (all pages), reading, publishing, unlocking and deleting; and the org the
// flows belong to.
import { Flow, FlowVersion, Operation, Organization, Paged } from './models.ts';
import type { FlowType } from './models.ts';
import type { FlowsPage } from './api.ts';
import { seg } from './rest.ts';
import type { GenesysRest } from './rest.ts';

const PagedFlows = Paged(Flow);
const PagedVersions = Paged(FlowVersion);

/** The org of the credentials: only its id and name are returned (the ledger needs nothing else). */
export async function getOrganization(rest: GenesysRest): Promise<{ id: string; name?: string }> {
  const org = await rest.getJson(Organization, '/api/v2/organizations/me');
  return org.name === undefined ? { id: org.id } : { id: org.id, name: org.name };
}

export async function findFlowsByName(rest: GenesysRest, name: string, type: FlowType): Promise<Flow[]> {
  const flows = await rest.allPages(PagedFlows, '/api/v2/flows', { name, type });
  // The name filter is not an exact match, and responses spell the type in upper case.
  return flows.filter((f) => f.name === name && f.type?.toLowerCase() === type);
}

/** One page of GET /api/v2/flows as the server answers it (its pageSize may differ from the one asked for). */
export async function listFlowsPage(
  rest: GenesysRest,
  page: { pageSize: number; pageNumber?: number }
): Promise<FlowsPage> {
  return rest.getJson(PagedFlows, '/api/v2/flows', {
    pageSize: String(page.pageSize),
    pageNumber: String(page.pageNumber ?? 1)
  });
}

export async function listFlows(rest: GenesysRest, type?: FlowType): Promise<Flow[]> {
  const flows = await rest.allPages(PagedFlows, '/api/v2/flows', type ? { type } : {});
  return type ? flows.filter((f) => f.type === undefined || f.type.toLowerCase() === type) : flows;
}

export async function getFlow(rest: GenesysRest, flowId: string): Promise<Flow> {
  return rest.getJson(Flow, `/api/v2/flows/${seg(flowId)}`);
}

export async function listFlowVersions(rest: GenesysRest, flowId: string): Promise<FlowVersion[]> {
  return rest.allPages(PagedVersions, `/api/v2/flows/${seg(flowId)}/versions`, {});
}

export async function getFlowVersion(rest: GenesysRest, flowId: string, versionId: string): Promise<FlowVersion> {
  return rest.getJson(FlowVersion, `/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}`);
}

export async function getFlowVersionConfiguration(
  rest: GenesysRest,
  flowId: string,
  versionId: string
): Promise<unknown> {
  const res = await rest.call({
    method: 'GET',
    url: rest.url(`/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}/configuration`)
  });
  return res.json;
}

export async function publishFlow(rest: GenesysRest, flowId: string, version?: string): Promise<Operation> {
  const q: Record<string, string> = { flow: flowId };
  if (version !== undefined) q.version = version;
  return rest.sendJson(Operation, 'POST', '/api/v2/flows/actions/publish', undefined, q);
}

export async function unlockFlow(rest: GenesysRest, flowId: string): Promise<Flow> {
  return rest.sendJson(Flow, 'POST', '/api/v2/flows/actions/unlock', undefined, { flow: flowId });
}

export async function deleteFlow(rest: GenesysRest, flowId: string): Promise<void> {
  await rest.call({ method: 'DELETE', url: rest.url(`/api/v2/flows/${seg(flowId)}`), responseType: 'none' });
}
