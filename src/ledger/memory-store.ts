// An in-memory LedgerStore with the same semantics as the git store (the same compare-and-swap loop, documents kept
// as serialized text so that nothing a caller holds can change them), for the engine's unit tests. Several stores can
// share one MemoryLedgerBackend, like several clones of one remote.
import type { Clock } from '../common/clock.ts';
import { LedgerError } from './errors.ts';
import type { ContentAddress, LedgerDocument } from './schema.ts';
import { serializeLedger } from './schema.ts';
import { casRead, casUpdate, contentAddress, validateAddress, validateOrgId, verifyBlob } from './store.ts';
import type {
  BeforeCommitHook,
  CasBackend,
  LedgerRead,
  LedgerStore,
  LedgerUpdate,
  Mutate,
  UpdateOptions
} from './store.ts';

/** The shared "remote": documents as text, blobs, and a revision that moves on every write. */
export class MemoryLedgerBackend {
  readonly docs = new Map<string, string>();
  readonly blobs = new Map<ContentAddress, string>();
  /** Successful writes so far (each is one "push"). */
  writes = 0;
  private revision = 0;

  get rev(): string | undefined {
    return this.revision === 0 ? undefined : `mem-${this.revision}`;
  }

  /** Writes a document's text as it is, e.g. something unparseable for a corruption test. */
  setText(orgId: string, text: string): void {
    this.docs.set(orgId, text);
    this.revision++;
  }

  /** Compare-and-swap: applies the write only if the revision is still `rev`. */
  write(orgId: string, rev: string | undefined, text: string, blobs: Map<ContentAddress, string>): string | undefined {
    if (rev !== this.rev) return undefined;
    for (const [a, c] of blobs) this.blobs.set(a, c);
    this.docs.set(orgId, text);
    this.revision++;
    this.writes++;
    return this.rev;
  }
}

export interface MemoryLedgerStoreOptions {
  backend?: MemoryLedgerBackend;
  /** Runs between mutate and each write: let "someone else" write in between to test the race. */
  beforeCommit?: BeforeCommitHook;
  /** Backoff between compare-and-swap attempts; without one, attempts follow each other at once. */
  clock?: Clock;
}

export class MemoryLedgerStore implements LedgerStore {
  readonly location = 'memory';
  readonly backend: MemoryLedgerBackend;
  beforeCommit: BeforeCommitHook | undefined;
  private readonly staged = new Map<ContentAddress, string>();
  private readonly clock: Clock | undefined;

  constructor(options: MemoryLedgerStoreOptions = {}) {
    this.backend = options.backend ?? new MemoryLedgerBackend();
    this.beforeCommit = options.beforeCommit;
    this.clock = options.clock;
  }

  async read(orgId: string): Promise<LedgerRead> {
    return casRead(this.context(), orgId);
  }

  update(orgId: string, mutate: Mutate, options?: UpdateOptions): Promise<LedgerUpdate> {
    return casUpdate(this.context(), orgId, mutate, options);
  }

  putBlob(content: string): ContentAddress {
    if (typeof content !== 'string') throw new LedgerError('invalid-input', 'Blob content must be a string.');
    const address = contentAddress(content);
    if (!this.backend.blobs.has(address)) this.staged.set(address, content);
    return address;
  }

  async getBlob(addressInput: ContentAddress): Promise<string> {
    const address = validateAddress(addressInput);
    const content = this.staged.get(address) ?? this.backend.blobs.get(address);
    if (content === undefined) throw new LedgerError('blob', `No blob ${address} in the memory ledger.`);
    return verifyBlob(address, content, `memory:${address}`);
  }

  private context() {
    const backend = this.backend;
    const cas: CasBackend = {
      load: async (orgId) => ({ text: backend.docs.get(validateOrgId(orgId)), rev: backend.rev }),
      where: (orgId) => ({
        where: `memory:orgs/${orgId}/ledger.json`,
        fix: 'Fix or remove the document in the test that corrupted it.'
      }),
      hasBlob: async (a) => backend.blobs.has(a),
      commit: async (orgId, rev, text, blobs) => backend.write(orgId, rev, text, blobs)
    };
    return {
      backend: cas,
      staged: this.staged,
      serialize: (d: LedgerDocument) => serializeLedger(d),
      beforeCommit: (orgId: string, attempt: number) => this.beforeCommit?.(orgId, attempt),
      clock: this.clock
    };
  }
}
