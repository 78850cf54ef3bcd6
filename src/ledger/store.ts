// Where ledgers live, behind one interface (git-store.ts on a state branch, memory-store.ts for tests), and the
// compare-and-swap loop both implementations share, so that their semantics cannot drift apart:
// read the newest document; let the caller's mutate function decide on it; write the result, with every blob staged
// by putBlob, only if nobody changed the ledger in between; otherwise re-read and call mutate again (bounded).
import { createHash } from 'node:crypto';
import type { Clock } from '../common/clock.ts';
import { LedgerError } from './errors.ts';
import { ContentAddress, describeIssues, LEDGER_VERSION, LedgerDocument, referencedContent } from './schema.ts';

/** Returned by a mutate function that has nothing to change: nothing is written. */
export const NO_CHANGE: unique symbol = Symbol('ledger.no-change');

/**
 * Decides the next document from the newest one (undefined: the org has no ledger yet). Called again on a fresh
 * document when another writer won the race, so it must be pure: no side effects, no reliance on earlier calls.
 * It may throw (e.g. a LockHeldError when the lock is now held by someone else): the update then fails with that.
 */
export type Mutate = (doc: LedgerDocument | undefined, rev: string | undefined) => LedgerDocument | typeof NO_CHANGE;

export interface UpdateOptions {
  /** One line saying why, for the commit message (e.g. `lock acquired by rel-…`). */
  message?: string;
  /** Compare-and-swap attempts in total. Default 5. */
  maxAttempts?: number;
}

export interface LedgerRead {
  /** undefined: the org has no ledger yet. */
  doc: LedgerDocument | undefined;
  /** The revision read (a commit sha for git); undefined when nothing has been written at all. */
  rev: string | undefined;
}

export interface LedgerUpdate extends LedgerRead {
  /** False when mutate returned NO_CHANGE. */
  changed: boolean;
  /** Compare-and-swap attempts made (1 when nobody raced). */
  attempts: number;
}

export interface LedgerStore {
  /** Where the ledgers live, for messages (e.g. `branch flow-release-state of origin`). */
  readonly location: string;
  /** The newest document of an org. Throws a LedgerError of kind 'corrupt' for a document it cannot parse. */
  read(orgId: string): Promise<LedgerRead>;
  /** Compare-and-swap update; throws the mutate function's error, or a LedgerError. Never writes over a corrupt one. */
  update(orgId: string, mutate: Mutate, options?: UpdateOptions): Promise<LedgerUpdate>;
  /** Stages content; it is written in the same commit as the next update. Returns its address. */
  putBlob(content: string): ContentAddress;
  /** Content by address (staged or written), verified against the address. */
  getBlob(address: ContentAddress): Promise<string>;
}

/** For tests: runs between mutate and the write of each attempt, e.g. to let another writer win the race. */
export type BeforeCommitHook = (orgId: string, attempt: number) => void | Promise<void>;

/** The address of content: sha256 of its UTF-8 bytes, lowercase hex (the manifest's contentHash). */
export function contentAddress(content: string): ContentAddress {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function validateAddress(address: string): ContentAddress {
  const parsed = ContentAddress.safeParse(address);
  if (!parsed.success) {
    throw new LedgerError('invalid-input', `Invalid content address ${JSON.stringify(address)}: expected a sha256.`);
  }
  return parsed.data;
}

/** Org ids become a path on the state branch: a Genesys org id is a UUID; anything path-like is refused. */
export function validateOrgId(orgId: string): string {
  if (typeof orgId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(orgId)) {
    throw new LedgerError(
      'invalid-input',
      `Invalid org id ${JSON.stringify(orgId)}: expected the id from GET /api/v2/organizations/me ` +
        '(letters, digits, "-" and "_").'
    );
  }
  return orgId;
}

/** Checks content read back against its address. */
export function verifyBlob(address: ContentAddress, content: string, where: string): string {
  const actual = contentAddress(content);
  if (actual !== address) {
    throw new LedgerError(
      'blob',
      `The blob ${where} does not match its address (its sha256 is ${actual}): it was changed by hand or damaged. ` +
        'Restore it from the state branch history (git log -- <path>); never edit the state branch by hand.'
    );
  }
  return content;
}

/** Parses a stored document; anything it cannot fully understand is a LedgerError of kind 'corrupt'. */
export function parseLedger(text: string, where: string, fix: string): LedgerDocument {
  const corrupt = (problem: string) =>
    new LedgerError('corrupt', `The release ledger ${where} cannot be read: ${problem}\n${fix}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw corrupt(`it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > LEDGER_VERSION) {
    throw corrupt(
      `it has version ${version}, written by a newer Flow Release (this one knows version ${LEDGER_VERSION}). ` +
        'Upgrade the action; the ledger was left as it is.'
    );
  }
  const parsed = LedgerDocument.safeParse(raw);
  if (!parsed.success) throw corrupt(`it does not match the ledger schema:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** What a store does below the compare-and-swap loop. */
export interface CasBackend {
  /** The newest document text of an org and the revision it was read at (fetching first when remote). */
  load(orgId: string): Promise<{ text: string | undefined; rev: string | undefined }>;
  /** Where the org's document lives and how to repair it by hand, for error messages. */
  where(orgId: string): { where: string; fix: string };
  /** Whether a blob already exists at `rev`. */
  hasBlob(address: ContentAddress, rev: string | undefined): Promise<boolean>;
  /** Writes `text` (and `blobs`) on top of `rev` unless the ledger moved: undefined when it moved (lost the race). */
  commit(
    orgId: string,
    rev: string | undefined,
    text: string,
    blobs: Map<ContentAddress, string>,
    message: string
  ): Promise<string | undefined>;
}

export interface CasContext {
  backend: CasBackend;
  /** Blobs staged by putBlob; the ones written are removed after a successful commit. */
  staged: Map<ContentAddress, string>;
  serialize: (doc: LedgerDocument) => string;
  beforeCommit?: BeforeCommitHook | undefined;
  clock?: Clock | undefined;
}

/** A read with the same parse and the same errors as an update's. */
export async function casRead(ctx: CasContext, orgIdInput: string): Promise<LedgerRead> {
  const orgId = validateOrgId(orgIdInput);
  const { where, fix } = ctx.backend.where(orgId);
  const { text, rev } = await ctx.backend.load(orgId);
  return { doc: text === undefined ? undefined : parseLedger(text, where, fix), rev };
}

/** The compare-and-swap loop shared by every store. */
export async function casUpdate(
  ctx: CasContext,
  orgIdInput: string,
  mutate: Mutate,
  options: UpdateOptions = {}
): Promise<LedgerUpdate> {
  const orgId = validateOrgId(orgIdInput);
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new LedgerError('invalid-input', `maxAttempts must be an integer from 1 to 20, got ${maxAttempts}`);
  }
  const { where, fix } = ctx.backend.where(orgId);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { text, rev } = await ctx.backend.load(orgId);
    // A document that cannot be parsed stops here: it is never passed to mutate, never overwritten.
    const before = text === undefined ? undefined : parseLedger(text, where, fix);
    const next = mutate(before === undefined ? undefined : structuredClone(before), rev);
    if (next === NO_CHANGE) return { doc: before, rev, changed: false, attempts: attempt };
    const doc = checkNext(next, orgId, where);
    const serialized = ctx.serialize(doc);
    // The same bytes and nothing staged: a commit would change nothing.
    if (serialized === text && ctx.staged.size === 0) return { doc, rev, changed: false, attempts: attempt };
    const blobs = await blobsFor(ctx, doc, before, rev, where);
    await ctx.beforeCommit?.(orgId, attempt);
    const message = `ledger ${orgId}: ${oneLine(options.message ?? 'update')}`;
    const written = await ctx.backend.commit(orgId, rev, serialized, blobs, message);
    if (written !== undefined) {
      for (const a of blobs.keys()) ctx.staged.delete(a);
      return { doc, rev: written, changed: true, attempts: attempt };
    }
    // Lost the race: back off a little (jittered by attempt) and decide again on the fresh document.
    if (attempt < maxAttempts) await ctx.clock?.sleep(Math.min(2_000, 50 * 2 ** attempt));
  }
  throw new LedgerError(
    'conflict',
    `The release ledger ${where} changed under every one of ${maxAttempts} update attempts: another run keeps ` +
      'writing it. Nothing was overwritten; re-run when the other release is done.'
  );
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A mutate result is validated before anything is written: a bug must not write a document nobody can read. */
function checkNext(next: LedgerDocument, orgId: string, where: string): LedgerDocument {
  const parsed = LedgerDocument.safeParse(next);
  if (!parsed.success) {
    throw new LedgerError(
      'invalid-input',
      `Refusing to write an invalid release ledger to ${where}; nothing was written:\n${describeIssues(parsed.error)}`
    );
  }
  if (parsed.data.org.id !== orgId) {
    throw new LedgerError(
      'invalid-input',
      `Refusing to write the ledger of org ${parsed.data.org.id} to ${where} (org ${orgId}); nothing was written.`
    );
  }
  return parsed.data;
}

/** The staged blobs to write with `doc`; every address it newly refers to must be staged or already there. */
async function blobsFor(
  ctx: CasContext,
  doc: LedgerDocument,
  before: LedgerDocument | undefined,
  rev: string | undefined,
  where: string
): Promise<Map<ContentAddress, string>> {
  const known = referencedContent(before);
  for (const a of referencedContent(doc)) {
    if (known.has(a) || ctx.staged.has(a)) continue;
    if (!(await ctx.backend.hasBlob(a, rev))) {
      throw new LedgerError(
        'blob',
        `Refusing to write ${where}: it refers to content ${a}, which is neither stored nor staged ` +
          '(call putBlob with the content first). Nothing was written.'
      );
    }
  }
  return new Map(ctx.staged);
}
