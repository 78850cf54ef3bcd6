// GenesysApi over HTTP: the one class callers construct. It wires the HTTP layer (http.ts), the token provider
// (auth.ts) and the authenticated, schema-checked REST plumbing (rest.ts), and delegates each endpoint to the typed
// functions in flows.ts, jobs.ts and executions.ts. Every response is checked with the zod schemas in models.ts; a
// body that does not match is a GenesysError of kind 'shape' naming the endpoint and the first problem.
import type { Clock } from '../common/clock.ts';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';
import type { ApiStats, ExportedFile, FlowsPage, GenesysApi, GenesysProbeApi } from './api.ts';
import { TokenProvider } from './auth.ts';
import * as executions from './executions.ts';
import * as flows from './flows.ts';
import { HttpClient } from './http.ts';
import type { HttpOptions } from './http.ts';
import * as jobs from './jobs.ts';
import type {
  ArchitectJobStateResponse,
  ExportJobStateResponse,
  Flow,
  FlowAggregateQueryResponse,
  FlowAggregationQuery,
  FlowExecutionLaunchResponse,
  FlowRuntimeExecution,
  FlowType,
  FlowVersion,
  Operation,
  RegisterArchitectJobResponse,
  RegisterJobResponse,
  ValidateJobStateResponse
} from './models.ts';
import { assertSafeUrl, resolveEndpoints } from './regions.ts';
import type { EndpointInput } from './regions.ts';
import { GenesysRest } from './rest.ts';

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

export class GenesysClient implements GenesysApi, GenesysProbeApi {
  readonly apiUrl: string;
  readonly loginUrl: string;
  private readonly http: HttpClient;
  private readonly rest: GenesysRest;
  private readonly auth: TokenProvider;

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
    const auth = new TokenProvider({
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
    this.auth = auth;
    this.rest = new GenesysRest({ apiUrl: this.apiUrl, http: this.http, auth, logger: options.logger });
  }

  stats(): ApiStats {
    return this.http.stats();
  }

  /** Closes the connection pool this client created (not an injected dispatcher). */
  close(): Promise<void> {
    return this.http.close();
  }

  // ---- read-only probes of the platform (command: doctor) ----

  listFlowsPage(page: { pageSize: number; pageNumber?: number }): Promise<FlowsPage> {
    return flows.listFlowsPage(this.rest, page);
  }

  lastResponseHeaders(): Record<string, string> | undefined {
    return this.rest.lastResponseHeaders();
  }

  tokenLifetimeSeconds(): number | undefined {
    return this.auth.lastLifetimeSeconds();
  }

  // ---- flows (flows.ts) ----

  getOrganization(): Promise<{ id: string; name?: string }> {
    return flows.getOrganization(this.rest);
  }

  findFlowsByName(name: string, type: FlowType): Promise<Flow[]> {
    return flows.findFlowsByName(this.rest, name, type);
  }

  listFlows(type?: FlowType): Promise<Flow[]> {
    return flows.listFlows(this.rest, type);
  }

  getFlow(flowId: string): Promise<Flow> {
    return flows.getFlow(this.rest, flowId);
  }

  listFlowVersions(flowId: string): Promise<FlowVersion[]> {
    return flows.listFlowVersions(this.rest, flowId);
  }

  getFlowVersion(flowId: string, versionId: string): Promise<FlowVersion> {
    return flows.getFlowVersion(this.rest, flowId, versionId);
  }

  getFlowVersionConfiguration(flowId: string, versionId: string): Promise<unknown> {
    return flows.getFlowVersionConfiguration(this.rest, flowId, versionId);
  }

  publishFlow(flowId: string, version?: string): Promise<Operation> {
    return flows.publishFlow(this.rest, flowId, version);
  }

  unlockFlow(flowId: string): Promise<Flow> {
    return flows.unlockFlow(this.rest, flowId);
  }

  deleteFlow(flowId: string): Promise<void> {
    return flows.deleteFlow(this.rest, flowId);
  }

  // ---- Architect, export and validate jobs (jobs.ts) ----

  registerArchitectJob(): Promise<RegisterArchitectJobResponse> {
    return jobs.registerArchitectJob(this.rest);
  }

  uploadArchitectJobFile(job: RegisterArchitectJobResponse, yaml: string): Promise<void> {
    return jobs.uploadArchitectJobFile(this.rest, job, yaml);
  }

  getArchitectJob(jobId: string): Promise<ArchitectJobStateResponse> {
    return jobs.getArchitectJob(this.rest, jobId);
  }

  registerExportJob(flows: { flowId: string; version: string }[]): Promise<RegisterJobResponse> {
    return jobs.registerExportJob(this.rest, flows);
  }

  getExportJob(jobId: string): Promise<ExportJobStateResponse> {
    return jobs.getExportJob(this.rest, jobId);
  }

  downloadExport(downloadUrl: string): Promise<ExportedFile[]> {
    return jobs.downloadExport(this.rest, downloadUrl);
  }

  registerValidateJob(flows: { flowId: string; version?: string }[]): Promise<RegisterJobResponse> {
    return jobs.registerValidateJob(this.rest, flows);
  }

  getValidateJob(jobId: string): Promise<ValidateJobStateResponse> {
    return jobs.getValidateJob(this.rest, jobId);
  }

  // ---- executions and analytics (executions.ts) ----

  launchExecution(req: {
    flowId: string;
    flowVersion?: string;
    inputData?: Record<string, unknown>;
    name?: string;
  }): Promise<FlowExecutionLaunchResponse> {
    return executions.launchExecution(this.rest, req);
  }

  getExecution(executionId: string): Promise<FlowRuntimeExecution> {
    return executions.getExecution(this.rest, executionId);
  }

  queryFlowAggregates(query: FlowAggregationQuery): Promise<FlowAggregateQueryResponse> {
    return executions.queryFlowAggregates(this.rest, query);
  }
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
