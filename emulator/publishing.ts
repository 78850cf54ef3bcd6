// Publishing in the emulated org: actions/publish operations, the new version an Architect job publishes, and what
// every publish shares (the version history, the traffic model in force, the duplicate-content record).
import { randomUUID } from 'node:crypto';
import { parseArchy, type ParsedArchy } from './archy.ts';
import type { Scheduled } from './jobs/lifecycle.ts';
import { ApiError, sha256 } from './model.ts';
import type { FlowRecord, Named, OperationRecord, VersionRecord } from './model.ts';
import type { Org } from './org.ts';
import type { TrafficModel } from './scenario.ts';

/** The traffic the flow's newest publish gets: an `unhealthy` fault aimed at this publish, else the flow's own. */
function trafficFor(org: Org, flow: FlowRecord): TrafficModel | undefined {
  const count = org.publishCount(flow.name); // already incremented for this publish
  for (const record of org.faults.active('unhealthy')) {
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
function markPublished(org: Org, flow: FlowRecord, version: VersionRecord, at: number, source: string): void {
  const previous = org.publishedVersion(flow);
  if (previous && previous !== version) previous.datePublishedEnd = at;
  const key = flow.name.toLowerCase();
  org.publishCountByName.set(key, (org.publishCountByName.get(key) ?? 0) + 1);
  version.type = 'PUBLISH';
  version.datePublished = at;
  delete version.publishedBy; // published by the org's OAuth client: no user
  delete version.datePublishedEnd;
  const traffic = trafficFor(org, flow);
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

function nextVersionNumber(flow: FlowRecord): number {
  return flow.versions.reduce((n, v) => Math.max(n, v.number), 0) + 1;
}

/** The flow an Architect upload creates: a new flow, or one recreated after deletion (keeping its scenario settings). */
function createFlow(org: Org, parsed: ParsedArchy): FlowRecord {
  const flow: FlowRecord = {
    id: randomUUID(),
    name: parsed.name,
    type: parsed.type,
    ...(typeof parsed.body.description === 'string' ? { description: parsed.body.description } : {}),
    division: org.divisions.find((d) => d.name === parsed.body.division) ?? (org.divisions[0] as Named),
    deleted: false,
    versions: [],
    executionOutput: {},
    publishes: []
  };
  const reused = org.findFlowByName(parsed.name, true);
  if (reused) {
    if (reused.traffic) flow.traffic = reused.traffic;
    flow.executionOutput = reused.executionOutput;
  }
  org.flows.push(flow);
  return flow;
}

/** Publishes an uploaded file as the flow's next version (creating the flow if needed); returns the flow. */
export function publishUpload(
  org: Org,
  parsed: ParsedArchy,
  yaml: string,
  existing: FlowRecord | undefined,
  at: number,
  source: string,
  /** The OAuth client that publishes (default: the scenario's client, whose token made the job). */
  client: string = org.clientId
): FlowRecord {
  const target = existing ?? createFlow(org, parsed);
  // An Archy publish supersedes a checked-in draft: the new version takes its place.
  if (target.checkedInVersionId) {
    const draftId = target.checkedInVersionId;
    target.versions = target.versions.filter((v) => v.id !== draftId);
    delete target.checkedInVersionId;
  }
  const number = nextVersionNumber(target);
  const version: VersionRecord = {
    id: `${number}.0`,
    number,
    type: 'PUBLISH',
    yaml,
    sha256: sha256(yaml),
    dateCreated: at,
    createdByClient: client,
    variables: parsed.variables
  };
  target.versions.push(version);
  markPublished(org, target, version, at, source);
  // The job's publish is the flow's latest operation, attributed to the client whose token made the job.
  target.currentOperation = {
    id: randomUUID(),
    actionName: 'PUBLISH',
    actionStatus: 'SUCCESS',
    complete: true,
    clientId: client
  };
  return target;
}

/**
 * Another OAuth client publishes `yaml` (default: the flow's published content) as the flow's next version — a
 * concurrent release or a person's tool (`POST /__emulator/publish-as`, the `concurrent-publish` fault).
 */
export function publishAs(org: Org, flowName: string, client: string, yaml?: string): FlowRecord {
  const existing = org.findFlowByName(flowName);
  const text = yaml ?? (existing ? org.publishedVersion(existing)?.yaml : undefined);
  if (text === undefined)
    throw new ApiError(400, 'bad.request', `No YAML given and flow '${flowName}' has no published version.`);
  const parsed = parseArchy(text);
  if (!parsed.ok)
    throw new ApiError(400, 'bad.request', `The YAML does not parse as Archy: ${parsed.errors.join('; ')}`);
  return publishUpload(org, parsed.flow, text, existing, org.clock.now(), `publish-as:${client}`, client);
}

/** An actions/publish operation: completes `latency.publishMs` after it starts, like Architect's backend. */
class PublishOperation implements Scheduled {
  seq = 0;
  done = false;
  readonly dueAt: number;
  private readonly org: Org;
  private readonly flowId: string;
  readonly operation: OperationRecord;
  private readonly version: string | undefined;
  private readonly failureMessage: string | undefined;

  constructor(org: Org, flow: FlowRecord, version: string | undefined, failureMessage: string | undefined) {
    this.org = org;
    this.flowId = flow.id;
    this.version = version;
    this.failureMessage = failureMessage;
    this.dueAt = org.clock.now() + org.scenario.latency.publishMs;
    this.operation = {
      id: randomUUID(),
      actionName: 'PUBLISH',
      actionStatus: 'STARTED',
      complete: false,
      clientId: org.clientId
    };
  }

  complete(at: number): void {
    const org = this.org;
    const flow = org.flows.find((f) => f.id === this.flowId);
    const operation = this.operation;
    operation.complete = true;
    const fail = (code: string, message: string) => {
      operation.actionStatus = 'FAILURE';
      operation.errorCode = code;
      operation.errorMessage = message;
    };
    if (!flow || flow.deleted) return fail('FLOW_NOT_FOUND', `Flow ${this.flowId} no longer exists.`);
    if (this.failureMessage) return fail('PUBLISH_FAILED', this.failureMessage);
    const versionId = this.version ?? flow.checkedInVersionId;
    if (versionId === undefined) {
      return fail('NO_CHECKED_IN_VERSION', `Flow '${flow.name}' has no checked-in version to publish.`);
    }
    const version = flow.versions.find((v) => v.id === versionId);
    if (!version) return fail('FLOW_VERSION_NOT_FOUND', `Version ${versionId} of flow '${flow.name}' not found.`);
    if (version.type === 'CHECKIN') {
      markPublished(org, flow, version, at, `operation:${operation.id}`);
    } else {
      // Re-publishing an older version rolls its content forward as a new version.
      const number = nextVersionNumber(flow);
      const copy: VersionRecord = {
        ...version,
        id: `${number}.0`,
        number,
        dateCreated: at,
        createdByClient: this.operation.clientId
      };
      delete copy.datePublishedEnd;
      delete copy.createdBy; // made by the client, not by whoever made the version it copies
      flow.versions.push(copy);
      markPublished(org, flow, copy, at, `operation:${operation.id}`);
    }
    operation.actionStatus = 'SUCCESS';
  }
}

export function startPublish(org: Org, flow: FlowRecord, versionId: string | undefined): OperationRecord {
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
  const failure = org.faults.take('publish-failure', (s) => org.flowFaultMatches(s, flow.name));
  const { operation } = org.scheduler.add(new PublishOperation(org, flow, versionId, failure?.spec.message));
  flow.currentOperation = operation;
  return { ...operation };
}

export function deleteFlow(org: Org, flow: FlowRecord): void {
  if (flow.lockedUser) {
    throw new ApiError(409, 'flow.locked', `Flow '${flow.name}' is locked by user '${flow.lockedUser.name}'.`);
  }
  const previous = org.publishedVersion(flow);
  if (previous && previous.datePublishedEnd === undefined) previous.datePublishedEnd = org.clock.now();
  flow.deleted = true;
}
