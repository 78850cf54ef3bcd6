// The release ledger of one target org: the lock, the release in progress (written ahead of every change) and the
// history of finished releases. One document per org, keyed by the org id the platform reports
// (GET /api/v2/organizations/me), never by region or URL. The org is the truth; the ledger is the memory.
//
// The schema is strict (unknown keys are errors) and versioned: a document this code cannot fully understand is
// never rewritten (see LedgerError in errors.ts). Flow content is not stored in the document but as
// content-addressed blobs beside it; the document holds their addresses.
import { z } from 'zod';

export const LEDGER_VERSION = 1;

/**
 * History entries kept per org. An entry holds one line per flow of the release (~250 bytes), so with 30 flows the
 * document stays under ~1 MB at this cap; it is rewritten on every update, so it must stay small. Older entries are
 * dropped, except that for every flow the newest entry where it was live and good is always kept, so every flow's
 * last known-good content stays restorable (see trimHistory in history.ts).
 */
export const HISTORY_LIMIT = 100;

/** sha256 (lowercase hex) of the UTF-8 content: the same value as the manifest's `contentHash`. */
export const ContentAddress = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lowercase hex');
export type ContentAddress = z.infer<typeof ContentAddress>;

/** ISO-8601 timestamp (from the injected clock). */
const Timestamp = z.iso.datetime();
const Id = z.string().min(1);

export const Command = z.enum(['deploy', 'rollback', 'recover']);

/** How a lock changed hands from another holder: always recorded, so a takeover is auditable. */
export const Takeover = z.strictObject({
  from: Id,
  fromRunUrl: z.string().optional(),
  fromLeaseUntil: Timestamp,
  /** `explicit`: the input `takeover-lock: true`; `lease-expired`: the lease ended and the holder's run is finished. */
  reason: z.enum(['explicit', 'lease-expired']),
  at: Timestamp
});
export type Takeover = z.infer<typeof Takeover>;

export const Lock = z.strictObject({
  /** The release id of the run that holds the lock. */
  holder: Id,
  runUrl: z.string().optional(),
  actor: z.string().optional(),
  command: Command,
  acquiredAt: Timestamp,
  leaseUntil: Timestamp,
  takenOver: Takeover.optional()
});
export type Lock = z.infer<typeof Lock>;

export const JobKind = z.enum(['architect', 'publish-operation', 'export', 'validate', 'delete', 'unlock']);
export type JobKind = z.infer<typeof JobKind>;
export const JobState = z.enum(['registered', 'uploaded', 'succeeded', 'failed', 'unknown']);
export type JobState = z.infer<typeof JobState>;

export const Job = z.strictObject({
  id: Id,
  kind: JobKind,
  registeredAt: Timestamp,
  state: JobState.optional(),
  updatedAt: Timestamp.optional(),
  /** What the platform said when it failed (already redacted by the caller). */
  error: z.string().optional()
});
export type Job = z.infer<typeof Job>;

export const FlowResultState = z.enum(['published', 'failed', 'unknown', 'restored', 'deleted']);
export type FlowResultState = z.infer<typeof FlowResultState>;

export const InProgressFlow = z.strictObject({
  name: Id,
  type: Id,
  /** Absent for a flow this release creates, until the platform reports its id. */
  flowId: Id.optional(),
  /** What was live before the release: the rollback target. `version: null` means the flow did not exist. */
  before: z.strictObject({ version: z.string().nullable(), content: ContentAddress.optional() }),
  /** What the release is about to publish. */
  intended: z.strictObject({ contentHash: ContentAddress.optional(), source: z.enum(['file', 'draft']) }).optional(),
  jobs: z.array(Job),
  result: z
    .strictObject({
      state: FlowResultState,
      version: z.string().optional(),
      content: ContentAddress.optional(),
      at: Timestamp.optional()
    })
    .optional()
});
export type InProgressFlow = z.infer<typeof InProgressFlow>;

export const InProgress = z.strictObject({
  releaseId: Id,
  command: Command,
  runUrl: z.string().optional(),
  /** The source commit the release is made from (GITHUB_SHA). */
  commit: z.string().optional(),
  startedAt: Timestamp,
  /** Set when this run is finishing the unfinished release of a dead run (recovery). */
  recoveredFrom: z.strictObject({ releaseId: Id, runUrl: z.string().optional(), startedAt: Timestamp }).optional(),
  flows: z.array(InProgressFlow)
});
export type InProgress = z.infer<typeof InProgress>;

export const HistoryOutcome = z.enum(['succeeded', 'rolled-back', 'failed', 'rollback-failed']);
export type HistoryOutcome = z.infer<typeof HistoryOutcome>;
export const HistoryFlowState = z.enum(['published', 'unchanged', 'restored', 'deleted', 'failed', 'unknown']);
export type HistoryFlowState = z.infer<typeof HistoryFlowState>;
/** States in which the flow's version and content are what is live in the org after the release. */
export const LIVE_STATES: readonly HistoryFlowState[] = ['published', 'unchanged', 'restored'];

export const HistoryFlow = z
  .strictObject({
    name: Id,
    type: Id,
    id: Id,
    /** The version live after the release; null when nothing is (deleted) or it is not known. */
    version: z.string().nullable(),
    content: ContentAddress.optional(),
    /**
     * sha256 of the content this release uploaded for the flow (the manifest's content hash), when it published
     * or kept it: change detection compares it with the manifest. Not a blob address: `content` is the rollback target.
     */
    uploaded: ContentAddress.optional(),
    state: HistoryFlowState
  })
  .refine((f) => !LIVE_STATES.includes(f.state) || (f.version !== null && f.content !== undefined), {
    message: 'a published, unchanged or restored flow needs its version and content'
  });
export type HistoryFlow = z.infer<typeof HistoryFlow>;

export const HistoryEntry = z.strictObject({
  releaseId: Id,
  command: Command,
  commit: z.string().optional(),
  outcome: HistoryOutcome,
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp,
  runUrl: z.string().optional(),
  /** The release was finished by another run's recovery (its release id), not by the run that started it. */
  recoveredBy: Id.optional(),
  /** Every flow the release covered, unchanged ones included. */
  flows: z.array(HistoryFlow)
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const LedgerDocument = z.strictObject({
  version: z.literal(LEDGER_VERSION),
  org: z.strictObject({ id: Id, name: z.string().optional() }),
  lock: Lock.nullable(),
  inProgress: InProgress.nullable(),
  /** Append-only, newest last, at most HISTORY_LIMIT entries plus the newest good entry of every flow. */
  history: z.array(HistoryEntry)
});
export type LedgerDocument = z.infer<typeof LedgerDocument>;

/** The document of an org that has none yet. */
export function emptyLedger(org: { id: string; name?: string | undefined }): LedgerDocument {
  return {
    version: LEDGER_VERSION,
    org: org.name === undefined ? { id: org.id } : { id: org.id, name: org.name },
    lock: null,
    inProgress: null,
    history: []
  };
}

/** Every content address the document refers to: each must exist as a blob beside it. */
export function referencedContent(doc: LedgerDocument | undefined): Set<ContentAddress> {
  const out = new Set<ContentAddress>();
  if (!doc) return out;
  for (const f of doc.inProgress?.flows ?? []) {
    if (f.before.content) out.add(f.before.content);
    if (f.result?.content) out.add(f.result.content);
  }
  for (const h of doc.history) for (const f of h.flows) if (f.content) out.add(f.content);
  return out;
}

/** Pretty JSON with keys in sorted order at every level, so that the same document is always the same bytes. */
export function serializeLedger(doc: LedgerDocument): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The first few problems of a failed parse, one per line, each with its path in the document. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `  at ${i.path.join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`  ... and ${error.issues.length - max} more`);
  return lines.join('\n');
}
