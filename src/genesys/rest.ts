// The plumbing under the endpoint functions (flows.ts, jobs.ts, executions.ts): authenticated calls against the API
// base URL (Bearer token; on a 401 one renewal and one re-send), calls to presigned storage URLs, the 403 hint,
// paging, and the check of every response against its zod schema at this boundary — a body that does not match is a
// GenesysError of kind 'shape' naming the endpoint and the first problem, never an unchecked value.
import type { z } from 'zod';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';
import type { TokenProvider } from './auth.ts';
import { GenesysError, isGenesysError } from './errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts';
import { endpointKey, safeUrl } from './http-urls.ts';

const PAGE_SIZE = 100;
/** A listing longer than this is a paging bug (or a server that ignores pageNumber), not an org. */
const MAX_PAGES = 500;

export interface GenesysRestOptions {
  /** Base URL without a trailing slash. */
  apiUrl: string;
  http: HttpClient;
  auth: TokenProvider;
  logger?: Logger;
}

/** A path segment: an id encoded so it cannot change the path. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length
    ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
    : 'the top level';
  const input = (issue as { input?: unknown }).input;
  const shown = (() => {
    if (input === undefined) return 'nothing';
    const s = JSON.stringify(input) ?? String(input);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  })();
  if (issue.code === 'invalid_value') {
    return `unknown value ${shown} at ${path} (expected one of ${issue.values.map((v) => String(v)).join(', ')})`;
  }
  if (issue.code === 'invalid_type') {
    return input === undefined
      ? `missing ${issue.expected} at ${path}`
      : `expected ${issue.expected} at ${path}, got ${shown}`;
  }
  return `${issue.message} at ${path}`;
}

export class GenesysRest {
  private readonly apiUrl: string;
  private readonly http: HttpClient;
  private readonly auth: TokenProvider;
  private readonly logger?: Logger;
  private lastHeaders?: Record<string, string>;

  constructor(options: GenesysRestOptions) {
    this.apiUrl = options.apiUrl;
    this.http = options.http;
    this.auth = options.auth;
    this.logger = options.logger;
  }

  url(path: string, query: Record<string, string> = {}): string {
    // encodeURIComponent (spaces as %20, like the official SDK), not URLSearchParams' form encoding (spaces as +).
    const qs = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    return `${this.apiUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** The headers of the last successful API response (lower-case names), e.g. to see `inin-ratelimit-*`. */
  lastResponseHeaders(): Record<string, string> | undefined {
    return this.lastHeaders;
  }

  /** An authenticated API call: Bearer token; on a 401, one token renewal and one re-send, never a loop. */
  async call(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.callOnce(req);
    this.lastHeaders = res.headers;
    return res;
  }

  private async callOnce(req: HttpRequest): Promise<HttpResponse> {
    const withToken = (token: string): HttpRequest => ({
      ...req,
      headers: { accept: 'application/json', ...req.headers, authorization: `Bearer ${token}` }
    });
    const token = await this.auth.getToken();
    try {
      return await this.http.request(withToken(token));
    } catch (e) {
      if (!isGenesysError(e) || e.status !== 401 || e.kind !== 'http') throw this.hint(e);
      this.auth.invalidate(token);
      this.logger?.info(
        `${req.method} ${safeUrl(req.url)}: 401 Unauthorized; renewing the access token and retrying once`
      );
      const renewed = await this.auth.getToken();
      this.http.noteRetry();
      try {
        return await this.http.request(withToken(renewed));
      } catch (e2) {
        if (isGenesysError(e2) && e2.status === 401 && e2.kind === 'http') {
          throw new GenesysError({
            kind: 'auth',
            method: e2.method,
            path: e2.path,
            status: 401,
            code: e2.code,
            correlationId: e2.correlationId,
            contextId: e2.contextId,
            message: `${e2.message} — a freshly issued token was rejected too; check that api-url and login-url belong to the same region and org`
          });
        }
        throw this.hint(e2);
      }
    }
  }

  /**
   * A call to a presigned storage URL: no Authorization header, and on failure a message without the response body
   * (storage error documents echo the signed request).
   */
  async presigned(req: HttpRequest, what: string): Promise<HttpResponse> {
    try {
      return await this.http.request(req);
    } catch (e) {
      if (!isGenesysError(e) || e.kind !== 'http') throw e;
      const hint =
        e.status === 403
          ? ' (the presigned URL may have expired, or the headers differ from the ones Genesys returned)'
          : '';
      throw new GenesysError({
        kind: 'http',
        method: req.method,
        path: safeUrl(req.url),
        status: e.status,
        correlationId: e.correlationId,
        message: `${what} ${safeUrl(req.url)} failed with HTTP ${e.status}${hint}`
      });
    }
  }

  async getJson<S extends z.ZodType>(schema: S, path: string, query: Record<string, string> = {}): Promise<z.infer<S>> {
    const url = this.url(path, query);
    const res = await this.call({ method: 'GET', url });
    return this.parse(schema, res.json, 'GET', url, res.correlationId);
  }

  async sendJson<S extends z.ZodType>(
    schema: S,
    method: 'POST' | 'PUT',
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
    idempotent?: boolean
  ): Promise<z.infer<S>> {
    const url = this.url(path, query);
    const res = await this.call({
      method,
      url,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      idempotent
    });
    return this.parse(schema, res.json, method, url, res.correlationId);
  }

  async allPages<T>(
    schema: z.ZodType<{ entities: T[]; pageCount?: number; pageNumber?: number }>,
    path: string,
    query: Record<string, string>
  ): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const p = await this.getJson(schema, path, { ...query, pageSize: String(PAGE_SIZE), pageNumber: String(page) });
      out.push(...p.entities);
      const done = p.pageCount !== undefined ? page >= p.pageCount : p.entities.length < PAGE_SIZE;
      if (done || p.entities.length === 0) return out;
    }
    throw new GenesysError({
      kind: 'shape',
      method: 'GET',
      path,
      message: `GET ${path}: more than ${MAX_PAGES} pages of ${PAGE_SIZE}; the server is probably ignoring pageNumber`
    });
  }

  /** Adds the usual fix to a 403: permissions come from the OAuth client's roles. */
  private hint(e: unknown): unknown {
    if (isGenesysError(e) && e.kind === 'http' && e.status === 403) {
      return e.with({
        message: `${e.message} — the OAuth client's roles lack a permission for this call (e.g. architect:flow:view, architect:flow:publish, architect:job:create, architect:jobExport:create, architect:flow:launch, analytics:flowAggregate:view)`
      });
    }
    return e;
  }

  private parse<S extends z.ZodType>(
    schema: S,
    data: unknown,
    method: string,
    url: string,
    correlationId?: string
  ): z.infer<S> {
    const r = schema.safeParse(data, { reportInput: true });
    if (r.success) return r.data;
    const first = r.error.issues[0];
    const endpoint = endpointKey(method, url);
    throw new GenesysError({
      kind: 'shape',
      method,
      path: redactor.redact(new URL(url).pathname),
      correlationId,
      message: redactor.redact(
        `${endpoint}: unexpected response: ${first ? describeIssue(first) : 'does not match the expected shape'}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more issue(s))` : ''}`
      )
    });
  }
}
