// The admin API under /__emulator/ (not logged, not rate-limited): the request log, the org's state, faults added or
// cleared at runtime, queues and data actions added at runtime, health.
import { randomUUID } from 'node:crypto';
import { parseJson } from '../http.ts';
import type { Ctx, Reply } from '../http.ts';
import { ApiError } from '../model.ts';
import { toDataAction } from '../org.ts';
import { publishAs } from '../publishing.ts';
import type { Org } from '../org.ts';
import type { RequestLog } from '../request-log.ts';
import { ScenarioError } from '../scenario.ts';

export interface AdminEnv {
  org: Org;
  log: RequestLog;
  /** What GET /__emulator/state answers (the org's snapshot with the request counts). */
  state(): unknown;
}

const OK: Reply = { status: 200, body: { ok: true } };

function addFaults(org: Org, ctx: Ctx): Reply {
  const body = parseJson(ctx);
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && 'faults' in body
      ? (body as { faults: unknown }).faults
      : [body];
  if (!Array.isArray(list))
    throw new ApiError(400, 'bad.request', 'Send a fault, a list of faults, or { faults: [...] }.');
  try {
    const added = list.map((f) => org.addFault(f));
    return { status: 200, body: { added: added.map((r) => ({ id: r.id, kind: r.spec.kind })) } };
  } catch (err) {
    if (err instanceof ScenarioError) throw new ApiError(400, 'bad.request', err.message);
    throw err;
  }
}

/** `{ name }` for a queue; `{ name, category? }` for a data action (the action `name` of integration `category`). */
function addNamed(org: Org, ctx: Ctx, list: 'queues' | 'data-actions'): Reply {
  const body = parseJson(ctx) as { name?: unknown; category?: unknown } | undefined;
  if (typeof body?.name !== 'string' || body.name === '') throw new ApiError(400, 'bad.request', 'name is required.');
  if (list === 'queues') {
    org.queues.push({ id: randomUUID(), name: body.name });
    return OK;
  }
  if (body.category !== undefined && (typeof body.category !== 'string' || body.category === '')) {
    throw new ApiError(400, 'bad.request', 'category must be a non-empty string (the integration name).');
  }
  org.dataActions.push(toDataAction(body.category ? { name: body.name, category: body.category } : body.name));
  return OK;
}

/** `{ flow, client, yaml? }`: `client` publishes `yaml` (default: the published content) as the flow's next version. */
function publishAsClient(org: Org, ctx: Ctx): Reply {
  const body = parseJson(ctx) as { flow?: unknown; client?: unknown; yaml?: unknown } | undefined;
  if (typeof body?.flow !== 'string' || typeof body.client !== 'string' || !body.flow || !body.client)
    throw new ApiError(400, 'bad.request', 'flow (a flow name) and client (an OAuth client id) are required.');
  if (body.yaml !== undefined && typeof body.yaml !== 'string')
    throw new ApiError(400, 'bad.request', 'yaml must be a string.');
  const flow = publishAs(org, body.flow, body.client, body.yaml as string | undefined);
  return { status: 200, body: { flowId: flow.id, version: flow.publishedVersionId } };
}

/** Answers an admin call; unknown endpoints are a 404 that points at the README. */
export function admin(env: AdminEnv, ctx: Ctx): Reply {
  const { org, log } = env;
  const route = `${ctx.method} ${ctx.path.replace(/^\/__emulator/, '')}`;
  switch (route) {
    case 'GET /requests': {
      const requests = log.all();
      const body = { counts: log.counts(), total: requests.length, mutating: log.mutating().length, requests };
      return { status: 200, body };
    }
    case 'POST /requests/reset':
      log.reset();
      return OK;
    case 'GET /state':
      return { status: 200, body: env.state() };
    case 'GET /health':
      return OK;
    case 'POST /faults':
      return addFaults(org, ctx);
    case 'DELETE /faults':
      org.faults.clear();
      return OK;
    case 'POST /queues':
      return addNamed(org, ctx, 'queues');
    case 'POST /data-actions':
      return addNamed(org, ctx, 'data-actions');
    case 'POST /publish-as':
      return publishAsClient(org, ctx);
    default:
      throw new ApiError(404, 'not.found', `Unknown admin endpoint ${ctx.method} ${ctx.path}. See emulator/README.md.`);
  }
}
