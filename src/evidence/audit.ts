// The audit document: a pure function of the journal, written as JSON for compliance review and validated by
// schema/audit.schema.json. It repeats every event (each with the hash of the previous one) so it can be verified
// on its own with `npm run verify-audit -- <file>`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeMeasurement } from '../checks/describe.ts';
import { PLAIN_TEXT } from '../checks/text.ts';
import type { ApiStats } from '../genesys/api.ts';
import { deriveRelease, type DerivedFlow, type DerivedRelease, type FlowStatus } from '../journal/derive.ts';
import type {
  CheckMeasurement,
  Command,
  GithubContext,
  Outcome,
  PlanAction,
  RollbackFlowResult
} from '../domain/types.ts';
import type { JournalEvent } from '../journal/events.ts';
import { hashEvent, GENESIS_HASH } from '../journal/journal.ts';

export const AUDIT_SCHEMA_VERSION = 1;

export interface AuditFlow {
  name: string;
  type: string | null;
  flowId: string | null;
  stage: string | null;
  action: PlanAction | null;
  source: 'file' | 'draft' | null;
  status: FlowStatus;
  before: { version: string | null; contentHash: string | null };
  after: { version: string | null; contentHash: string | null };
  /** What is live when the run ended (after any rollback); null when deleted or unknown. */
  final: { version: string | null };
  created: boolean;
  error: string | null;
}

export interface AuditStageTiming {
  index: number;
  name: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  bakeMs: number | null;
  reason: string | null;
}

export interface AuditCheck extends CheckMeasurement {
  /** The measurement in one line, as its check kind describes it (the summary shows the same line). */
  description: string;
  stage: string | null;
  flow: string | null;
  at: string;
  seq: number;
}

export interface AuditRollback {
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  flows: RollbackFlowResult[];
}

export interface AuditContentHash {
  flow: string;
  type: string | null;
  /** Which version the hash describes, when known. */
  version: string | null;
  algorithm: 'sha256';
  hash: string;
  /** Where it was measured: the YAML as published, the pre-release snapshot, or the post-release export. */
  of: 'published' | 'snapshot' | 'export';
}

export interface AuditDocument {
  schemaVersion: 1;
  releaseId: string;
  toolVersion: string;
  /** Time of the last journal event: the document is a pure function of the journal. */
  generatedAt: string | null;
  github: GithubContext;
  target: { region?: string; apiUrl: string; loginUrl: string } | null;
  command: Command | null;
  manifest: string | null;
  flowsFilter: string[] | null;
  timings: { startedAt: string | null; finishedAt: string | null; durationMs: number; stages: AuditStageTiming[] };
  outcome: Outcome;
  reason: string;
  complete: boolean;
  notes: string[];
  flows: AuditFlow[];
  checks: AuditCheck[];
  rollbacks: AuditRollback[];
  api: ApiStats & { available: boolean };
  validation: {
    issues: number;
    filesWithIssues: number;
    checked: number | null;
    /** Share of validated items with at least one issue (0..1); null when the number validated is unknown. */
    errorRate: number | null;
    details: { file: string; line: number; column: number; path: string; message: string; fix?: string }[];
  };
  contentHashes: AuditContentHash[];
  commit: { sha: string | null; pushed: boolean; files: string[]; attempts: number; error: string | null } | null;
  chain: { algorithm: 'sha256'; events: number; headHash: string };
  events: JournalEvent[];
}

export interface AuditExtra {
  /** Used when the journal has no release-started event. */
  releaseId?: string;
  toolVersion?: string;
  notes?: string[];
}

export function buildAuditDocument(events: readonly JournalEvent[], extra: AuditExtra = {}): AuditDocument {
  const d = deriveRelease(events);
  const started = d.started;
  return {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    releaseId: d.releaseId ?? extra.releaseId ?? 'unknown',
    toolVersion: started?.toolVersion ?? extra.toolVersion ?? 'unknown',
    generatedAt: events.at(-1)?.at ?? null,
    github: started?.github ?? {},
    target: started?.target ?? null,
    command: d.command,
    manifest: started?.manifest ?? null,
    flowsFilter: started?.flowsFilter ?? null,
    timings: timingsOf(d),
    outcome: d.outcome,
    reason: d.reason,
    complete: !d.incomplete,
    notes: [...d.notes, ...(extra.notes ?? [])],
    flows: d.flows.map(auditFlow),
    checks: d.checks.map((c) => ({ ...c, description: describeMeasurement(c, PLAIN_TEXT) })),
    rollbacks: d.rollbacks.map((r) => ({ ...r, flows: [...r.flows] })),
    api: d.api
      ? { ...d.api, callsByEndpoint: { ...d.api.callsByEndpoint }, available: true }
      : { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0, available: false },
    validation: validationOf(d),
    contentHashes: contentHashesOf(d),
    commit: d.commit
      ? {
          sha: d.commit.sha ?? null,
          pushed: d.commit.pushed,
          files: [...d.commit.files],
          attempts: d.commit.attempts,
          error: d.commit.error ?? null
        }
      : null,
    chain: {
      algorithm: 'sha256',
      events: events.length,
      headHash: events.length ? hashEvent(events.at(-1)) : GENESIS_HASH
    },
    events: events.map((e) => ({ ...e }))
  };
}

function timingsOf(d: DerivedRelease): AuditDocument['timings'] {
  return {
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    durationMs: d.durationMs,
    stages: d.stages.map((s) => ({
      index: s.index,
      name: s.name,
      status: s.status,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.startedAt && s.finishedAt ? Math.max(0, Date.parse(s.finishedAt) - Date.parse(s.startedAt)) : null,
      bakeMs: s.bakeMs,
      reason: s.reason
    }))
  };
}

function auditFlow(f: DerivedFlow): AuditFlow {
  return {
    name: f.name,
    type: f.type,
    flowId: f.flowId,
    stage: f.stage,
    action: f.action,
    source: f.source,
    status: f.status,
    before: { version: f.fromVersion, contentHash: f.snapshot?.contentHash ?? null },
    after: { version: f.toVersion, contentHash: f.toVersion ? f.contentHash : null },
    final: { version: f.finalVersion },
    created: f.created,
    error: f.error
  };
}

function validationOf(d: DerivedRelease): AuditDocument['validation'] {
  const files = new Set(d.validationIssues.map((i) => i.file));
  // An item is the unit validated (a flow file or the manifest); without a count the rate would be a guess.
  const checked = d.validated !== null ? Math.max(d.validated, files.size) : null;
  return {
    issues: d.validationIssues.length,
    filesWithIssues: files.size,
    checked,
    errorRate: checked ? Math.min(1, files.size / checked) : checked === 0 ? 0 : null,
    details: d.validationIssues.map((i) => ({ ...i }))
  };
}

/** Per flow: the snapshot before, the YAML as published, the export after — each when known. */
function contentHashesOf(d: DerivedRelease): AuditContentHash[] {
  const out: AuditContentHash[] = [];
  const add = (f: DerivedFlow, version: string | null, hash: string, of: AuditContentHash['of']) =>
    out.push({ flow: f.name, type: f.type, version, algorithm: 'sha256', hash, of });
  for (const f of d.flows) {
    if (f.snapshot?.contentHash) add(f, f.snapshot.version, f.snapshot.contentHash, 'snapshot');
    if (f.contentHash && (f.toVersion || f.status === 'planned' || f.status === 'unchanged'))
      add(f, f.toVersion, f.contentHash, 'published');
    if (f.export) add(f, f.export.version, f.export.contentHash, 'export');
  }
  return out;
}

/** Writes the document as pretty JSON (creating the folder), atomically enough for a reader that races the writer. */
export function writeAuditDocument(path: string, doc: AuditDocument): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n', 'utf8');
}
