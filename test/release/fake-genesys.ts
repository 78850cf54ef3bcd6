// An in-memory Genesys Cloud org for the release engine's tests: flows with versions, Architect/export/validate jobs
// that finish after N polls, publish operations, executions, analytics aggregates, locks and injectable faults.
import { parse } from 'yaml';
import type { ApiStats, ExportedFile, GenesysApi } from '../../src/genesys/api.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import type {
  ArchitectJobMessage,
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
} from '../../src/genesys/models.ts';

export interface FakeFlow {
  id: string;
  name: string;
  type: FlowType;
  versions: Map<string, string>;
  published?: string;
  checkedIn?: string;
  lockedUser?: { id: string; name: string };
  deleted?: boolean;
  op?: Operation & { pollsLeft: number; version: string };
  nextVersion: number;
  /** Version metadata by version id (who created it, when it was published); absent → the version names no creator. */
  meta?: Map<string, Pick<FlowVersion, 'createdBy' | 'createdByClient' | 'datePublished'>>;
}

interface ArchitectJob {
  id: string;
  yaml?: string;
  status: 'Registered' | 'Started' | 'Success' | 'Failure';
  pollsLeft: number;
  flowId?: string;
  messages: ArchitectJobMessage[];
  stuck?: boolean;
}

/** `no-new-version`: the job reports Success but publishes nothing. */
export type JobFault = 'stuck' | 'no-new-version' | { fail: string } | undefined;

export interface FakeFaults {
  /** Decide the fate of an Architect job for a flow; `nth` counts jobs for that flow name (1-based). */
  architectJob?: (flowName: string, nth: number, yaml: string) => JobFault;
  /** Apply the upload, then throw an outcome-unknown error (the response was lost). */
  uploadOutcomeUnknown?: (flowName: string) => boolean;
  /** Apply actions/publish, then throw an outcome-unknown error. */
  publishOutcomeUnknown?: boolean;
  exportFails?: boolean;
  validateMessages?: (flowId: string) => ArchitectJobMessage[];
  /** Execution result by flow and version. */
  execution?: (
    flow: FakeFlow,
    version: string,
    input: Record<string, unknown> | undefined
  ) => {
    status: FlowRuntimeExecution['status'];
    outputData?: Record<string, unknown>;
  };
  /** Aggregates by flow and version; undefined → no data for that version. */
  aggregates?: (flow: FakeFlow, version: string) => { outcomes: number; failed: number } | undefined;
  /** Every aggregates query fails with a 503. */
  aggregatesFail?: boolean;
  /** Transform exports (e.g. to break rollback verification). */
  exportContent?: (flow: FakeFlow, version: string, content: string) => string;
}

/** The fake's own reading of Archy keys (case-sensitive, as real Archy writes them). */
const TYPE_KEYS: Record<string, FlowType> = {
  inboundCall: 'inboundcall',
  workflow: 'workflow',
  inboundChat: 'inboundchat',
  botFlow: 'bot',
  inqueueCall: 'inqueuecall'
};

export const MUTATING = new Set([
  'publishFlow',
  'unlockFlow',
  'deleteFlow',
  'registerArchitectJob',
  'uploadArchitectJobFile',
  'launchExecution'
]);

interface FilterNode {
  predicates?: { dimension: string; value: string }[];
  clauses?: FilterNode[];
}

/** The flow ids a filter names, in its predicates and (nested) clauses. */
export function queriedFlowIds(filter: FilterNode): string[] {
  const ids = (filter.predicates ?? []).filter((p) => p.dimension === 'flowId').map((p) => p.value);
  for (const c of filter.clauses ?? []) ids.push(...queriedFlowIds(c));
  return [...new Set(ids)];
}

function notFound(what: string): GenesysError {
  return new GenesysError({ kind: 'http', status: 404, message: `${what} not found`, code: 'not.found' });
}

export class FakeGenesys implements GenesysApi {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly flows = new Map<string, FakeFlow>();
  readonly faults: FakeFaults = {};
  readonly aggregateQueries: FlowAggregationQuery[] = [];
  readonly launches: { flowId: string; flowVersion?: string; inputData?: Record<string, unknown> }[] = [];
  /** The OAuth client the engine logs in with: versions its jobs create name it as createdByClient. */
  clientId = 'fake-client';
  /** Versions the jobs create name no creator (neither createdByClient nor createdBy): the identity fallback. */
  anonymousVersions = false;
  /** The org's clock for datePublished (the harness points it at the FakeClock). */
  now: () => number = () => Date.now();
  jobPolls = 2;
  opPolls = 2;
  execPolls = 1;
  inFlightJobs = 0;
  maxInFlightJobs = 0;
  private seq = 0;
  private readonly jobs = new Map<string, ArchitectJob>();
  private readonly jobsPerFlow = new Map<string, number>();
  private readonly exportJobs = new Map<
    string,
    { pollsLeft: number; flows: { flowId: string; version: string }[]; failed?: string }
  >();
  private readonly validateJobs = new Map<string, { pollsLeft: number; flows: { flowId: string }[] }>();
  private readonly executions = new Map<
    string,
    { flowId: string; version: string; input?: Record<string, unknown>; pollsLeft: number }
  >();

  private nextId(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  mutatingCalls(): string[] {
    return this.calls.filter((c) => MUTATING.has(c.method)).map((c) => c.method);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  addFlow(init: {
    name: string;
    type: FlowType;
    content?: string;
    checkedIn?: string;
    lockedBy?: string;
    unpublished?: boolean;
  }): FakeFlow {
    const f: FakeFlow = {
      id: this.nextId('flow'),
      name: init.name,
      type: init.type,
      versions: new Map(),
      nextVersion: 1,
      lockedUser: init.lockedBy ? { id: 'user-1', name: init.lockedBy } : undefined
    };
    if (!init.unpublished) {
      const v = `${f.nextVersion++}.0`;
      f.versions.set(v, init.content ?? `${init.type}:\n  name: ${init.name}\n`);
      f.published = v;
      f.meta = new Map([
        [
          v,
          {
            createdBy: { id: 'user-admin', name: 'Architect Admin' },
            datePublished: new Date(this.now() - 86_400_000).toISOString()
          }
        ]
      ]);
    }
    if (init.checkedIn !== undefined) {
      const v = `${f.nextVersion++}.0`;
      f.versions.set(v, init.checkedIn);
      f.checkedIn = v;
    }
    this.flows.set(f.id, f);
    return f;
  }

  byName(name: string): FakeFlow | undefined {
    return [...this.flows.values()].find((f) => f.name === name && !f.deleted);
  }

  publishedContent(name: string): string | undefined {
    const f = this.byName(name);
    return f?.published ? f.versions.get(f.published) : undefined;
  }

  private toFlow(f: FakeFlow): Flow {
    const ver = (id?: string): FlowVersion | undefined => (id ? { id, ...f.meta?.get(id) } : undefined);
    return {
      id: f.id,
      name: f.name,
      type: f.type.toUpperCase(),
      deleted: f.deleted,
      lockedUser: f.lockedUser,
      publishedVersion: ver(f.published),
      checkedInVersion: ver(f.checkedIn ?? f.published),
      currentOperation: f.op
        ? {
            id: f.op.id,
            actionName: f.op.actionName,
            actionStatus: f.op.actionStatus,
            complete: f.op.complete,
            errorMessage: f.op.errorMessage
          }
        : undefined
    };
  }

  private live(flowId: string): FakeFlow {
    const f = this.flows.get(flowId);
    if (!f || f.deleted) throw notFound(`flow ${flowId}`);
    return f;
  }

  org = { id: 'org-fake-1', name: 'Fake Org' };
  async getOrganization(): Promise<{ id: string; name?: string }> {
    this.record('getOrganization');
    return { ...this.org };
  }

  async findFlowsByName(name: string, type: FlowType): Promise<Flow[]> {
    this.record('findFlowsByName', name, type);
    return [...this.flows.values()]
      .filter((f) => !f.deleted && f.name === name && f.type === type)
      .map((f) => this.toFlow(f));
  }

  async listFlows(type?: FlowType): Promise<Flow[]> {
    this.record('listFlows', type);
    return [...this.flows.values()].filter((f) => !f.deleted && (!type || f.type === type)).map((f) => this.toFlow(f));
  }

  async getFlow(flowId: string): Promise<Flow> {
    this.record('getFlow', flowId);
    const f = this.live(flowId);
    if (f.op && !f.op.complete) {
      if (--f.op.pollsLeft <= 0) {
        f.op.complete = true;
        if (f.versions.has(f.op.version)) {
          f.published = f.op.version;
          f.op.actionStatus = 'SUCCESS';
        } else {
          f.op.actionStatus = 'FAILURE';
          f.op.errorMessage = `version ${f.op.version} does not exist`;
        }
      }
    }
    return this.toFlow(f);
  }

  async listFlowVersions(flowId: string): Promise<FlowVersion[]> {
    this.record('listFlowVersions', flowId);
    return [...this.live(flowId).versions.keys()].map((id) => ({ id }));
  }

  async getFlowVersion(flowId: string, versionId: string): Promise<FlowVersion> {
    this.record('getFlowVersion', flowId, versionId);
    const f = this.live(flowId);
    if (!f.versions.has(versionId)) throw notFound(`version ${versionId}`);
    return { id: versionId, ...f.meta?.get(versionId) };
  }

  async getFlowVersionConfiguration(flowId: string, versionId: string): Promise<unknown> {
    this.record('getFlowVersionConfiguration', flowId, versionId);
    return {};
  }

  async publishFlow(flowId: string, version?: string): Promise<Operation> {
    this.record('publishFlow', flowId, version);
    const f = this.live(flowId);
    const v = version ?? f.checkedIn ?? '';
    f.op = {
      id: this.nextId('op'),
      actionName: 'PUBLISH',
      actionStatus: 'STARTED',
      complete: false,
      pollsLeft: this.opPolls,
      version: v
    };
    if (this.faults.publishOutcomeUnknown) {
      throw new GenesysError({
        kind: 'network',
        message: 'socket hang up',
        method: 'POST',
        path: '/api/v2/flows/actions/publish',
        outcomeUnknown: true
      });
    }
    return { id: f.op.id, actionName: 'PUBLISH', actionStatus: 'STARTED', complete: false };
  }

  async unlockFlow(flowId: string): Promise<Flow> {
    this.record('unlockFlow', flowId);
    const f = this.live(flowId);
    f.lockedUser = undefined;
    return this.toFlow(f);
  }

  async deleteFlow(flowId: string): Promise<void> {
    this.record('deleteFlow', flowId);
    this.live(flowId).deleted = true;
  }

  async registerArchitectJob(): Promise<RegisterArchitectJobResponse> {
    this.record('registerArchitectJob');
    const id = this.nextId('job');
    this.jobs.set(id, { id, status: 'Registered', pollsLeft: this.jobPolls, messages: [] });
    return { id, presignedUrl: `https://upload.fake/${id}`, headers: { 'x-amz-meta-id': id } };
  }

  async uploadArchitectJobFile(job: RegisterArchitectJobResponse, yaml: string): Promise<void> {
    this.record('uploadArchitectJobFile', job.id);
    const j = this.jobs.get(job.id);
    if (!j) throw new GenesysError({ kind: 'http', status: 403, message: 'presigned URL expired' });
    j.yaml = yaml;
    j.status = 'Started';
    this.inFlightJobs++;
    this.maxInFlightJobs = Math.max(this.maxInFlightJobs, this.inFlightJobs);
    const name = this.identity(yaml)?.name ?? '';
    if (this.faults.uploadOutcomeUnknown?.(name)) {
      throw new GenesysError({ kind: 'network', message: 'connection reset', method: 'PUT', outcomeUnknown: true });
    }
  }

  private identity(yaml: string): { type: FlowType; name: string } | undefined {
    const doc = parse(yaml) as Record<string, { name?: string }>;
    const [key, body] = Object.entries(doc)[0] ?? [];
    const type = key && Object.hasOwn(TYPE_KEYS, key) ? TYPE_KEYS[key] : undefined;
    return type && body?.name ? { type, name: body.name } : undefined;
  }

  async getArchitectJob(jobId: string): Promise<ArchitectJobStateResponse> {
    this.record('getArchitectJob', jobId);
    const j = this.jobs.get(jobId);
    if (!j) throw notFound(`job ${jobId}`);
    if (j.status === 'Started' && !j.stuck && --j.pollsLeft <= 0) this.runJob(j);
    return {
      id: j.id,
      status: j.status,
      command: 'Publish',
      flow: j.flowId ? { id: j.flowId } : undefined,
      messages: j.messages
    };
  }

  private runJob(j: ArchitectJob): void {
    const yaml = j.yaml ?? '';
    const id = this.identity(yaml);
    const finish = (status: 'Success' | 'Failure') => {
      j.status = status;
      this.inFlightJobs--;
    };
    if (!id) {
      j.messages.push({ type: 'Error', text: 'could not determine the flow type and name' });
      return finish('Failure');
    }
    const nth = (this.jobsPerFlow.get(id.name) ?? 0) + 1;
    this.jobsPerFlow.set(id.name, nth);
    const fault = this.faults.architectJob?.(id.name, nth, yaml);
    if (fault === 'stuck') {
      j.stuck = true;
      return;
    }
    if (fault === 'no-new-version') {
      j.flowId = [...this.flows.values()].find((x) => !x.deleted && x.name === id.name && x.type === id.type)?.id;
      return finish('Success');
    }
    if (fault) {
      j.messages.push({ type: 'Error', text: fault.fail });
      return finish('Failure');
    }
    let f = [...this.flows.values()].find((x) => !x.deleted && x.name === id.name && x.type === id.type);
    if (!f) {
      f = { id: this.nextId('flow'), name: id.name, type: id.type, versions: new Map(), nextVersion: 1 };
      this.flows.set(f.id, f);
    }
    const v = `${f.nextVersion++}.0`;
    // The org stores the flow, not the bytes: line endings do not survive.
    f.versions.set(v, yaml.replace(/\r\n?/g, '\n'));
    (f.meta ??= new Map()).set(v, {
      createdByClient: this.anonymousVersions ? undefined : { id: this.clientId },
      datePublished: new Date(this.now()).toISOString()
    });
    f.published = v;
    f.checkedIn = v;
    j.flowId = f.id;
    finish('Success');
  }

  async registerExportJob(flows: { flowId: string; version: string }[]): Promise<RegisterJobResponse> {
    this.record('registerExportJob', flows);
    const id = this.nextId('export');
    const missing = flows.find((x) => !this.flows.get(x.flowId)?.versions.has(x.version));
    this.exportJobs.set(id, {
      pollsLeft: this.jobPolls,
      flows,
      failed: this.faults.exportFails
        ? 'export service unavailable'
        : missing
          ? `version ${missing.version} of ${missing.flowId} not found`
          : undefined
    });
    return { id, status: 'Registered', totalFlows: flows.length };
  }

  async getExportJob(jobId: string): Promise<ExportJobStateResponse> {
    this.record('getExportJob', jobId);
    const j = this.exportJobs.get(jobId);
    if (!j) throw notFound(`export job ${jobId}`);
    if (--j.pollsLeft > 0) return { id: jobId, status: 'Started' };
    if (j.failed) return { id: jobId, status: 'Failure', messages: [{ type: 'Error', text: j.failed }] };
    return { id: jobId, status: 'Success', downloadUrl: `https://download.fake/${jobId}` };
  }

  async downloadExport(downloadUrl: string): Promise<ExportedFile[]> {
    this.record('downloadExport', downloadUrl);
    const j = this.exportJobs.get(downloadUrl.split('/').pop() ?? '');
    if (!j) throw notFound(downloadUrl);
    // Several flows: list them in reverse so that matching by position would be wrong.
    return [...j.flows].reverse().map(({ flowId, version }) => {
      const f = this.flows.get(flowId)!;
      let content = `# Exported by fake Architect at ${new Date().toISOString()}\r\n${(f.versions.get(version) ?? '').replace(/\n/g, '\r\n')}`;
      if (this.faults.exportContent) content = this.faults.exportContent(f, version, content);
      return { fileName: `${f.name.replace(/\W+/g, '_')}_${version}.yaml`, content };
    });
  }

  async registerValidateJob(flows: { flowId: string; version?: string }[]): Promise<RegisterJobResponse> {
    this.record('registerValidateJob', flows);
    const id = this.nextId('validate');
    this.validateJobs.set(id, { pollsLeft: this.jobPolls, flows });
    return { id, status: 'Registered', totalFlows: flows.length };
  }

  async getValidateJob(jobId: string): Promise<ValidateJobStateResponse> {
    this.record('getValidateJob', jobId);
    const j = this.validateJobs.get(jobId);
    if (!j) throw notFound(`validate job ${jobId}`);
    if (--j.pollsLeft > 0) return { id: jobId, status: 'Started' };
    const messages = j.flows.flatMap((f) => this.faults.validateMessages?.(f.flowId) ?? []);
    return { id: jobId, status: 'Success', messages };
  }

  async launchExecution(req: {
    flowId: string;
    flowVersion?: string;
    inputData?: Record<string, unknown>;
    name?: string;
  }): Promise<FlowExecutionLaunchResponse> {
    this.record('launchExecution', req);
    const f = this.live(req.flowId);
    const version = req.flowVersion ?? f.published ?? '';
    this.launches.push(req);
    const id = this.nextId('exec');
    this.executions.set(id, { flowId: f.id, version, input: req.inputData, pollsLeft: this.execPolls });
    return { id, name: req.name, flowVersion: { id: version } };
  }

  async getExecution(executionId: string): Promise<FlowRuntimeExecution> {
    this.record('getExecution', executionId);
    const e = this.executions.get(executionId);
    if (!e) throw notFound(`execution ${executionId}`);
    if (e.pollsLeft-- > 0) return { id: executionId, status: 'RUNNING', flowVersion: { id: e.version } };
    const f = this.flows.get(e.flowId)!;
    const r = this.faults.execution?.(f, e.version, e.input) ?? { status: 'COMPLETED', outputData: { ok: true } };
    return { id: executionId, status: r.status, flowVersion: { id: e.version }, outputData: r.outputData };
  }

  async queryFlowAggregates(query: FlowAggregationQuery): Promise<FlowAggregateQueryResponse> {
    this.record('queryFlowAggregates', query);
    this.aggregateQueries.push(query);
    if (this.faults.aggregatesFail) throw new GenesysError({ kind: 'http', status: 503, message: 'analytics down' });
    const byFlowId = query.groupBy?.includes('flowId') === true;
    const results = queriedFlowIds(query.filter).flatMap((flowId) => {
      const f = this.flows.get(flowId);
      if (!f) return [];
      return [...f.versions.keys()].flatMap((v) => {
        const d = this.faults.aggregates?.(f, v);
        if (!d) return [];
        const group: Record<string, string> = byFlowId ? { flowId: f.id, flowVersion: v } : { flowVersion: v };
        return [
          {
            group,
            data: [
              {
                interval: query.interval,
                metrics: [
                  { metric: 'nFlowOutcome' as const, stats: { count: d.outcomes } },
                  { metric: 'nFlowOutcomeFailed' as const, stats: { count: d.failed } }
                ]
              }
            ]
          }
        ];
      });
    });
    return results.length ? { results } : {};
  }

  stats(): ApiStats {
    const callsByEndpoint: Record<string, number> = {};
    for (const c of this.calls) callsByEndpoint[c.method] = (callsByEndpoint[c.method] ?? 0) + 1;
    return { calls: this.calls.length, callsByEndpoint, retries: 0, throttled: 0 };
  }
}
