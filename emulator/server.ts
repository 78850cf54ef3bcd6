// The embedded Genesys Cloud emulator: one node:http server that serves the OAuth login, the platform API paths the
// action uses, the presigned upload/download URLs (like S3, no Authorization) and an admin API under /__emulator/.
// Everything time-dependent reads the injected clock, so tests on a FakeClock advance time instead of sleeping.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../src/clock.ts';
import type { Clock } from '../src/clock.ts';
import { queryFlowAggregates } from './analytics.ts';
import type { FaultRecord } from './faults.ts';
import { pathPatternMatches } from './faults.ts';
import { ApiError, Org } from './org.ts';
import type { ExportRequest, FlowRecord, OperationRecord, OrgSnapshot, VersionRecord } from './org.ts';
import { loadScenarioFile, parseScenario, ScenarioError } from './scenario.ts';
import type { FaultInput, Scenario, ScenarioInput } from './scenario.ts';

export const UPLOAD_LIMIT_BYTES = 512_000;
const PRESIGNED_LIFETIME_MS = 15 * 60_000;
const API_BODY_LIMIT_BYTES = 5_000_000;

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A scenario object, or the path of a YAML/JSON scenario file. */
  scenario?: ScenarioInput | Scenario | string;
  clock?: Clock;
}

export interface RequestRecord {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  /** `METHOD /template` with ids templated, e.g. `GET /api/v2/flows/{id}`. */
  key: string;
  status: number;
  /** The call changes the org (jobs, uploads, publish, unlock, delete, executions). */
  mutating: boolean;
  correlationId: string;
  /** Set when the connection was dropped instead of answered. */
  reset?: boolean;
}

export interface EmulatorState extends OrgSnapshot {
  counts: Record<string, number>;
  mutatingRequests: number;
}

export interface Emulator {
  baseUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  org: Org;
  close(): Promise<void>;
  state(): EmulatorState;
  /** Requests by `METHOD /template` (admin calls excluded). */
  counts(): Record<string, number>;
  requests(): RequestRecord[];
  /** Requests that changed (or tried to change) the org. */
  mutatingRequests(): RequestRecord[];
  resetRequests(): void;
  /** Every access token the login endpoint issued (the fault suite checks none of them leaks). */
  issuedTokens(): string[];
  addFault(fault: FaultInput): FaultRecord;
  clearFaults(): void;
}

type Body = unknown;
interface Reply {
  status: number;
  body?: Body;
  /** Raw bytes/text instead of JSON. */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  body: Buffer;
  correlationId: string;
  now: number;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  /** Served under the API's auth and rate limit. */
  api: boolean;
  mutating: boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const JSON_TYPE = 'application/json; charset=UTF-8';

function s3Error(status: number, code: string, message: string, requestId: string): Reply {
  return {
    status,
    contentType: 'application/xml',
    raw: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`
  };
}

function parseJson(ctx: Ctx): unknown {
  if (ctx.body.length === 0) return undefined;
  try {
    return JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad.request', 'The request body is not valid JSON.');
  }
}

function templateOf(path: string): string {
  return path
    .split('/')
    .map((s) => (/^[0-9a-f-]{16,}$/i.test(s) || /^\d+(\.\d+)?$/.test(s) ? '{id}' : s))
    .join('/');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const scenario =
    typeof options.scenario === 'string'
      ? loadScenarioFile(options.scenario)
      : parseScenario(options.scenario ?? {}, '(inline)');
  const clientId = scenario.client.id;
  const clientSecret = scenario.client.secret ?? randomBytes(24).toString('base64url');
  const org = new Org(scenario, clock, clientId);
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  const tokens = new Map<string, { issuedAt: number }>();
  const ratioAccumulators = new WeakMap<object, number>();
  const windows = new Map<string, { start: number; count: number }>();
  let log: RequestRecord[] = [];
  let seq = 0;

  // ------------------------------------------------------------------ JSON shapes

  const userRef = (u: { id: string; name: string }) => ({ id: u.id, name: u.name, selfUri: `/api/v2/users/${u.id}` });
  const versionJson = (flow: FlowRecord, v: VersionRecord) => ({
    id: v.id,
    name: flow.name,
    commitVersion: `${v.number}.0.${v.number}`,
    configurationVersion: `${v.number}.0`,
    type: v.type,
    secure: false,
    debug: false,
    ...(v.createdBy ? { createdBy: userRef(v.createdBy) } : {}),
    ...(v.createdByClient
      ? { createdByClient: { id: v.createdByClient, selfUri: `/api/v2/oauth/clients/${v.createdByClient}` } }
      : {}),
    configurationUri: `/api/v2/flows/${flow.id}/versions/${v.id}/configuration`,
    dateCreated: v.dateCreated,
    ...(v.type === 'CHECKIN' ? { dateCheckedIn: v.dateCreated } : {}),
    ...(v.datePublished !== undefined ? { datePublished: iso(v.datePublished) } : {}),
    ...(v.datePublishedEnd !== undefined ? { datePublishedEnd: iso(v.datePublishedEnd) } : {}),
    generationId: v.sha256.slice(0, 12),
    publishResultUri: `/api/v2/flows/${flow.id}/versions/${v.id}/publishresult`,
    selfUri: `/api/v2/flows/${flow.id}/versions/${v.id}`
  });
  const operationJson = (op: OperationRecord) => ({
    id: op.id,
    complete: op.complete,
    client: { id: op.clientId, selfUri: `/api/v2/oauth/clients/${op.clientId}` },
    ...(op.errorMessage !== undefined ? { errorMessage: op.errorMessage } : {}),
    ...(op.errorCode !== undefined ? { errorCode: op.errorCode, errorDetails: [] } : {}),
    actionName: op.actionName,
    actionStatus: op.actionStatus
  });
  const flowJson = (flow: FlowRecord) => {
    const published = org.publishedVersion(flow);
    const checkedIn = flow.versions.find((v) => v.id === flow.checkedInVersionId);
    return {
      id: flow.id,
      name: flow.name,
      division: {
        id: flow.division.id,
        name: flow.division.name,
        selfUri: `/api/v2/authorization/divisions/${flow.division.id}`
      },
      ...(flow.description !== undefined ? { description: flow.description } : {}),
      type: flow.type.toUpperCase(),
      ...(flow.lockedUser ? { lockedUser: userRef(flow.lockedUser) } : {}),
      active: published !== undefined,
      system: false,
      deleted: flow.deleted,
      ...(published ? { publishedVersion: versionJson(flow, published) } : {}),
      ...(checkedIn ? { checkedInVersion: versionJson(flow, checkedIn) } : {}),
      ...(published?.createdBy ? { publishedBy: userRef(published.createdBy) } : {}),
      ...(flow.currentOperation ? { currentOperation: operationJson(flow.currentOperation) } : {}),
      selfUri: `/api/v2/flows/${flow.id}`
    };
  };
  const paged = <T>(all: T[], query: URLSearchParams, path: string) => {
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
  };
  const messagesFor = (ctx: Ctx, messages: unknown[]) =>
    (ctx.query.get('expand') ?? '').split(',').includes('messages') ? { messages } : {};

  const flowParam = (ctx: Ctx, name = 'flow'): FlowRecord => {
    const id = ctx.query.get(name);
    if (!id) throw new ApiError(400, 'bad.request', `The query parameter '${name}' is required.`);
    return org.getFlow(id);
  };

  // ------------------------------------------------------------------ routes

  const routes: Route[] = [];
  const route = (
    method: string,
    template: string,
    opts: { api?: boolean; mutating?: boolean },
    handler: Route['handler']
  ) => {
    const regex = new RegExp(`^${template.replace(/\{id\}/g, '([^/]+)')}$`);
    routes.push({ method, template, regex, api: opts.api ?? true, mutating: opts.mutating ?? false, handler });
  };

  route('POST', '/oauth/token', { api: false }, (ctx) => {
    const oauthError = (status: number, error: string, description: string): Reply => ({
      status,
      body: { error, description, error_description: description }
    });
    const header = ctx.req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match?.[1]) return oauthError(401, 'invalid_client', 'client authentication is required (HTTP Basic)');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    const id = sep >= 0 ? decoded.slice(0, sep) : decoded;
    const secret = sep >= 0 ? decoded.slice(sep + 1) : '';
    if (!safeEqual(id, clientId) || !safeEqual(secret, clientSecret)) {
      return oauthError(401, 'invalid_client', 'client not found or the client secret is wrong');
    }
    const form = new URLSearchParams(ctx.body.toString('utf8'));
    const grant = form.get('grant_type');
    if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (grant !== 'client_credentials')
      return oauthError(400, 'unsupported_grant_type', `unsupported grant type: ${grant}`);
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, { issuedAt: ctx.now });
    return {
      status: 200,
      body: { access_token: token, token_type: 'bearer', expires_in: scenario.tokenLifetimeSeconds }
    };
  });

  route('GET', '/api/v2/flows', {}, (ctx) => {
    const types = ctx.query
      .getAll('type')
      .flatMap((t) => t.split(','))
      .filter(Boolean);
    const badType = types.find((t) => !/^[a-z]+$/.test(t));
    if (badType !== undefined) {
      throw new ApiError(
        400,
        'bad.request',
        `Invalid value '${badType}' for query parameter 'type': flow types are lowercase, e.g. inboundcall.`
      );
    }
    const name = ctx.query.get('name')?.toLowerCase();
    const ids = ctx.query
      .getAll('id')
      .flatMap((t) => t.split(','))
      .filter(Boolean);
    const includeDeleted = ctx.query.get('deleted') === 'true';
    const all = org.flows
      .filter((f) => includeDeleted || !f.deleted)
      .filter((f) => types.length === 0 || types.includes(f.type))
      .filter((f) => !name || f.name.toLowerCase().includes(name.replaceAll('*', '')))
      .filter((f) => ids.length === 0 || ids.includes(f.id))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const listing = paged(all, ctx.query, '/api/v2/flows');
    return { status: 200, body: { ...listing, entities: listing.entities.map(flowJson) } };
  });

  route('POST', '/api/v2/flows/actions/publish', { mutating: true }, (ctx) => {
    const flow = flowParam(ctx);
    const version = ctx.query.get('version') ?? undefined;
    return { status: 200, body: operationJson(org.startPublish(flow, version)) };
  });

  route('POST', '/api/v2/flows/actions/unlock', { mutating: true }, (ctx) => {
    const flow = flowParam(ctx);
    org.unlock(flow);
    return { status: 200, body: flowJson(flow) };
  });

  route('POST', '/api/v2/flows/jobs', { mutating: true }, () => {
    const job = org.registerArchitectJob();
    return {
      status: 200,
      body: {
        id: job.id,
        presignedUrl: `${baseUrl}/__uploads/${job.id}?X-Amz-Expires=900&X-Amz-Signature=${job.uploadKey}`,
        headers: job.headers,
        selfUri: `/api/v2/flows/jobs/${job.id}`
      }
    };
  });

  route('GET', '/api/v2/flows/jobs/{id}', {}, (ctx) => {
    const job = org.architectJobs.get(ctx.params[0] ?? '');
    if (!job) throw new ApiError(404, 'not.found', `Architect job ${ctx.params[0] ?? ''} not found.`);
    const status = org.architectJobStatus(job);
    return {
      status: 200,
      body: {
        id: job.id,
        ...(job.flowId ? { flow: { id: job.flowId, selfUri: `/api/v2/flows/${job.flowId}` } } : {}),
        status,
        command: 'Publish',
        ...messagesFor(ctx, job.messages),
        selfUri: `/api/v2/flows/jobs/${job.id}`
      }
    };
  });

  route('PUT', '/__uploads/{id}', { api: false, mutating: true }, (ctx) => {
    const job = org.architectJobs.get(ctx.params[0] ?? '');
    if (!job || !safeEqual(ctx.query.get('X-Amz-Signature') ?? '', job.uploadKey)) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
        ctx.correlationId
      );
    }
    if (ctx.req.headers.authorization !== undefined) {
      return s3Error(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        ctx.correlationId
      );
    }
    if (ctx.now - job.registeredAt > PRESIGNED_LIFETIME_MS) {
      return s3Error(403, 'AccessDenied', 'Request has expired', ctx.correlationId);
    }
    for (const [name, value] of Object.entries(job.headers)) {
      const sent = ctx.req.headers[name.toLowerCase()];
      if (sent !== value) {
        return s3Error(
          403,
          'SignatureDoesNotMatch',
          `The signed header '${name}' is missing or has a different value.`,
          ctx.correlationId
        );
      }
    }
    org.uploadArchitectJob(job, ctx.body.toString('utf8'));
    return { status: 200, raw: '', contentType: 'text/plain', headers: { ETag: `"${job.id.replaceAll('-', '')}"` } };
  });

  route('POST', '/api/v2/flows/export/jobs', {}, (ctx) => {
    const body = parseJson(ctx) as { flows?: unknown } | undefined;
    if (!body || !Array.isArray(body.flows) || body.flows.length === 0) {
      throw new ApiError(400, 'bad.request', "The request body must have a non-empty 'flows' list.", [
        { fieldName: 'flows' }
      ]);
    }
    const requests: ExportRequest[] = body.flows.map((entry: unknown) => {
      const e = (entry ?? {}) as {
        flow?: { id?: unknown; version?: unknown };
        fileName?: unknown;
        exportType?: unknown;
      };
      return {
        ...(typeof e.flow?.id === 'string' ? { flowId: e.flow.id } : {}),
        ...(typeof e.flow?.version === 'string' ? { version: e.flow.version } : {}),
        ...(typeof e.fileName === 'string' ? { fileName: e.fileName } : {}),
        ...(typeof e.exportType === 'string' ? { exportType: e.exportType } : {})
      };
    });
    if (requests.some((r) => !r.flowId))
      throw new ApiError(400, 'bad.request', 'Every export entry needs flow.id.', [{ fieldName: 'flows.flow.id' }]);
    const job = org.registerExportJob(requests);
    return {
      status: 200,
      body: {
        id: job.id,
        status: 'Registered',
        totalFlows: requests.length,
        selfUri: `/api/v2/flows/export/jobs/${job.id}`
      }
    };
  });

  route('GET', '/api/v2/flows/export/jobs/{id}', {}, (ctx) => {
    const job = org.exportJobs.get(ctx.params[0] ?? '');
    if (!job) throw new ApiError(404, 'not.found', `Export job ${ctx.params[0] ?? ''} not found.`);
    const status = org.exportJobStatus(job);
    return {
      status: 200,
      body: {
        id: job.id,
        status,
        command: 'Export',
        ...(status === 'Success'
          ? { downloadUrl: `${baseUrl}/__downloads/${job.id}?X-Amz-Signature=${job.downloadKey}` }
          : {}),
        ...messagesFor(ctx, job.messages),
        selfUri: `/api/v2/flows/export/jobs/${job.id}`
      }
    };
  });

  route('GET', '/__downloads/{id}', { api: false }, (ctx) => {
    const job = org.exportJobs.get(ctx.params[0] ?? '');
    if (!job || !safeEqual(ctx.query.get('X-Amz-Signature') ?? '', job.downloadKey)) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
        ctx.correlationId
      );
    }
    if (!job.download) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', ctx.correlationId);
    return {
      status: 200,
      raw: job.download.body,
      contentType: job.download.contentType,
      headers: { 'Content-Disposition': `attachment; filename="${job.download.fileName}"` }
    };
  });

  route('POST', '/api/v2/flows/validate/jobs', {}, (ctx) => {
    const body = parseJson(ctx) as { flows?: unknown } | undefined;
    if (!body || !Array.isArray(body.flows) || body.flows.length === 0) {
      throw new ApiError(400, 'bad.request', "The request body must have a non-empty 'flows' list.", [
        { fieldName: 'flows' }
      ]);
    }
    const requests = body.flows.map((entry: unknown) => {
      const f = ((entry ?? {}) as { flow?: Record<string, unknown> }).flow ?? {};
      const pick = (k: string) => (typeof f[k] === 'string' ? { [k]: f[k] as string } : {});
      return { ...pick('id'), ...pick('name'), ...pick('type'), ...pick('version') };
    });
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

  route('GET', '/api/v2/flows/validate/jobs/{id}', {}, (ctx) => {
    const job = org.validateJobs.get(ctx.params[0] ?? '');
    if (!job) throw new ApiError(404, 'not.found', `Validate job ${ctx.params[0] ?? ''} not found.`);
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

  route('POST', '/api/v2/flows/executions', { mutating: true }, (ctx) => {
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
      status: 200,
      body: {
        id: execution.id,
        name: execution.name,
        flowVersion: {
          id: execution.flowVersion,
          selfUri: `/api/v2/flows/${execution.flowId}/versions/${execution.flowVersion}`
        },
        selfUri: `/api/v2/flows/executions/${execution.id}`
      }
    };
  });

  route('GET', '/api/v2/flows/executions/{id}', {}, (ctx) => {
    const execution = org.executions.get(ctx.params[0] ?? '');
    if (!execution) throw new ApiError(404, 'not.found', `Flow execution ${ctx.params[0] ?? ''} not found.`);
    const flow = org.flows.find((f) => f.id === execution.flowId);
    const version = flow?.versions.find((v) => v.id === execution.flowVersion);
    const done = ctx.now >= execution.completesAt;
    const outcome = execution.outcome;
    return {
      status: 200,
      body: {
        id: execution.id,
        name: execution.name,
        flowVersion: flow && version ? versionJson(flow, version) : { id: execution.flowVersion },
        dateLaunched: iso(execution.launchedAt),
        status: done ? outcome.status : 'RUNNING',
        ...(done ? { dateCompleted: iso(execution.completesAt) } : {}),
        ...(done && outcome.status === 'COMPLETED'
          ? { completionReason: 'Completed', outputData: outcome.outputData }
          : {}),
        ...(done && outcome.status === 'FAILED'
          ? {
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
            }
          : {}),
        selfUri: `/api/v2/flows/executions/${execution.id}`
      }
    };
  });

  route('POST', '/api/v2/analytics/flows/aggregates/query', {}, (ctx) => ({
    status: 200,
    body: queryFlowAggregates(org, parseJson(ctx))
  }));

  route('GET', '/api/v2/flows/{id}/versions/{id}/configuration', {}, (ctx) => {
    const flow = org.getFlow(ctx.params[0] ?? '', ctx.query.get('deleted') === 'true');
    const version = org.getVersion(flow, ctx.params[1] ?? '');
    return { status: 200, body: configurationJson(flow, version) };
  });

  route('GET', '/api/v2/flows/{id}/versions/{id}', {}, (ctx) => {
    const flow = org.getFlow(ctx.params[0] ?? '', ctx.query.get('deleted') === 'true');
    return { status: 200, body: versionJson(flow, org.getVersion(flow, ctx.params[1] ?? '')) };
  });

  route('GET', '/api/v2/flows/{id}/versions', {}, (ctx) => {
    const flow = org.getFlow(ctx.params[0] ?? '', ctx.query.get('deleted') === 'true');
    const newestFirst = [...flow.versions].sort((a, b) => b.number - a.number);
    const listing = paged(newestFirst, ctx.query, `/api/v2/flows/${flow.id}/versions`);
    return { status: 200, body: { ...listing, entities: listing.entities.map((v) => versionJson(flow, v)) } };
  });

  route('GET', '/api/v2/flows/{id}', {}, (ctx) => ({
    status: 200,
    body: flowJson(org.getFlow(ctx.params[0] ?? '', ctx.query.get('deleted') === 'true'))
  }));

  route('DELETE', '/api/v2/flows/{id}', { mutating: true }, (ctx) => {
    org.deleteFlow(org.getFlow(ctx.params[0] ?? ''));
    return { status: 200, raw: '', contentType: 'text/plain' };
  });

  // ------------------------------------------------------------------ faults on requests

  const requestFaultMatches = (
    spec: { method?: string | undefined; path?: string | undefined; flow?: string | undefined },
    r: Route | undefined,
    ctx: Ctx
  ): boolean => {
    if (spec.method !== undefined && spec.method !== ctx.method) return false;
    if (spec.path !== undefined) {
      if (!pathPatternMatches(spec.path, ctx.path) && !(r && pathPatternMatches(spec.path, r.template))) return false;
    } else if (!r?.api) {
      return false; // without a path, faults hit the platform API only (not login, uploads or downloads)
    }
    if (spec.flow !== undefined) {
      const flow = org.findFlowByName(spec.flow, true);
      if (!flow || !(ctx.path.includes(flow.id) || ctx.query.get('flow') === flow.id || ctx.body.includes(flow.id)))
        return false;
    }
    return true;
  };

  const errorBody = (
    status: number,
    code: string,
    message: string,
    correlationId: string,
    details: unknown[] = [],
    extra: Record<string, unknown> = {}
  ) => ({
    message,
    code,
    status,
    messageWithParams: message,
    messageParams: {},
    contextId: correlationId,
    details,
    errors: [],
    ...extra
  });

  const rateLimitHeaders = (count: number, allowed: number, resetSeconds: number) => ({
    'inin-ratelimit-count': String(count),
    'inin-ratelimit-allowed': String(allowed),
    'inin-ratelimit-reset': String(resetSeconds)
  });

  const malform = (reply: Reply, mode: 'html' | 'truncated-json' | 'missing-field' | 'unknown-enum'): Reply => {
    if (mode === 'html') {
      return {
        status: 200,
        contentType: 'text/html',
        raw: '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>The service is temporarily unavailable.</h1></body></html>'
      };
    }
    const text = JSON.stringify(reply.body ?? {});
    if (mode === 'truncated-json')
      return { ...reply, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))), contentType: JSON_TYPE };
    const copy = JSON.parse(text) as unknown;
    if (mode === 'missing-field') {
      if (copy && typeof copy === 'object')
        for (const k of ['id', 'status', 'name', 'entities', 'access_token'])
          delete (copy as Record<string, unknown>)[k];
      return { ...reply, body: copy };
    }
    const walk = (node: unknown, parentKey?: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, parentKey));
      if (!node || typeof node !== 'object') return;
      const rec = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(rec)) {
        if (
          typeof v === 'string' &&
          (k === 'status' ||
            k === 'actionStatus' ||
            k === 'actionName' ||
            (k === 'type' && (parentKey?.endsWith('Version') || parentKey === 'messages')))
        ) {
          rec[k] = 'EMULATOR_UNKNOWN_VALUE';
        } else walk(v, k);
      }
    };
    walk(copy);
    return { ...reply, body: copy };
  };

  // ------------------------------------------------------------------ admin

  const counts = () => {
    const out: Record<string, number> = {};
    for (const r of log) out[r.key] = (out[r.key] ?? 0) + 1;
    return out;
  };
  const state = (): EmulatorState => {
    org.tick();
    return { ...org.snapshot(), counts: counts(), mutatingRequests: log.filter((r) => r.mutating).length };
  };

  const admin = (ctx: Ctx): Reply => {
    const p = ctx.path.replace(/^\/__emulator/, '');
    if (ctx.method === 'GET' && p === '/requests') {
      return {
        status: 200,
        body: { counts: counts(), total: log.length, mutating: log.filter((r) => r.mutating).length, requests: log }
      };
    }
    if (ctx.method === 'POST' && p === '/requests/reset') {
      log = [];
      return { status: 200, body: { ok: true } };
    }
    if (ctx.method === 'GET' && p === '/state') return { status: 200, body: state() };
    if (ctx.method === 'GET' && p === '/health') return { status: 200, body: { ok: true } };
    if (ctx.method === 'POST' && p === '/faults') {
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
    if (ctx.method === 'DELETE' && p === '/faults') {
      org.faults.clear();
      return { status: 200, body: { ok: true } };
    }
    if (ctx.method === 'POST' && (p === '/queues' || p === '/data-actions')) {
      const body = parseJson(ctx) as { name?: unknown } | undefined;
      if (typeof body?.name !== 'string' || body.name === '')
        throw new ApiError(400, 'bad.request', 'name is required.');
      (p === '/queues' ? org.queues : org.dataActions).push({ id: randomUUID(), name: body.name });
      return { status: 200, body: { ok: true } };
    }
    throw new ApiError(404, 'not.found', `Unknown admin endpoint ${ctx.method} ${ctx.path}. See emulator/README.md.`);
  };

  // ------------------------------------------------------------------ request pipeline

  const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> =>
    new Promise((resolve, reject) => {
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const correlationId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const ctx: Ctx = {
      req,
      method,
      path: url.pathname,
      query: url.searchParams,
      params: [],
      body: Buffer.alloc(0),
      correlationId,
      now: clock.now()
    };
    org.tick();

    const send = (reply: Reply, extraHeaders: Record<string, string> = {}) => {
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
    };

    if (url.pathname.startsWith('/__emulator/')) {
      ctx.body = (await readBody(req, API_BODY_LIMIT_BYTES)) as Buffer;
      try {
        send(admin(ctx));
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(500, 'internal.server.error', (err as Error).message);
        send({ status: e.status, body: errorBody(e.status, e.code, e.message, correlationId) });
      }
      return;
    }

    let matched: Route | undefined;
    let pathMatchedOtherMethod = false;
    for (const r of routes) {
      const m = r.regex.exec(url.pathname);
      if (!m) continue;
      if (r.method !== method) {
        pathMatchedOtherMethod = true;
        continue;
      }
      matched = r;
      ctx.params = m.slice(1).map((s) => decodeURIComponent(s));
      break;
    }
    const record: RequestRecord = {
      seq: ++seq,
      at: iso(ctx.now),
      method,
      path: url.pathname,
      query: url.search,
      key: `${method} ${matched?.template ?? templateOf(url.pathname)}`,
      status: 0,
      mutating: matched?.mutating ?? false,
      correlationId
    };
    log.push(record);
    const reset = () => {
      record.reset = true;
      req.socket.destroy();
    };
    const reply = (r: Reply, extra?: Record<string, string>) => {
      record.status = r.status;
      send(r, extra);
    };

    const resetFault = (when: 'before-body' | 'after-body' | 'after-processing') =>
      org.faults.take('connection-reset', (s) => s.when === when && requestFaultMatches(s, matched, ctx));
    if (resetFault('before-body')) return reset();

    const body = await readBody(
      req,
      matched?.template === '/__uploads/{id}' ? UPLOAD_LIMIT_BYTES : API_BODY_LIMIT_BYTES
    );
    if (body === 'too-large') {
      return reply(
        matched?.api === false
          ? s3Error(
              413,
              'EntityTooLarge',
              `Your proposed upload exceeds the maximum allowed size of ${UPLOAD_LIMIT_BYTES} bytes.`,
              correlationId
            )
          : {
              status: 413,
              body: errorBody(
                413,
                'request.entity.too.large',
                `The request body exceeds ${API_BODY_LIMIT_BYTES} bytes.`,
                correlationId
              )
            }
      );
    }
    ctx.body = body;
    if (resetFault('after-body')) return reset();

    if (!matched) {
      const status = pathMatchedOtherMethod ? 405 : 404;
      const message = pathMatchedOtherMethod
        ? `Method ${method} is not allowed on ${url.pathname}.`
        : `No resource found at ${url.pathname}.`;
      return reply({
        status,
        body: errorBody(status, status === 404 ? 'not.found' : 'method.not.allowed', message, correlationId)
      });
    }

    // `ratio`: each matching request adds `ratio` to the fault's accumulator; the request is throttled when it crosses
    // a whole number, so exactly ⌊n·ratio⌋ of n matching requests get a 429, evenly spread and reproducible.
    const storm = org.faults.take('rate-limit', (s) => {
      if (!requestFaultMatches(s, matched, ctx)) return false;
      if (s.ratio === undefined) return true;
      const before = ratioAccumulators.get(s) ?? 0;
      ratioAccumulators.set(s, before + s.ratio);
      return Math.floor(before + s.ratio) > Math.floor(before);
    });
    if (storm) {
      const seconds = storm.spec.retryAfter;
      const retryAfter =
        storm.spec.retryAfterFormat === 'http-date'
          ? new Date(ctx.now + seconds * 1000).toUTCString()
          : String(seconds);
      const allowed = scenario.rateLimit.perMinute;
      return reply(
        {
          status: 429,
          body: errorBody(
            429,
            'too.many.requests',
            `Rate limit exceeded the maximum. [${allowed}] requests for [60] seconds`,
            correlationId,
            [],
            { limit: { key: 'token.rate.per.minute', namespace: 'platform.api', value: allowed } }
          )
        },
        { 'Retry-After': retryAfter, ...rateLimitHeaders(allowed + 1, allowed, seconds) }
      );
    }

    let limitHeaders: Record<string, string> = {};
    if (matched.api) {
      const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
      if (!auth?.[1]) {
        return reply({
          status: 401,
          body: errorBody(
            401,
            'authentication.required',
            'No authentication bearer token specified in authorization header.',
            correlationId
          )
        });
      }
      const token = auth[1];
      const issued = tokens.get(token);
      const lifetime =
        Math.min(scenario.tokenLifetimeSeconds, ...org.faults.active('token-expiry').map((f) => f.spec.seconds)) * 1000;
      if (!issued || ctx.now - issued.issuedAt >= lifetime) {
        if (issued) {
          for (const f of org.faults.active('token-expiry'))
            if (ctx.now - issued.issuedAt >= f.spec.seconds * 1000) f.fired += 1;
        }
        return reply({
          status: 401,
          body: errorBody(401, 'bad.credentials', 'Invalid login credentials.', correlationId)
        });
      }
      const allowed = scenario.rateLimit.perMinute;
      let window = windows.get(token);
      if (!window || ctx.now - window.start >= 60_000) {
        window = { start: ctx.now, count: 0 };
        windows.set(token, window);
      }
      window.count += 1;
      const resetSeconds = Math.max(1, Math.ceil((window.start + 60_000 - ctx.now) / 1000));
      limitHeaders = rateLimitHeaders(window.count, allowed, resetSeconds);
      if (window.count > allowed) {
        return reply(
          {
            status: 429,
            body: errorBody(
              429,
              'too.many.requests',
              `Rate limit exceeded the maximum. [${allowed}] requests for [60] seconds`,
              correlationId,
              [],
              { limit: { key: 'token.rate.per.minute', namespace: 'platform.api', value: allowed } }
            )
          },
          { 'Retry-After': String(resetSeconds), ...limitHeaders }
        );
      }
    }

    const httpError = org.faults.take('http-error', (s) => !s.afterProcessing && requestFaultMatches(s, matched, ctx));
    const errorReply = (f: FaultRecord<'http-error'>): Reply => ({
      status: f.spec.status,
      body:
        f.spec.body ??
        errorBody(
          f.spec.status,
          f.spec.status >= 500 ? 'internal.server.error' : 'bad.request',
          `Injected HTTP ${f.spec.status} (emulator fault).`,
          correlationId
        )
    });
    if (httpError) return reply(errorReply(httpError), limitHeaders);

    let result: Reply;
    try {
      result = await matched.handler(ctx);
    } catch (err) {
      const e =
        err instanceof ApiError
          ? err
          : new ApiError(500, 'internal.server.error', `Emulator error: ${(err as Error).message}`);
      result = { status: e.status, body: errorBody(e.status, e.code, e.message, correlationId, e.details) };
    }

    const late = org.faults.take('http-error', (s) => s.afterProcessing && requestFaultMatches(s, matched, ctx));
    if (late) result = errorReply(late);
    if (result.status < 400 && result.raw === undefined) {
      const bad = org.faults.take('malformed-response', (s) => requestFaultMatches(s, matched, ctx));
      if (bad) result = malform(result, bad.spec.mode);
    }
    if (resetFault('after-processing')) {
      record.status = result.status;
      return reset();
    }
    reply(result, limitHeaders);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE });
        res.end(
          JSON.stringify({
            message: `Emulator error: ${(err as Error).message}`,
            code: 'internal.server.error',
            status: 500
          })
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl,
    port,
    clientId,
    clientSecret,
    org,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    state,
    counts,
    requests: () => [...log],
    mutatingRequests: () => log.filter((r) => r.mutating),
    resetRequests: () => {
      log = [];
    },
    issuedTokens: () => [...tokens.keys()],
    addFault: (fault) => org.addFault(fault),
    clearFaults: () => org.faults.clear()
  };
}

/** Architect's configuration document is internal JSON; this one carries the parsed flow so it is stable per version. */
function configurationJson(flow: FlowRecord, version: VersionRecord) {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description ?? '',
    type: flow.type.toUpperCase(),
    version: version.id,
    generationId: version.sha256.slice(0, 12),
    contentSha256: version.sha256,
    manifest: { flowType: flow.type.toUpperCase(), archyYamlLength: version.yaml.length },
    variables: version.variables
  };
}
