// One request's way through the emulator: admin calls aside, it is logged, may be reset by a fault before or after
// its body is read, is routed (404/405), passes the fault storms and the API gate (auth, rate limit), may be answered
// by an injected error, runs its route, and may have its answer broken or dropped by a fault afterwards.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiGate } from './api-gate.ts';
import { errorBody, readBody, s3Error, send } from './http.ts';
import type { Ctx, Reply, Route, Router } from './http.ts';
import { ApiError } from './model.ts';
import type { Org } from './org.ts';
import type { RequestFaults } from './request-faults.ts';
import type { RequestLog, RequestRecord } from './request-log.ts';
import { UPLOAD_LIMIT_BYTES, UPLOAD_TEMPLATE } from './routes/upload.ts';

const API_BODY_LIMIT_BYTES = 5_000_000;

export interface PipelineParts {
  org: Org;
  router: Router;
  log: RequestLog;
  gate: ApiGate;
  faults: RequestFaults;
  admin(ctx: Ctx): Reply;
  hooks?: MutationHooks;
}

/**
 * In-process observers of mutating requests (the fault suite's kill points). `received` runs once the request's body
 * is read, before any work: it may hold the request (a promise) and may drop it (`'drop'`: the connection is reset,
 * nothing is done). `answered` runs right after the answer is written.
 */
export interface MutationHooks {
  received?(record: RequestRecord): void | 'drop' | Promise<void | 'drop'>;
  answered?(record: RequestRecord): void;
}

/** The reply for a thrown error: a Genesys error body (unexpected errors are 500s). */
function errorReply(err: unknown, ctx: Ctx, prefix = ''): Reply {
  const e =
    err instanceof ApiError ? err : new ApiError(500, 'internal.server.error', `${prefix}${(err as Error).message}`);
  return { status: e.status, body: errorBody(e.status, e.code, e.message, ctx.correlationId, e.details) };
}

function tooLarge(route: Route | undefined, ctx: Ctx): Reply {
  if (route?.api === false) {
    const message = `Your proposed upload exceeds the maximum allowed size of ${UPLOAD_LIMIT_BYTES} bytes.`;
    return s3Error(413, 'EntityTooLarge', message, ctx.correlationId);
  }
  const message = `The request body exceeds ${API_BODY_LIMIT_BYTES} bytes.`;
  return { status: 413, body: errorBody(413, 'request.entity.too.large', message, ctx.correlationId) };
}

function unrouted(ctx: Ctx, otherMethod: boolean): Reply {
  const status = otherMethod ? 405 : 404;
  const message = otherMethod
    ? `Method ${ctx.method} is not allowed on ${ctx.path}.`
    : `No resource found at ${ctx.path}.`;
  return {
    status,
    body: errorBody(status, status === 404 ? 'not.found' : 'method.not.allowed', message, ctx.correlationId)
  };
}

export class Pipeline {
  private readonly parts: PipelineParts;

  constructor(parts: PipelineParts) {
    this.parts = parts;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const ctx: Ctx = {
      req,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      params: [],
      body: Buffer.alloc(0),
      correlationId: randomUUID(),
      now: this.parts.org.clock.now()
    };
    this.parts.org.tick();
    if (ctx.path.startsWith('/__emulator/')) return this.admin(ctx, res);
    return this.serve(ctx, url.search, res);
  }

  private async admin(ctx: Ctx, res: ServerResponse): Promise<void> {
    ctx.body = (await readBody(ctx.req, API_BODY_LIMIT_BYTES)) as Buffer;
    let reply: Reply;
    try {
      reply = this.parts.admin(ctx);
    } catch (err) {
      reply = errorReply(err, ctx);
    }
    send(res, ctx.correlationId, reply);
  }

  private async serve(ctx: Ctx, search: string, res: ServerResponse): Promise<void> {
    const { router, log, faults } = this.parts;
    const { route, params, otherMethod } = router.match(ctx.method, ctx.path);
    ctx.params = params;
    const record = log.add(ctx, search, route);
    const reset = () => {
      record.reset = true;
      ctx.req.socket.destroy();
    };
    const reply = (r: Reply, extra?: Record<string, string>) => {
      record.status = r.status;
      send(res, ctx.correlationId, r, extra);
      if (record.mutating) this.parts.hooks?.answered?.(record);
    };

    if (faults.reset('before-body', route, ctx)) return reset();
    const limit = route?.template === UPLOAD_TEMPLATE ? UPLOAD_LIMIT_BYTES : API_BODY_LIMIT_BYTES;
    const body = await readBody(ctx.req, limit);
    if (body === 'too-large') return reply(tooLarge(route, ctx));
    ctx.body = body;
    if (faults.reset('after-body', route, ctx)) return reset();
    if (record.mutating && (await this.parts.hooks?.received?.(record)) === 'drop') return reset();
    if (!route) return reply(unrouted(ctx, otherMethod));

    const verdict = faults.storm(route, ctx) ?? (route.api ? this.parts.gate.admit(ctx) : { headers: {} });
    if (verdict.reject) return reply(verdict.reject, verdict.headers);
    const injected = faults.httpErrorBefore(route, ctx);
    if (injected) return reply(injected, verdict.headers);

    const result = faults.afterProcessing(await this.run(route, ctx), route, ctx);
    if (faults.reset('after-processing', route, ctx)) {
      record.status = result.status;
      return reset();
    }
    reply(result, verdict.headers);
  }

  private async run(route: Route, ctx: Ctx): Promise<Reply> {
    try {
      return await route.handler(ctx);
    } catch (err) {
      return errorReply(err, ctx, 'Emulator error: ');
    }
  }
}
