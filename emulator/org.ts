// The emulated Genesys Cloud org: flows with their version history and YAML, queues, data actions, faults, and the
// asynchronous work (Architect jobs, export and validate jobs, publish operations, executions). Every state change is
// a function of the injected clock: `tick()` applies, in time order, whatever has become due (jobs/lifecycle.ts).
// This class holds the state and the lookups; the behaviour lives in the modules it delegates to.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../src/common/clock.ts';
import type { ParsedArchy } from './archy.ts';
import { launchExecution } from './executions.ts';
import type { Execution, LaunchRequest } from './executions.ts';
import { FaultRegistry } from './faults.ts';
import type { FaultRecord } from './faults.ts';
import { ArchitectJob } from './jobs/architect.ts';
import { registerExportJob } from './jobs/export.ts';
import type { ExportJob, ExportRequest } from './jobs/export.ts';
import type { JobStatus } from './jobs/lifecycle.ts';
import { Scheduler } from './jobs/lifecycle.ts';
import { checkAgainstOrg } from './jobs/org-checks.ts';
import { ValidateJob } from './jobs/validate.ts';
import type { ValidateRequest } from './jobs/validate.ts';
import { ApiError } from './model.ts';
import type { DataActionRecord, FlowRecord, Named, OperationRecord, VersionRecord } from './model.ts';
import { deleteFlow, startPublish } from './publishing.ts';
import type { DataActionSeed, FaultSpec, Scenario } from './scenario.ts';
import { ScenarioError } from './scenario.ts';
import { seedFlows } from './seed.ts';
import { snapshot } from './snapshot.ts';
import type { OrgSnapshot } from './snapshot.ts';

export { ApiError } from './model.ts';
export type { DataActionRecord, FlowRecord, Named, OperationRecord, PublishRecord, VersionRecord } from './model.ts';
export type { ArchitectJob } from './jobs/architect.ts';
export type { ExportJob, ExportRequest } from './jobs/export.ts';
export type { JobMessage } from './jobs/lifecycle.ts';
export type { ValidateJob } from './jobs/validate.ts';
export type { Execution } from './executions.ts';
export type { OrgSnapshot } from './snapshot.ts';

/** A seeded data action: a bare name, or `{ category, name, id? }`. */
export function toDataAction(seed: DataActionSeed): DataActionRecord {
  if (typeof seed === 'string') return { id: randomUUID(), name: seed };
  return { id: seed.id ?? randomUUID(), name: seed.name, ...(seed.category ? { category: seed.category } : {}) };
}

export class Org {
  readonly faults = new FaultRegistry();
  readonly divisions: Named[];
  readonly queues: Named[];
  readonly dataActions: DataActionRecord[];
  readonly flows: FlowRecord[] = [];
  readonly architectJobs = new Map<string, ArchitectJob>();
  readonly exportJobs = new Map<string, ExportJob>();
  readonly validateJobs = new Map<string, ValidateJob>();
  readonly executions = new Map<string, Execution>();
  /** Jobs and publish operations waiting for their time. */
  readonly scheduler = new Scheduler();
  /** Publishes per flow name (lowercase), including flows that were deleted: `unhealthy` counts from here. */
  readonly publishCountByName = new Map<string, number>();
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
    this.dataActions = scenario.dataActions.map(toDataAction);
    this.flows.push(...seedFlows(scenario.flows, this.divisions[0] as Named, clock.now()));
    for (const fault of scenario.faults) this.addFault(fault);
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

  /** A fault without `flow` hits every flow; with one, only the flow of that name. */
  flowFaultMatches(spec: { flow?: string | undefined }, flowName: string | undefined): boolean {
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
    this.scheduler.tick(this.clock.now());
  }

  // ---------------------------------------------------------------- Architect jobs

  registerArchitectJob(): ArchitectJob {
    const job = this.scheduler.add(new ArchitectJob(this));
    this.architectJobs.set(job.id, job);
    return job;
  }

  /** The presigned upload. Faults are decided here, when the job has its content. */
  uploadArchitectJob(job: ArchitectJob, yaml: string): void {
    job.upload(yaml);
  }

  architectJobStatus(job: ArchitectJob): JobStatus {
    return job.statusAt(this.clock.now());
  }

  /** The checks Archy and the org would make before publishing; empty when the file can be published. */
  checkAgainstOrg(parsed: ParsedArchy, self?: FlowRecord): string[] {
    return checkAgainstOrg(this, parsed, self);
  }

  // ---------------------------------------------------------------- actions/publish, unlock, delete

  startPublish(flow: FlowRecord, versionId: string | undefined): OperationRecord {
    return startPublish(this, flow, versionId);
  }

  unlock(flow: FlowRecord): void {
    delete flow.lockedUser;
  }

  deleteFlow(flow: FlowRecord): void {
    deleteFlow(this, flow);
  }

  // ---------------------------------------------------------------- export and validate jobs

  registerExportJob(requests: ExportRequest[]): ExportJob {
    const job = registerExportJob(this, requests);
    this.exportJobs.set(job.id, job);
    return job;
  }

  exportJobStatus(job: ExportJob): JobStatus {
    return job.statusAt(this.clock.now());
  }

  registerValidateJob(requests: ValidateRequest[]): ValidateJob {
    const job = this.scheduler.add(new ValidateJob(this, requests));
    this.validateJobs.set(job.id, job);
    return job;
  }

  validateJobStatus(job: ValidateJob): JobStatus {
    return job.statusAt(this.clock.now());
  }

  // ---------------------------------------------------------------- executions and state

  launchExecution(req: LaunchRequest): Execution {
    return launchExecution(this, req);
  }

  snapshot(): OrgSnapshot {
    return snapshot(this);
  }
}
