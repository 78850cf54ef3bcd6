// GenesysApi over HTTP: thin typed endpoint functions on top of the one HTTP layer (http.ts) and the token provider
// (auth.ts). Every response is checked with the zod schemas in models.ts at this boundary; a body that does not match
// is a GenesysError of kind 'shape' naming the endpoint and the first problem, never an unchecked value.
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { redactor } from '../redact.ts';
import type { ApiStats, ExportedFile, GenesysApi } from './api.ts';
import { TokenProvider } from './auth.ts';
import { GenesysError, isGenesysError } from './errors.ts';
import { HttpClient } from './http.ts';
import { endpointKey, safeUrl } from './http-urls.ts';
import type { HttpOptions, HttpRequest, HttpResponse } from './http.ts';
import {
  ArchitectJobStateResponse,
  ExportJobStateResponse,
  Flow,
  FlowAggregateQueryResponse,
  FlowExecutionLaunchResponse,
  FlowRuntimeExecution,
  FlowVersion,
  Operation,
  Paged,
  RegisterArchitectJobResponse,
  RegisterJobResponse,
  ValidateJobStateResponse
} from './models.ts';
import type { FlowAggregationQuery, FlowType } from './models.ts';
import { assertSafeUrl, resolveEndpoints } from './regions.ts';
import type { EndpointInput } from './regions.ts';
import { isZip, readZip, ZipError } from './zip.ts';

export interface GenesysClientOptions extends Omit<HttpOptions, 'clock' | 'logger'> {
  apiUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  clock: Clock;
  logger?: Logger;
  /** Called with the Basic header value at once and every new token (wire to core.setSecret). */
  onSecret?: (value: string) => void;
  /** Share one HTTP layer (and so one pacing window and one set of counters) between clients. */
  http?: HttpClient;
}

const PAGE_SIZE = 100;
/** A listing longer than this is a paging bug (or a server that ignores pageNumber), not an org. */
const MAX_PAGES = 500;
/** The platform refuses request bodies above 512,000 bytes. */
const MAX_UPLOAD_BYTES = 512_000;

const PagedFlows = Paged(Flow);
const PagedVersions = Paged(FlowVersion);

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

export class GenesysClient implements GenesysApi {
  readonly apiUrl: string;
  readonly loginUrl: string;
  private readonly http: HttpClient;
  private readonly auth: TokenProvider;
  private readonly logger?: Logger;

  constructor(options: GenesysClientOptions) {
    // The token provider registers the secret with the redactor before anything else can fail and log.
    this.http =
      options.http ??
      new HttpClient({
        clock: options.clock,
        logger: options.logger,
        dispatcher: options.dispatcher,
        timeoutMs: options.timeoutMs,
        budgetMs: options.budgetMs,
        maxAttempts: options.maxAttempts,
        backoff: options.backoff,
        random: options.random,
        rateLimitPerMinute: options.rateLimitPerMinute
      });
    this.auth = new TokenProvider({
      loginUrl: options.loginUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      http: this.http,
      clock: options.clock,
      logger: options.logger,
      onSecret: options.onSecret
    });
    const api = assertSafeUrl(options.apiUrl, 'api-url');
    this.apiUrl = `${api.protocol}//${api.host}${api.pathname.replace(/\/+$/, '')}`;
    this.loginUrl = options.loginUrl;
    this.logger = options.logger;
  }

  stats(): ApiStats {
    return this.http.stats();
  }

  /** Closes the connection pool this client created (not an injected dispatcher). */
  close(): Promise<void> {
    return this.http.close();
  }

  // ---- flows ----

  async findFlowsByName(name: string, type: FlowType): Promise<Flow[]> {
    const flows = await this.allPages(PagedFlows, '/api/v2/flows', { name, type });
    // The name filter is not an exact match, and responses spell the type in upper case.
    return flows.filter((f) => f.name === name && f.type?.toLowerCase() === type);
  }

  async listFlows(type?: FlowType): Promise<Flow[]> {
    const flows = await this.allPages(PagedFlows, '/api/v2/flows', type ? { type } : {});
    return type ? flows.filter((f) => f.type === undefined || f.type.toLowerCase() === type) : flows;
  }

  async getFlow(flowId: string): Promise<Flow> {
    return this.getJson(Flow, `/api/v2/flows/${seg(flowId)}`);
  }

  async listFlowVersions(flowId: string): Promise<FlowVersion[]> {
    return this.allPages(PagedVersions, `/api/v2/flows/${seg(flowId)}/versions`, {});
  }

  async getFlowVersion(flowId: string, versionId: string): Promise<FlowVersion> {
    return this.getJson(FlowVersion, `/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}`);
  }

  async getFlowVersionConfiguration(flowId: string, versionId: string): Promise<unknown> {
    const res = await this.call({
      method: 'GET',
      url: this.url(`/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}/configuration`)
    });
    return res.json;
  }

  async publishFlow(flowId: string, version?: string): Promise<Operation> {
    const q: Record<string, string> = { flow: flowId };
    if (version !== undefined) q.version = version;
    return this.sendJson(Operation, 'POST', '/api/v2/flows/actions/publish', undefined, q);
  }

  async unlockFlow(flowId: string): Promise<Flow> {
    return this.sendJson(Flow, 'POST', '/api/v2/flows/actions/unlock', undefined, { flow: flowId });
  }

  async deleteFlow(flowId: string): Promise<void> {
    await this.call({ method: 'DELETE', url: this.url(`/api/v2/flows/${seg(flowId)}`), responseType: 'none' });
  }

  // ---- Architect jobs ----

  async registerArchitectJob(): Promise<RegisterArchitectJobResponse> {
    return this.sendJson(RegisterArchitectJobResponse, 'POST', '/api/v2/flows/jobs');
  }

  async uploadArchitectJobFile(job: RegisterArchitectJobResponse, yaml: string): Promise<void> {
    const body = Buffer.from(yaml, 'utf8');
    if (body.length > MAX_UPLOAD_BYTES) {
      throw new GenesysError({
        kind: 'config',
        method: 'PUT',
        message: `flow YAML is ${body.length} bytes; Genesys Cloud accepts at most ${MAX_UPLOAD_BYTES} bytes per upload — split the flow or move content into common modules`
      });
    }
    assertSafeUrl(job.presignedUrl, 'the presigned upload URL');
    // Exactly the headers Genesys returned (they are part of the signature), and never our Authorization header.
    const res = await this.presigned(
      {
        method: 'PUT',
        url: job.presignedUrl,
        headers: { ...job.headers },
        body,
        responseType: 'none',
        endpoint: 'PUT {presignedUrl}'
      },
      'upload of the flow YAML to'
    );
    if (res.status !== 200) {
      throw new GenesysError({
        kind: 'http',
        method: 'PUT',
        path: safeUrl(job.presignedUrl),
        status: res.status,
        message: `upload of the flow YAML to ${safeUrl(job.presignedUrl)} answered ${res.status}, expected 200; the Architect job will not see the file`
      });
    }
  }

  async getArchitectJob(jobId: string): Promise<ArchitectJobStateResponse> {
    return this.getJson(ArchitectJobStateResponse, `/api/v2/flows/jobs/${seg(jobId)}`, { expand: 'messages' });
  }

  // ---- export jobs ----

  async registerExportJob(flows: { flowId: string; version: string }[]): Promise<RegisterJobResponse> {
    const body = { flows: flows.map((f) => ({ flow: { id: f.flowId, version: f.version }, exportType: 'Yaml' })) };
    return this.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/export/jobs', body);
  }

  async getExportJob(jobId: string): Promise<ExportJobStateResponse> {
    return this.getJson(ExportJobStateResponse, `/api/v2/flows/export/jobs/${seg(jobId)}`, { expand: 'messages' });
  }

  async downloadExport(downloadUrl: string): Promise<ExportedFile[]> {
    const u = assertSafeUrl(downloadUrl, 'the export download URL');
    const res = await this.presigned(
      {
        method: 'GET',
        url: downloadUrl,
        headers: { accept: '*/*' },
        responseType: 'bytes',
        endpoint: 'GET {downloadUrl}'
      },
      'export download from'
    );
    const bytes = res.bytes ?? Buffer.alloc(0);
    if (isZip(bytes)) {
      try {
        return readZip(bytes).map((e) => ({ fileName: e.name, content: e.data.toString('utf8') }));
      } catch (e) {
        if (e instanceof ZipError) {
          throw new GenesysError({
            kind: 'shape',
            method: 'GET',
            path: safeUrl(downloadUrl),
            message: `export download ${safeUrl(downloadUrl)}: ${e.message}`
          });
        }
        throw e;
      }
    }
    const text = bytes.toString('utf8');
    if (/^\s*<(!doctype|html)/i.test(text) || /html/i.test(res.headers['content-type'] ?? '')) {
      throw new GenesysError({
        kind: 'shape',
        method: 'GET',
        path: safeUrl(downloadUrl),
        message: `export download ${safeUrl(downloadUrl)} returned an HTML page instead of YAML or a zip (an expired link or a proxy page)`
      });
    }
    return [{ fileName: fileNameFor(res.headers['content-disposition'], u), content: text }];
  }

  // ---- validate jobs ----

  async registerValidateJob(flows: { flowId: string; version?: string }[]): Promise<RegisterJobResponse> {
    const body = {
      flows: flows.map((f) => ({
        flow: f.version === undefined ? { id: f.flowId } : { id: f.flowId, version: f.version }
      }))
    };
    return this.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/validate/jobs', body);
  }

  async getValidateJob(jobId: string): Promise<ValidateJobStateResponse> {
    return this.getJson(ValidateJobStateResponse, `/api/v2/flows/validate/jobs/${seg(jobId)}`, { expand: 'messages' });
  }

  // ---- executions and analytics ----

  async launchExecution(req: {
    flowId: string;
    flowVersion?: string;
    inputData?: Record<string, unknown>;
    name?: string;
  }): Promise<FlowExecutionLaunchResponse> {
    const body: Record<string, unknown> = { flowId: req.flowId };
    if (req.flowVersion !== undefined) body.flowVersion = req.flowVersion;
    if (req.inputData !== undefined) body.inputData = req.inputData;
    if (req.name !== undefined) body.name = req.name;
    return this.sendJson(FlowExecutionLaunchResponse, 'POST', '/api/v2/flows/executions', body);
  }

  async getExecution(executionId: string): Promise<FlowRuntimeExecution> {
    return this.getJson(FlowRuntimeExecution, `/api/v2/flows/executions/${seg(executionId)}`);
  }

  async queryFlowAggregates(query: FlowAggregationQuery): Promise<FlowAggregateQueryResponse> {
    // A query changes nothing, so it may be re-sent after a gateway error like a GET.
    return this.sendJson(
      FlowAggregateQueryResponse,
      'POST',
      '/api/v2/analytics/flows/aggregates/query',
      query,
      {},
      true
    );
  }

  // ---- plumbing ----

  private url(path: string, query: Record<string, string> = {}): string {
    // encodeURIComponent (spaces as %20, like the official SDK), not URLSearchParams' form encoding (spaces as +).
    const qs = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    return `${this.apiUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** An authenticated API call: Bearer token; on a 401, one token renewal and one re-send, never a loop. */
  private async call(req: HttpRequest): Promise<HttpResponse> {
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
  private async presigned(req: HttpRequest, what: string): Promise<HttpResponse> {
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

  private async getJson<S extends z.ZodType>(
    schema: S,
    path: string,
    query: Record<string, string> = {}
  ): Promise<z.infer<S>> {
    const url = this.url(path, query);
    const res = await this.call({ method: 'GET', url });
    return this.parse(schema, res.json, 'GET', url, res.correlationId);
  }

  private async sendJson<S extends z.ZodType>(
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

  private async allPages<T>(
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
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function fileNameFor(disposition: string | undefined, u: URL): string {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  const raw = m?.[1] ? decodeURIComponent(m[1]) : decodeURIComponent(u.pathname.split('/').pop() ?? '');
  const base = raw.split(/[\\/]/).pop() ?? '';
  return base && base !== '..' && base !== '.' ? base : 'export.yaml';
}

/** Resolves region/overrides and builds a client in one step (what main does). */
export function createGenesysClient(
  options: Omit<GenesysClientOptions, 'apiUrl' | 'loginUrl'> & EndpointInput
): GenesysClient {
  const { region, apiUrl, loginUrl, ...rest } = options;
  // Mask the credentials before anything (even a bad region) can fail and be logged.
  redactor.addBasic(rest.clientId, rest.clientSecret);
  const endpoints = resolveEndpoints({ region, apiUrl, loginUrl });
  return new GenesysClient({ ...rest, apiUrl: endpoints.apiUrl, loginUrl: endpoints.loginUrl });
}
