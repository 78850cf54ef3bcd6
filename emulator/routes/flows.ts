// Flows: the listing, one flow, its versions and their configuration, actions/publish and actions/unlock, delete.
// Registered last: its `/api/v2/flows/{id}...` templates would otherwise also match the literal paths of the other
// modules (e.g. /api/v2/flows/jobs/versions), and the first matching route serves a request.
import { paged, requiredParam } from '../http.ts';
import type { Ctx, Router } from '../http.ts';
import { ApiError } from '../model.ts';
import type { FlowRecord } from '../model.ts';
import type { Org } from '../org.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';
import { configurationJson, flowJson, operationJson, versionJson } from './shapes.ts';

const listParam = (ctx: Ctx, name: string) =>
  ctx.query
    .getAll(name)
    .flatMap((t) => t.split(','))
    .filter(Boolean);

function listFlows(org: Org, ctx: Ctx) {
  const types = listParam(ctx, 'type');
  const badType = types.find((t) => !/^[a-z]+$/.test(t));
  if (badType !== undefined) {
    throw new ApiError(
      400,
      'bad.request',
      `Invalid value '${badType}' for query parameter 'type': flow types are lowercase, e.g. inboundcall.`
    );
  }
  const name = ctx.query.get('name')?.toLowerCase();
  const ids = listParam(ctx, 'id');
  const includeDeleted = ctx.query.get('deleted') === 'true';
  const all = org.flows
    .filter((f) => includeDeleted || !f.deleted)
    .filter((f) => types.length === 0 || types.includes(f.type))
    .filter((f) => !name || f.name.toLowerCase().includes(name.replaceAll('*', '')))
    .filter((f) => ids.length === 0 || ids.includes(f.id))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const listing = paged(all, ctx.query, '/api/v2/flows');
  return { ...listing, entities: listing.entities.map((f) => flowJson(org, f)) };
}

function flowActionRoutes(router: Router, org: Org): void {
  const flowParam = (ctx: Ctx): FlowRecord => org.getFlow(requiredParam(ctx, 'flow'));
  router.add('POST', '/api/v2/flows/actions/publish', { mutating: true }, (ctx) => {
    const flow = flowParam(ctx);
    const version = ctx.query.get('version') ?? undefined;
    return { status: 200, body: operationJson(org.startPublish(flow, version)) };
  });
  router.add('POST', '/api/v2/flows/actions/unlock', { mutating: true }, (ctx) => {
    const flow = flowParam(ctx);
    org.unlock(flow);
    return { status: 200, body: flowJson(org, flow) };
  });
}

export function flowRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  const flowAt = (ctx: Ctx) => org.getFlow(param(ctx.params), ctx.query.get('deleted') === 'true');
  router.add('GET', '/api/v2/flows', {}, (ctx) => ({ status: 200, body: listFlows(org, ctx) }));
  flowActionRoutes(router, org);
  router.add('GET', '/api/v2/flows/{id}/versions/{id}/configuration', {}, (ctx) => {
    const flow = flowAt(ctx);
    return { status: 200, body: configurationJson(flow, org.getVersion(flow, param(ctx.params, 1))) };
  });
  router.add('GET', '/api/v2/flows/{id}/versions/{id}', {}, (ctx) => {
    const flow = flowAt(ctx);
    return { status: 200, body: versionJson(flow, org.getVersion(flow, param(ctx.params, 1))) };
  });
  router.add('GET', '/api/v2/flows/{id}/versions', {}, (ctx) => {
    const flow = flowAt(ctx);
    const newestFirst = [...flow.versions].sort((a, b) => b.number - a.number);
    const listing = paged(newestFirst, ctx.query, `/api/v2/flows/${flow.id}/versions`);
    return { status: 200, body: { ...listing, entities: listing.entities.map((v) => versionJson(flow, v)) } };
  });
  router.add('GET', '/api/v2/flows/{id}', {}, (ctx) => ({ status: 200, body: flowJson(org, flowAt(ctx)) }));
  router.add('DELETE', '/api/v2/flows/{id}', { mutating: true }, (ctx) => {
    org.deleteFlow(org.getFlow(param(ctx.params)));
    return { status: 200, raw: '', contentType: 'text/plain' };
  });
}
