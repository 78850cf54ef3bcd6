// The JSON the platform API answers with for flows, versions, publish operations and configurations.
import type { FlowRecord, Named, OperationRecord, VersionRecord } from '../model.ts';
import { iso } from '../model.ts';
import type { Org } from '../org.ts';

const userRef = (u: Named) => ({ id: u.id, name: u.name, selfUri: `/api/v2/users/${u.id}` });

export function versionJson(flow: FlowRecord, v: VersionRecord) {
  return {
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
  };
}

export function operationJson(op: OperationRecord) {
  return {
    id: op.id,
    complete: op.complete,
    client: { id: op.clientId, selfUri: `/api/v2/oauth/clients/${op.clientId}` },
    ...(op.errorMessage !== undefined ? { errorMessage: op.errorMessage } : {}),
    ...(op.errorCode !== undefined ? { errorCode: op.errorCode, errorDetails: [] } : {}),
    actionName: op.actionName,
    actionStatus: op.actionStatus
  };
}

export function flowJson(org: Org, flow: FlowRecord) {
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
    ...(published?.publishedBy ? { publishedBy: userRef(published.publishedBy) } : {}),
    ...(flow.currentOperation ? { currentOperation: operationJson(flow.currentOperation) } : {}),
    selfUri: `/api/v2/flows/${flow.id}`
  };
}

/** Architect's configuration document is internal JSON; this one carries the parsed flow so it is stable per version. */
export function configurationJson(flow: FlowRecord, version: VersionRecord) {
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
