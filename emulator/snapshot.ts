// What `GET /__emulator/state` and `emulator.state()` report about the org: enough for tests to prove what happened
// (versions with their content hashes, publishes and duplicates, jobs, how often each fault fired).
import { iso } from './model.ts';
import type { FlowRecord, PublishRecord } from './model.ts';
import type { Org } from './org.ts';

export interface OrgSnapshot {
  now: string;
  queues: string[];
  dataActions: { category?: string; name: string }[];
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

function flowSnapshot(f: FlowRecord): OrgSnapshot['flows'][number] {
  return {
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
  };
}

export function snapshot(org: Org): OrgSnapshot {
  const now = org.clock.now();
  return {
    now: iso(now),
    queues: org.queues.map((q) => q.name),
    dataActions: org.dataActions.map((a) => ({ ...(a.category ? { category: a.category } : {}), name: a.name })),
    flows: org.flows.map(flowSnapshot),
    jobs: [...org.architectJobs.values()].map((j) => ({
      id: j.id,
      status: org.architectJobStatus(j),
      flowId: j.flowId ?? null,
      messages: j.messages.map((m) => m.text)
    })),
    faults: org.faults.list().map((r) => ({ id: r.id, kind: r.spec.kind, fired: r.fired, remaining: r.remaining }))
  };
}
