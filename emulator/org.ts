// The emulated Genesys Cloud org: flows with their version history and YAML, queues, data actions, and the
// asynchronous work (Architect jobs, export and validate jobs, publish operations, executions). Every state change is
// a function of the injected clock: `tick()` applies, in time order, whatever has become due, so a FakeClock that
// jumps forward sees exactly what a real org would show after that much time.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../src/clock.ts';
import { archyKeyForType, parseArchy } from './archy.ts';
import type { ArchyVariable, ParsedArchy } from './archy.ts';
import { FaultRegistry } from './faults.ts';
import type { FaultRecord } from './faults.ts';
import type { FaultSpec, Scenario, TrafficModel } from './scenario.ts';
import { ScenarioError } from './scenario.ts';
import { writeZip } from './zip.ts';

const DAY = 86_400_000;

export interface Named {
  id: string;
  name: string;
}

export interface VersionRecord {
  id: string;
  number: number;
  type: 'PUBLISH' | 'CHECKIN';
  yaml: string;
  sha256: string;
  dateCreated: number;
  datePublished?: number;
  datePublishedEnd?: number;
  createdBy?: Named;
  createdByClient?: string;
  /** Traffic while this version is published (a snapshot: faults added later do not rewrite history). */
  traffic?: TrafficModel;
  variables: ArchyVariable[];
}

export interface OperationRecord {
  id: string;
  actionName: 'PUBLISH';
  actionStatus: 'STARTED' | 'SUCCESS' | 'FAILURE';
  complete: boolean;
  clientId: string;
  errorMessage?: string;
  errorCode?: string;
}

export interface PublishRecord {
  version: string;
  at: number;
  source: string;
  sha256: string;
  /** The same content as the version it replaced (a re-sent publish). */
  duplicate: boolean;
}

export interface FlowRecord {
  id: string;
  name: string;
  type: string;
  description?: string;
  division: Named;
  deleted: boolean;
  versions: VersionRecord[];
  publishedVersionId?: string;
  checkedInVersionId?: string;
  lockedUser?: Named;
  currentOperation?: OperationRecord;
  traffic?: TrafficModel;
  executionOutput: Record<string, unknown>;
  publishes: PublishRecord[];
}

export interface JobMessage {
  dateTime: string;
  type: 'Error' | 'Warning';
  text: string;
  details: unknown[];
}

interface Pending {
  seq: number;
  dueAt?: number;
  done: boolean;
}

export interface ArchitectJob extends Pending {
  kind: 'architect';
  id: string;
  registeredAt: number;
  uploadKey: string;
  headers: Record<string, string>;
  uploadedAt?: number;
  yaml?: string;
  latencyMs: number;
  stuck: boolean;
  failureMessage?: string;
  status?: 'Success' | 'Failure';
  flowId?: string;
  messages: JobMessage[];
}

export interface ExportRequest {
  flowId?: string;
  version?: string;
  fileName?: string;
  exportType?: string;
}

export interface ExportJob extends Pending {
  kind: 'export';
  id: string;
  registeredAt: number;
  latencyMs: number;
  requests: ExportRequest[];
  downloadKey: string;
  status?: 'Success' | 'Failure';
  messages: JobMessage[];
  download?: { contentType: string; fileName: string; body: Buffer };
}

export interface ValidateJob extends Pending {
  kind: 'validate';
  id: string;
  registeredAt: number;
  latencyMs: number;
  requests: { id?: string; name?: string; type?: string; version?: string }[];
  status?: 'Success' | 'Failure';
  messages: JobMessage[];
}

interface PublishOperation extends Pending {
  kind: 'publish';
  flowId: string;
  operation: OperationRecord;
  version?: string;
  failureMessage?: string;
}

export interface Execution {
  id: string;
  name: string;
  flowId: string;
  flowVersion: string;
  launchedAt: number;
  completesAt: number;
  outcome: { status: 'COMPLETED'; outputData: Record<string, unknown> } | { status: 'FAILED'; message: string };
}

/** An error the API answers with a Genesys error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>[];
  constructor(status: number, code: string, message: string, details: Record<string, unknown>[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

export class Org {
  readonly faults = new FaultRegistry();
  readonly divisions: Named[];
  readonly queues: Named[];
  readonly dataActions: Named[];
  readonly flows: FlowRecord[] = [];
  readonly architectJobs = new Map<string, ArchitectJob>();
  readonly exportJobs = new Map<string, ExportJob>();
  readonly validateJobs = new Map<string, ValidateJob>();
  readonly executions = new Map<string, Execution>();
  private readonly operations: PublishOperation[] = [];
  /** Publishes per flow name (lowercase), including flows that were deleted: `unhealthy` counts from here. */
  private readonly publishCountByName = new Map<string, number>();
  private seq = 0;
  readonly clock: Clock;
  readonly clientId: string;
  scenario: Scenario;

  constructor(scenario: Scenario, clock: Clock, clientId: string) {
    this.scenario = scenario;
    this.clock = clock;
    this.clientId = clientId;
    const toNamed = (v: string | { name: string; id?: string | undefined }): Named =>
      typeof v === 'string' ? { id: randomUUID(), name: v } : { id: v.id ?? randomUUID(), name: v.name };
    this.divisions = scenario.divisions.map(toNamed);
    if (this.divisions.length === 0) this.divisions.push({ id: randomUUID(), name: 'Home' });
    this.queues = scenario.queues.map(toNamed);
    this.dataActions = scenario.dataActions.map(toNamed);
    this.seedFlows();
    for (const fault of scenario.faults) this.addFault(fault);
  }

  private seedFlows(): void {
    const now = this.clock.now();
    const admin: Named = { id: randomUUID(), name: 'Architect Admin' };
    this.scenario.flows.forEach((seed, index) => {
      const key = archyKeyForType(seed.type);
      if (!key) {
        throw new ScenarioError(
          `Invalid emulator scenario: flows.${index}.type: unknown flow type '${seed.type}'. ` +
            `Valid types: inboundcall, inboundchat, inboundemail, inboundshortmessage, inqueuecall, outboundcall, ` +
            `workflow, commonmodule, bot, digitalbot, ...`
        );
      }
      const flow: FlowRecord = {
        id: seed.id ?? randomUUID(),
        name: seed.name,
        type: seed.type,
        ...(seed.description !== undefined ? { description: seed.description } : {}),
        division: this.divisions[0] as Named,
        deleted: false,
        versions: [],
        ...(seed.traffic ? { traffic: seed.traffic } : {}),
        executionOutput: seed.execution?.output ?? {},
        publishes: [],
        ...(seed.lockedBy ? { lockedUser: { id: randomUUID(), name: seed.lockedBy } } : {})
      };
      const sources = Array.isArray(seed.versions)
        ? seed.versions
        : Array.from({ length: seed.versions }, () => ({ yaml: undefined, publishedAt: undefined }));
      const check = (yaml: string, where: string) => {
        const parsed = parseArchy(yaml);
        if (!parsed.ok) throw new ScenarioError(`Invalid emulator scenario: ${where}: ${parsed.errors.join(' ')}`);
        if (parsed.flow.type !== seed.type || parsed.flow.name !== seed.name) {
          throw new ScenarioError(
            `Invalid emulator scenario: ${where}: the YAML defines ${parsed.flow.key} '${parsed.flow.name}' ` +
              `but the entry is ${seed.type} '${seed.name}'`
          );
        }
        return parsed.flow;
      };
      sources.forEach((source, i) => {
        const yaml = source.yaml ?? defaultYaml(key, seed.name, i + 1);
        const parsed = check(yaml, `flows.${index}.versions.${i}`);
        const publishedAt = source.publishedAt ? Date.parse(source.publishedAt) : now - (sources.length - i) * DAY;
        const previous = flow.versions.at(-1);
        if (previous) previous.datePublishedEnd = publishedAt;
        flow.versions.push({
          id: `${i + 1}.0`,
          number: i + 1,
          type: 'PUBLISH',
          yaml,
          sha256: sha256(yaml),
          dateCreated: publishedAt,
          datePublished: publishedAt,
          createdBy: admin,
          ...(seed.traffic ? { traffic: seed.traffic } : {}),
          variables: parsed.variables
        });
        flow.publishedVersionId = `${i + 1}.0`;
      });
      if (seed.draft) {
        const number = sources.length + 1;
        const yaml = seed.draft.yaml ?? defaultYaml(key, seed.name, number);
        const parsed = check(yaml, `flows.${index}.draft`);
        flow.versions.push({
          id: `${number}.0`,
          number,
          type: 'CHECKIN',
          yaml,
          sha256: sha256(yaml),
          dateCreated: now - DAY / 24,
          createdBy: admin,
          variables: parsed.variables
        });
        flow.checkedInVersionId = `${number}.0`;
      }
      this.flows.push(flow);
    });
  }

  // ---------------------------------------------------------------- faults

  addFault(input: unknown): FaultRecord {
    const probe = input as { kind?: unknown; flow?: unknown };
    const flowName = typeof probe.flow === 'string' ? probe.flow : undefined;
    const record = this.faults.add(
      input as FaultSpec,
      this.clock.now(),
      flowName ? (this.publishCountByName.get(flowName.toLowerCase()) ?? 0) : 0
    );
    if (record.spec.kind === 'locked') {
      const spec = record.spec;
      const flow = this.findFlowByName(spec.flow);
      if (!flow) throw new ScenarioError(`Invalid fault: locked: no flow named '${spec.flow}' in the org`);
      flow.lockedUser = { id: randomUUID(), name: spec.user };
      this.faults.consume(record);
    }
    return record;
  }

  private flowFaultMatches(spec: { flow?: string | undefined }, flowName: string | undefined): boolean {
    return spec.flow === undefined || (flowName !== undefined && spec.flow.toLowerCase() === flowName.toLowerCase());
  }

  // ---------------------------------------------------------------- lookup

  findFlowByName(name: string, includeDeleted = false): FlowRecord | undefined {
    const lower = name.toLowerCase();
    return this.flows.find((f) => (includeDeleted || !f.deleted) && f.name.toLowerCase() === lower);
  }

  getFlow(id: string, includeDeleted = false): FlowRecord {
    const flow = this.flows.find((f) => f.id === id && (includeDeleted || !f.deleted));
    if (!flow) throw new ApiError(404, 'not.found', `Flow ${id} not found.`, [{ errorCode: 'flow.not.found' }]);
    return flow;
  }

  getVersion(flow: FlowRecord, versionId: string): VersionRecord {
    const version = flow.versions.find((v) => v.id === versionId);
    if (!version) {
      throw new ApiError(404, 'not.found', `Version ${versionId} of flow ${flow.id} not found.`, [
        { errorCode: 'flow.version.not.found', entityId: flow.id }
      ]);
    }
    return version;
  }

  publishedVersion(flow: FlowRecord): VersionRecord | undefined {
    return flow.versions.find((v) => v.id === flow.publishedVersionId);
  }

  publishCount(name: string): number {
    return this.publishCountByName.get(name.toLowerCase()) ?? 0;
  }

  // ---------------------------------------------------------------- time

  /** Applies every pending transition that is due, oldest first. */
  tick(): void {
    const now = this.clock.now();
    const due: (Pending & { kind: string })[] = [
      ...this.architectJobs.values(),
      ...this.exportJobs.values(),
      ...this.validateJobs.values(),
      ...this.operations
    ].filter((p) => !p.done && p.dueAt !== undefined && p.dueAt <= now);
    due.sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0) || a.seq - b.seq);
    for (const item of due) {
      item.done = true;
      if (item.kind === 'architect') this.completeArchitectJob(item as ArchitectJob);
      else if (item.kind === 'export') this.completeExportJob(item as ExportJob);
      else if (item.kind === 'validate') this.completeValidateJob(item as ValidateJob);
      else if (item.kind === 'publish') this.completePublishOperation(item as PublishOperation);
    }
  }

  // ---------------------------------------------------------------- publishing

  private trafficFor(flow: FlowRecord): TrafficModel | undefined {
    const count = this.publishCount(flow.name); // already incremented for this publish
    for (const record of this.faults.active('unhealthy')) {
      const spec = record.spec;
      if (spec.flow.toLowerCase() !== flow.name.toLowerCase()) continue;
      const first = record.baseline + (spec.after === 'next-publish' ? 1 : spec.after);
      if (count >= first && count < first + spec.publishes) {
        record.fired += 1;
        return {
          perMinute: spec.perMinute ?? flow.traffic?.perMinute ?? 10,
          failureRatio: spec.failureRatio,
          initial: spec.initial ?? flow.traffic?.initial ?? 0
        };
      }
    }
    return flow.traffic;
  }

  /** Makes `version` (already in flow.versions) the published version at `at`. */
  private markPublished(flow: FlowRecord, version: VersionRecord, at: number, source: string): void {
    const previous = this.publishedVersion(flow);
    if (previous && previous !== version) previous.datePublishedEnd = at;
    const key = flow.name.toLowerCase();
    this.publishCountByName.set(key, (this.publishCountByName.get(key) ?? 0) + 1);
    version.type = 'PUBLISH';
    version.datePublished = at;
    delete version.datePublishedEnd;
    const traffic = this.trafficFor(flow);
    if (traffic) version.traffic = traffic;
    else delete version.traffic;
    flow.publishedVersionId = version.id;
    if (flow.checkedInVersionId === version.id) delete flow.checkedInVersionId;
    flow.publishes.push({
      version: version.id,
      at,
      source,
      sha256: version.sha256,
      duplicate: previous !== undefined && previous.sha256 === version.sha256
    });
  }

  private nextVersionNumber(flow: FlowRecord): number {
    return flow.versions.reduce((n, v) => Math.max(n, v.number), 0) + 1;
  }

  // ---------------------------------------------------------------- Architect jobs

  registerArchitectJob(): ArchitectJob {
    const job: ArchitectJob = {
      kind: 'architect',
      id: randomUUID(),
      seq: ++this.seq,
      done: false,
      registeredAt: this.clock.now(),
      uploadKey: randomUUID().replaceAll('-', ''),
      headers: {},
      latencyMs: this.scenario.latency.jobMs,
      stuck: false,
      messages: []
    };
    job.headers = {
      'Content-Type': 'application/octet-stream',
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-meta-job-id': job.id
    };
    this.architectJobs.set(job.id, job);
    return job;
  }

  /** The presigned upload. Faults are decided here, when the job has its content. */
  uploadArchitectJob(job: ArchitectJob, yaml: string): void {
    if (job.uploadedAt !== undefined) return; // the job already runs with the first file
    const now = this.clock.now();
    job.uploadedAt = now;
    job.yaml = yaml;
    const parsed = parseArchy(yaml);
    const flowName = parsed.ok ? parsed.flow.name : undefined;
    const latency = this.faults.take('job-latency', (s) => this.flowFaultMatches(s, flowName));
    if (latency) job.latencyMs = latency.spec.ms;
    if (this.faults.take('stuck-job', (s) => this.flowFaultMatches(s, flowName))) job.stuck = true;
    const failure = this.faults.take('job-failure', (s) => this.flowFaultMatches(s, flowName));
    if (failure) job.failureMessage = failure.spec.message;
    if (!job.stuck) job.dueAt = now + job.latencyMs;
  }

  architectJobStatus(job: ArchitectJob): 'Registered' | 'Started' | 'Success' | 'Failure' {
    if (job.status) return job.status;
    if (job.uploadedAt === undefined) return 'Registered';
    const elapsed = this.clock.now() - job.uploadedAt;
    return elapsed < Math.min(job.latencyMs * 0.2, 1000) && !job.stuck ? 'Registered' : 'Started';
  }

  /** The checks Archy and the org would make before publishing; empty when the file can be published. */
  checkAgainstOrg(parsed: ParsedArchy, self?: FlowRecord): string[] {
    const errors: string[] = [];
    for (const ref of parsed.references) {
      if (ref.kind === 'queue' && !this.queues.some((q) => q.name.toLowerCase() === ref.name.toLowerCase())) {
        errors.push(`Unable to find a queue named '${ref.name}'.`);
      } else if (
        ref.kind === 'dataAction' &&
        !this.dataActions.some((a) => a.name.toLowerCase() === ref.name.toLowerCase())
      ) {
        errors.push(`Unable to find a data action named '${ref.name}'.`);
      } else if (ref.kind === 'commonModule' || ref.kind === 'flow') {
        if (ref.name.toLowerCase() === parsed.name.toLowerCase()) continue;
        const target = this.findFlowByName(ref.name);
        if (!target || (ref.kind === 'commonModule' && target.type !== 'commonmodule')) {
          errors.push(
            ref.kind === 'commonModule'
              ? `Unable to find a common module named '${ref.name}'.`
              : `Unable to find a flow named '${ref.name}'.`
          );
        } else if (!target.publishedVersionId) {
          errors.push(`The flow '${ref.name}' referenced by '${parsed.name}' has no published version.`);
        }
      }
    }
    const division = parsed.body.division;
    if (typeof division === 'string' && !this.divisions.some((d) => d.name.toLowerCase() === division.toLowerCase())) {
      errors.push(`Unable to find a division named '${division}'.`);
    }
    if (self?.lockedUser) {
      errors.push(
        `Flow '${self.name}' is locked by user '${self.lockedUser.name}' and cannot be published. ` +
          `The user must check the flow in, or an administrator must unlock it.`
      );
    }
    return errors;
  }

  private completeArchitectJob(job: ArchitectJob): void {
    const at = job.dueAt ?? this.clock.now();
    const fail = (...texts: string[]) => {
      job.status = 'Failure';
      job.messages = texts.map((text) => ({ dateTime: iso(at), type: 'Error', text, details: [] }));
    };
    const parsed = parseArchy(job.yaml ?? '');
    if (!parsed.ok) return fail(...parsed.errors);
    const flow = parsed.flow;
    const existing = this.findFlowByName(flow.name);
    if (existing && existing.type !== flow.type) {
      return fail(
        `A flow named '${flow.name}' already exists with type ${existing.type.toUpperCase()}; ` +
          `the file declares ${flow.key} (${flow.type.toUpperCase()}). Flow names must be unique.`
      );
    }
    const errors = this.checkAgainstOrg(flow, existing);
    if (errors.length > 0) return fail(...errors);
    if (job.failureMessage) {
      if (existing) job.flowId = existing.id;
      return fail(job.failureMessage);
    }
    const yaml = job.yaml ?? '';
    let target = existing;
    if (!target) {
      target = {
        id: randomUUID(),
        name: flow.name,
        type: flow.type,
        ...(typeof flow.body.description === 'string' ? { description: flow.body.description } : {}),
        division: this.divisions.find((d) => d.name === flow.body.division) ?? (this.divisions[0] as Named),
        deleted: false,
        versions: [],
        executionOutput: {},
        publishes: []
      };
      const reused = this.findFlowByName(flow.name, true);
      if (reused) {
        // A flow recreated after deletion keeps its scenario-level traffic and execution settings.
        if (reused.traffic) target.traffic = reused.traffic;
        target.executionOutput = reused.executionOutput;
      }
      this.flows.push(target);
    }
    // An Archy publish supersedes a checked-in draft: the new version takes its place.
    if (target.checkedInVersionId) {
      const draftId = target.checkedInVersionId;
      target.versions = target.versions.filter((v) => v.id !== draftId);
      delete target.checkedInVersionId;
    }
    const number = this.nextVersionNumber(target);
    const version: VersionRecord = {
      id: `${number}.0`,
      number,
      type: 'PUBLISH',
      yaml,
      sha256: sha256(yaml),
      dateCreated: at,
      createdByClient: this.clientId,
      variables: flow.variables
    };
    target.versions.push(version);
    this.markPublished(target, version, at, `job:${job.id}`);
    job.status = 'Success';
    job.flowId = target.id;
    job.messages = [];
  }

  // ---------------------------------------------------------------- actions/publish

  startPublish(flow: FlowRecord, versionId: string | undefined): OperationRecord {
    if (flow.lockedUser) {
      throw new ApiError(
        409,
        'flow.locked',
        `Flow '${flow.name}' is locked by user '${flow.lockedUser.name}'. Unlock it before publishing.`,
        [{ errorCode: 'FLOW_LOCKED', entityId: flow.id, entityName: flow.name }]
      );
    }
    if (flow.currentOperation && !flow.currentOperation.complete) {
      throw new ApiError(409, 'flow.operation.in.progress', `Flow '${flow.name}' has an operation in progress.`);
    }
    const now = this.clock.now();
    const operation: OperationRecord = {
      id: randomUUID(),
      actionName: 'PUBLISH',
      actionStatus: 'STARTED',
      complete: false,
      clientId: this.clientId
    };
    const failure = this.faults.take('publish-failure', (s) => this.flowFaultMatches(s, flow.name));
    this.operations.push({
      kind: 'publish',
      seq: ++this.seq,
      done: false,
      dueAt: now + this.scenario.latency.publishMs,
      flowId: flow.id,
      operation,
      ...(versionId !== undefined ? { version: versionId } : {}),
      ...(failure ? { failureMessage: failure.spec.message } : {})
    });
    flow.currentOperation = operation;
    return { ...operation };
  }

  private completePublishOperation(op: PublishOperation): void {
    const flow = this.flows.find((f) => f.id === op.flowId);
    const operation = op.operation;
    operation.complete = true;
    const fail = (code: string, message: string) => {
      operation.actionStatus = 'FAILURE';
      operation.errorCode = code;
      operation.errorMessage = message;
    };
    if (!flow || flow.deleted) return fail('FLOW_NOT_FOUND', `Flow ${op.flowId} no longer exists.`);
    if (op.failureMessage) return fail('PUBLISH_FAILED', op.failureMessage);
    const versionId = op.version ?? flow.checkedInVersionId;
    if (versionId === undefined) {
      return fail('NO_CHECKED_IN_VERSION', `Flow '${flow.name}' has no checked-in version to publish.`);
    }
    const version = flow.versions.find((v) => v.id === versionId);
    if (!version) return fail('FLOW_VERSION_NOT_FOUND', `Version ${versionId} of flow '${flow.name}' not found.`);
    const at = op.dueAt ?? this.clock.now();
    if (version.type === 'CHECKIN') {
      this.markPublished(flow, version, at, `operation:${operation.id}`);
    } else {
      // Re-publishing an older version rolls its content forward as a new version.
      const number = this.nextVersionNumber(flow);
      const copy: VersionRecord = {
        ...version,
        id: `${number}.0`,
        number,
        dateCreated: at,
        createdByClient: this.clientId
      };
      delete copy.datePublishedEnd;
      flow.versions.push(copy);
      this.markPublished(flow, copy, at, `operation:${operation.id}`);
    }
    operation.actionStatus = 'SUCCESS';
  }

  unlock(flow: FlowRecord): void {
    delete flow.lockedUser;
  }

  deleteFlow(flow: FlowRecord): void {
    if (flow.lockedUser) {
      throw new ApiError(409, 'flow.locked', `Flow '${flow.name}' is locked by user '${flow.lockedUser.name}'.`);
    }
    const previous = this.publishedVersion(flow);
    if (previous && previous.datePublishedEnd === undefined) previous.datePublishedEnd = this.clock.now();
    flow.deleted = true;
  }

  // ---------------------------------------------------------------- export jobs

  registerExportJob(requests: ExportRequest[]): ExportJob {
    const now = this.clock.now();
    const names = requests.map((r) => this.flows.find((f) => f.id === r.flowId)?.name);
    const failure = this.faults.take('export-failure', (s) => names.some((n) => this.flowFaultMatches(s, n)));
    const slow = this.faults.take('slow-export', (s) => names.some((n) => this.flowFaultMatches(s, n)));
    const job: ExportJob = {
      kind: 'export',
      id: randomUUID(),
      seq: ++this.seq,
      done: false,
      registeredAt: now,
      latencyMs: slow ? slow.spec.ms : this.scenario.latency.exportMs,
      requests,
      downloadKey: randomUUID().replaceAll('-', ''),
      messages: []
    };
    job.dueAt = now + job.latencyMs;
    if (failure) {
      job.messages = [{ dateTime: iso(job.dueAt), type: 'Error', text: failure.spec.message, details: [] }];
    }
    this.exportJobs.set(job.id, job);
    return job;
  }

  exportJobStatus(job: ExportJob): 'Registered' | 'Started' | 'Success' | 'Failure' {
    if (job.status) return job.status;
    return this.clock.now() - job.registeredAt < job.latencyMs * 0.2 ? 'Registered' : 'Started';
  }

  private completeExportJob(job: ExportJob): void {
    const at = job.dueAt ?? this.clock.now();
    if (job.messages.length > 0) {
      job.status = 'Failure';
      return;
    }
    const errors: string[] = [];
    const files: { name: string; content: string }[] = [];
    for (const request of job.requests) {
      const flow = this.flows.find((f) => f.id === request.flowId && !f.deleted);
      if (!flow) {
        errors.push(`Unable to find a flow with id '${request.flowId ?? ''}'.`);
        continue;
      }
      if (request.exportType !== undefined && request.exportType.toLowerCase() !== 'yaml') {
        errors.push(`Export type '${request.exportType}' is not supported by the emulator; use 'Yaml'.`);
        continue;
      }
      // Without an explicit version Architect exports the latest (draft) version, not the published one.
      const versionId = request.version ?? flow.checkedInVersionId ?? flow.publishedVersionId;
      const version = flow.versions.find((v) => v.id === versionId);
      if (!version) {
        errors.push(`Unable to find version '${versionId ?? ''}' of flow '${flow.name}'.`);
        continue;
      }
      const base = (request.fileName ?? `${flow.name}_v${version.id}`).replace(/[\\/:*?"<>|]/g, '_');
      files.push({
        name: /\.ya?ml$/i.test(base) ? base : `${base}.yaml`,
        content: `# Exported by Genesys Cloud Architect emulator at ${iso(at)}\n${version.yaml}`
      });
    }
    if (errors.length > 0) {
      job.status = 'Failure';
      job.messages = errors.map((text) => ({ dateTime: iso(at), type: 'Error', text, details: [] }));
      return;
    }
    const single = files.length === 1 ? files[0] : undefined;
    job.download = single
      ? { contentType: 'application/x-yaml', fileName: single.name, body: Buffer.from(single.content, 'utf8') }
      : { contentType: 'application/zip', fileName: `export-${job.id}.zip`, body: writeZip(files, new Date(at)) };
    job.status = 'Success';
  }

  // ---------------------------------------------------------------- validate jobs

  registerValidateJob(requests: ValidateJob['requests']): ValidateJob {
    const now = this.clock.now();
    const job: ValidateJob = {
      kind: 'validate',
      id: randomUUID(),
      seq: ++this.seq,
      done: false,
      registeredAt: now,
      latencyMs: this.scenario.latency.validateMs,
      requests,
      dueAt: now + this.scenario.latency.validateMs,
      messages: []
    };
    this.validateJobs.set(job.id, job);
    return job;
  }

  validateJobStatus(job: ValidateJob): 'Registered' | 'Started' | 'Success' | 'Failure' {
    if (job.status) return job.status;
    return this.clock.now() - job.registeredAt < job.latencyMs * 0.2 ? 'Registered' : 'Started';
  }

  private completeValidateJob(job: ValidateJob): void {
    const at = job.dueAt ?? this.clock.now();
    const errors: string[] = [];
    for (const request of job.requests) {
      const flow = request.id
        ? this.flows.find((f) => f.id === request.id && !f.deleted)
        : request.name
          ? this.findFlowByName(request.name)
          : undefined;
      if (!flow || (request.type !== undefined && request.type.toLowerCase() !== flow.type)) {
        errors.push(`Unable to find the flow ${request.id ?? `'${request.name ?? ''}'`} to validate.`);
        continue;
      }
      const versionId = request.version ?? flow.checkedInVersionId ?? flow.publishedVersionId;
      const version = flow.versions.find((v) => v.id === versionId);
      if (!version) {
        errors.push(`Unable to find version '${versionId ?? ''}' of flow '${flow.name}'.`);
        continue;
      }
      const parsed = parseArchy(version.yaml);
      if (!parsed.ok) errors.push(...parsed.errors.map((e) => `${flow.name}: ${e}`));
      else errors.push(...this.checkAgainstOrg(parsed.flow).map((e) => `${flow.name}: ${e}`));
    }
    job.status = errors.length > 0 ? 'Failure' : 'Success';
    job.messages = errors.map((text) => ({ dateTime: iso(at), type: 'Error', text, details: [] }));
  }

  // ---------------------------------------------------------------- executions

  launchExecution(req: {
    flowId: string;
    flowVersion?: string;
    inputData?: Record<string, unknown>;
    name?: string;
  }): Execution {
    const flow = this.getFlow(req.flowId);
    if (flow.type !== 'workflow') {
      throw new ApiError(
        400,
        'bad.request',
        `Flow '${flow.name}' is of type ${flow.type.toUpperCase()}; only WORKFLOW flows can be launched through the API.`,
        [{ errorCode: 'flow.type.not.launchable', entityId: flow.id }]
      );
    }
    const versionId = req.flowVersion ?? flow.publishedVersionId;
    if (versionId === undefined) {
      throw new ApiError(400, 'bad.request', `Flow '${flow.name}' has no published version to launch.`);
    }
    const version = flow.versions.find((v) => v.id === versionId);
    if (!version) {
      throw new ApiError(400, 'bad.request', `Version '${versionId}' of flow '${flow.name}' does not exist.`);
    }
    const inputs = new Set(version.variables.filter((v) => v.isInput).map((v) => v.name));
    for (const key of Object.keys(req.inputData ?? {})) {
      if (!inputs.has(key)) {
        throw new ApiError(
          400,
          'bad.request',
          `Input '${key}' is not an input of flow '${flow.name}' version ${version.id} ` +
            `(inputs: ${[...inputs].join(', ') || 'none'}).`,
          [{ errorCode: 'flow.execution.input.invalid', fieldName: `inputData.${key}` }]
        );
      }
    }
    const now = this.clock.now();
    const failure = this.faults.take('execution-failure', (s) => this.flowFaultMatches(s, flow.name));
    const outputData: Record<string, unknown> = {};
    for (const variable of version.variables) {
      if (!variable.isOutput) continue;
      if (variable.isInput && req.inputData && variable.name in req.inputData) {
        outputData[variable.name] = req.inputData[variable.name];
      } else if (variable.initialValue !== undefined) {
        outputData[variable.name] = variable.initialValue;
      }
    }
    Object.assign(outputData, flow.executionOutput);
    const execution: Execution = {
      id: randomUUID(),
      name: req.name ?? `${flow.name} ${iso(now)}`,
      flowId: flow.id,
      flowVersion: version.id,
      launchedAt: now,
      completesAt: now + this.scenario.latency.executionMs,
      outcome: failure ? { status: 'FAILED', message: failure.spec.message } : { status: 'COMPLETED', outputData }
    };
    this.executions.set(execution.id, execution);
    return execution;
  }

  // ---------------------------------------------------------------- state for tests

  snapshot(): OrgSnapshot {
    return {
      now: iso(this.clock.now()),
      queues: this.queues.map((q) => q.name),
      dataActions: this.dataActions.map((a) => a.name),
      flows: this.flows.map((f) => ({
        id: f.id,
        name: f.name,
        type: f.type,
        deleted: f.deleted,
        publishedVersion: f.publishedVersionId ?? null,
        checkedInVersion: f.checkedInVersionId ?? null,
        lockedBy: f.lockedUser?.name ?? null,
        publishCount: f.publishes.length,
        duplicatePublishes: f.publishes.filter((p) => p.duplicate).length,
        publishes: f.publishes.map((p) => ({ ...p, at: iso(p.at) })),
        versions: f.versions.map((v) => ({
          id: v.id,
          type: v.type,
          sha256: v.sha256,
          datePublished: v.datePublished !== undefined ? iso(v.datePublished) : null,
          datePublishedEnd: v.datePublishedEnd !== undefined ? iso(v.datePublishedEnd) : null
        }))
      })),
      jobs: [...this.architectJobs.values()].map((j) => ({
        id: j.id,
        status: this.architectJobStatus(j),
        flowId: j.flowId ?? null,
        messages: j.messages.map((m) => m.text)
      })),
      faults: this.faults.list().map((r) => ({ id: r.id, kind: r.spec.kind, fired: r.fired, remaining: r.remaining }))
    };
  }
}

export interface OrgSnapshot {
  now: string;
  queues: string[];
  dataActions: string[];
  flows: {
    id: string;
    name: string;
    type: string;
    deleted: boolean;
    publishedVersion: string | null;
    checkedInVersion: string | null;
    lockedBy: string | null;
    publishCount: number;
    duplicatePublishes: number;
    publishes: (Omit<PublishRecord, 'at'> & { at: string })[];
    versions: {
      id: string;
      type: string;
      sha256: string;
      datePublished: string | null;
      datePublishedEnd: string | null;
    }[];
  }[];
  jobs: { id: string; status: string; flowId: string | null; messages: string[] }[];
  faults: { id: string; kind: string; fired: number; remaining: number | undefined }[];
}

function defaultYaml(key: string, name: string, version: number): string {
  const lines = [`${key}:`, `  name: ${JSON.stringify(name)}`, `  description: ${JSON.stringify(`v${version}`)}`];
  lines.push('  division: Home');
  if (key === 'inboundCall' || key === 'inQueueCall' || key === 'outboundCall') {
    lines.push('  startUpRef: "/inboundCall/tasks/task[Main_10]"', '  defaultLanguage: en-us');
  }
  if (key === 'workflow') {
    lines.push(
      '  startUpRef: "/workflow/states/state[Initial State_10]"',
      '  defaultLanguage: en-us',
      '  variables:',
      '    - stringVariable:',
      '        name: Flow.customerId',
      '        isInput: true',
      '        isOutput: true',
      '    - booleanVariable:',
      '        name: Flow.ok',
      '        initialValue:',
      '          lit: true',
      '        isOutput: true'
    );
  }
  return `${lines.join('\n')}\n`;
}
