// The emulator's HTTP vocabulary: the request context every route handler gets, the reply it returns, the router
// that matches `METHOD /template` routes, and the helpers that shape Genesys and S3 answers.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './model.ts';

export const JSON_TYPE = 'application/json; charset=UTF-8';

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw bytes/text instead of JSON. */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  body: Buffer;
  correlationId: string;
  now: number;
}

export interface RouteOptions {
  /** Served under the API's auth and rate limit (default true); false for login, uploads and downloads. */
  api?: boolean;
  /** The call changes the org (default false). */
  mutating?: boolean;
}

export interface Route {
  method: string;
  template: string;
  regex: RegExp;
  api: boolean;
  mutating: boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

/** Routes in registration order; the first whose template and method match serves the request. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, opts: RouteOptions, handler: Route['handler']): void {
    const regex = new RegExp(`^${template.replace(/\{id\}/g, '([^/]+)')}$`);
    this.routes.push({ method, template, regex, api: opts.api ?? true, mutating: opts.mutating ?? false, handler });
  }

  /** The route for `method path` and its path parameters; `otherMethod` when only another method serves the path. */
  match(method: string, path: string): { route?: Route; params: string[]; otherMethod: boolean } {
    let otherMethod = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        otherMethod = true;
        continue;
      }
      return { route, params: m.slice(1).map((s) => decodeURIComponent(s)), otherMethod };
    }
    return { params: [], otherMethod };
  }
}

/** A Genesys error body. */
export function errorBody(
  status: number,
  code: string,
  message: string,
  correlationId: string,
  details: unknown[] = [],
  extra: Record<string, unknown> = {}
) {
  return {
    message,
    code,
    status,
    messageWithParams: message,
    messageParams: {},
    contextId: correlationId,
    details,
    errors: [],
    ...extra
  };
}

/** An S3-style XML error, as the presigned upload/download URLs answer. */
export function s3Error(status: number, code: string, message: string, requestId: string): Reply {
  return {
    status,
    contentType: 'application/xml',
    raw: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`
  };
}

export const badSignature = (ctx: Ctx) =>
  s3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided.',
    ctx.correlationId
  );

export function rateLimitHeaders(count: number, allowed: number, resetSeconds: number): Record<string, string> {
  return {
    'inin-ratelimit-count': String(count),
    'inin-ratelimit-allowed': String(allowed),
    'inin-ratelimit-reset': String(resetSeconds)
  };
}

export function parseJson(ctx: Ctx): unknown {
  if (ctx.body.length === 0) return undefined;
  try {
    return JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad.request', 'The request body is not valid JSON.');
  }
}

/** `GET /api/v2/flows/{id}`-style key for a path no route matched: ids and version numbers become `{id}`. */
export function templateOf(path: string): string {
  return path
    .split('/')
    .map((s) => (/^[0-9a-f-]{16,}$/i.test(s) || /^\d+(\.\d+)?$/.test(s) ? '{id}' : s))
    .join('/');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The whole body, or 'too-large' once it exceeds `limit` (the rest is read and dropped). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes `reply` with the correlation id, `extraHeaders` (the reply's own headers win) and a Content-Length. */
export function send(
  res: ServerResponse,
  correlationId: string,
  reply: Reply,
  extraHeaders: Record<string, string> = {}
): void {
  const headers: Record<string, string> = {
    'ININ-Correlation-Id': correlationId,
    ...extraHeaders,
    ...(reply.headers ?? {})
  };
  let payload: Buffer | string;
  if (reply.raw !== undefined) {
    payload = reply.raw;
    headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
  } else {
    payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    headers['Content-Type'] = reply.contentType ?? JSON_TYPE;
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** A Genesys listing page (`entities`, paging fields and URIs). */
export function paged<T>(all: T[], query: URLSearchParams, path: string) {
  const pageSize = Math.min(Math.max(Number(query.get('pageSize') ?? 25) || 25, 1), 500);
  const pageNumber = Math.max(Number(query.get('pageNumber') ?? 1) || 1, 1);
  const pageCount = Math.ceil(all.length / pageSize);
  const uri = (n: number) => `${path}?pageSize=${pageSize}&pageNumber=${n}`;
  return {
    entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    total: all.length,
    firstUri: uri(1),
    selfUri: uri(pageNumber),
    lastUri: uri(Math.max(pageCount, 1)),
    ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
    ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
    pageCount
  };
}

/** Job messages appear only with `?expand=messages`, as on the platform. */
export function messagesFor(ctx: Ctx, messages: unknown[]) {
  return (ctx.query.get('expand') ?? '').split(',').includes('messages') ? { messages } : {};
}

/** A query parameter the call cannot do without (400 when it is missing or empty). */
export function requiredParam(ctx: Ctx, name: string): string {
  const value = ctx.query.get(name);
  if (!value) throw new ApiError(400, 'bad.request', `The query parameter '${name}' is required.`);
  return value;
}
