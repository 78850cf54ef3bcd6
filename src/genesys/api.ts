// The contract between the release engine and Genesys Cloud. `GenesysClient` (client.ts) implements it over HTTP;
// tests may implement it in memory. Every method validates its response with the zod schemas in models.ts and throws
// a GenesysError (errors.ts) on any failure, so callers never see an unchecked shape.
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

export interface ApiStats {
  /** Requests sent (each attempt counts), by `METHOD /path-template`, e.g. `GET /api/v2/flows/{id}`. */
  calls: number;
  callsByEndpoint: Record<string, number>;
  /** Attempts that were retries of an earlier attempt. */
  retries: number;
  /** 429 responses received. */
  throttled: number;
}

export interface ExportedFile {
  fileName: string;
  content: string;
}

export interface GenesysApi {
  /** GET /api/v2/organizations/me — the org id is what keys the release ledger, never the region or URL. */
  getOrganization(): Promise<{ id: string; name?: string }>;

  /** GET /api/v2/flows?name=&type= (all pages), filtered again to exact name (and type). */
  findFlowsByName(name: string, type: FlowType): Promise<Flow[]>;
  /** GET /api/v2/flows?type= (all pages) — one listing for many lookups. */
  listFlows(type?: FlowType): Promise<Flow[]>;
  getFlow(flowId: string): Promise<Flow>;
  listFlowVersions(flowId: string): Promise<FlowVersion[]>;
  getFlowVersion(flowId: string, versionId: string): Promise<FlowVersion>;
  getFlowVersionConfiguration(flowId: string, versionId: string): Promise<unknown>;
  /** POST /api/v2/flows/actions/publish?flow=&version= — asynchronous; poll getFlow().currentOperation. */
  publishFlow(flowId: string, version?: string): Promise<Operation>;
  /** POST /api/v2/flows/actions/unlock?flow= */
  unlockFlow(flowId: string): Promise<Flow>;
  deleteFlow(flowId: string): Promise<void>;

  /** POST /api/v2/flows/jobs */
  registerArchitectJob(): Promise<RegisterArchitectJobResponse>;
  /** PUT to the presigned URL with exactly `headers`, no Authorization. Anything but 200 throws. */
  uploadArchitectJobFile(job: RegisterArchitectJobResponse, yaml: string): Promise<void>;
  /** GET /api/v2/flows/jobs/{jobId}?expand=messages */
  getArchitectJob(jobId: string): Promise<ArchitectJobStateResponse>;

  /** POST /api/v2/flows/export/jobs with exportType Yaml and explicit version ids. */
  registerExportJob(flows: { flowId: string; version: string }[]): Promise<RegisterJobResponse>;
  getExportJob(jobId: string): Promise<ExportJobStateResponse>;
  /** Plain GET of the download URL (no Authorization); a zip is unpacked into its files. */
  downloadExport(downloadUrl: string): Promise<ExportedFile[]>;

  /** POST /api/v2/flows/validate/jobs */
  registerValidateJob(flows: { flowId: string; version?: string }[]): Promise<RegisterJobResponse>;
  getValidateJob(jobId: string): Promise<ValidateJobStateResponse>;

  /** POST /api/v2/flows/executions */
  launchExecution(req: {
    flowId: string;
    flowVersion?: string;
    inputData?: Record<string, unknown>;
    name?: string;
  }): Promise<FlowExecutionLaunchResponse>;
  getExecution(executionId: string): Promise<FlowRuntimeExecution>;

  /** POST /api/v2/analytics/flows/aggregates/query */
  queryFlowAggregates(query: FlowAggregationQuery): Promise<FlowAggregateQueryResponse>;

  stats(): ApiStats;
}

/** Read-only looks at the platform itself, for `command: doctor` (the release engine never needs them). */
export interface GenesysProbeApi {
  /** One page of GET /api/v2/flows exactly as the server answers it. */
  listFlowsPage(page: { pageSize: number; pageNumber?: number }): Promise<FlowsPage>;
  /** Headers of the last successful API response (lower-case names). */
  lastResponseHeaders(): Record<string, string> | undefined;
  /** `expires_in` of the last token issued, in seconds (undefined before the first call). */
  tokenLifetimeSeconds(): number | undefined;
}

export interface FlowsPage {
  entities: Flow[];
  pageNumber?: number;
  pageSize?: number;
  total?: number;
  pageCount?: number;
}
