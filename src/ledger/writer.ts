// Group commit for one org's ledger: `await writer.record(mutation)` returns once the mutation is durable (pushed).
// Records that arrive while a write is in flight are coalesced into the next compare-and-swap update, one push for
// all of them, so "record each job id before its upload" stays affordable with 16–32 concurrent publishes.
//
// Each mutation is applied in arrival order on its own copy of the document; one that throws (e.g. assertHolds after
// the lock was taken over) rejects only its caller, and the others are still written. When the write itself fails
// (push refused, corrupt ledger, race lost on every attempt), every caller of that batch is rejected with the cause.
// Mutations are re-applied to the fresh document when the store loses a race, so they must be pure.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LedgerError } from './errors.ts';
import type { LedgerDocument } from './schema.ts';
import { NO_CHANGE, validateOrgId } from './store.ts';
import type { LedgerStore } from './store.ts';

export type Mutation = (doc: LedgerDocument | undefined) => LedgerDocument | typeof NO_CHANGE;

export interface LedgerWriterOptions {
  /** Compare-and-swap attempts per write. Default 5. */
  maxAttempts?: number;
}

interface Waiter {
  mutation: Mutation;
  what: string;
  resolve: (doc: LedgerDocument | undefined) => void;
  reject: (e: unknown) => void;
}

export class LedgerWriter {
  readonly orgId: string;
  private readonly store: LedgerStore;
  private readonly maxAttempts: number | undefined;
  private queue: Waiter[] = [];
  private draining: Promise<void> | undefined;
  private written = 0;
  private latest: LedgerDocument | undefined;

  constructor(store: LedgerStore, orgId: string, options: LedgerWriterOptions = {}) {
    this.store = store;
    this.orgId = validateOrgId(orgId);
    this.maxAttempts = options.maxAttempts;
  }

  /** Updates that wrote something (each is one push). */
  get writes(): number {
    return this.written;
  }

  /** The document as of the last durable write by this writer. */
  get doc(): LedgerDocument | undefined {
    return this.latest;
  }

  /** Resolves with the durable document once `mutation` (and all queued with it) is pushed; rejects on failure. */
  record(mutation: Mutation, what = 'record'): Promise<LedgerDocument | undefined> {
    if (typeof mutation !== 'function') {
      return Promise.reject(new LedgerError('invalid-input', 'LedgerWriter.record needs a mutation function.'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ mutation, what, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when everything recorded so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Let callers that record in the same turn of the event loop join this batch.
        await nextTurn();
        const batch = this.queue.splice(0);
        await this.write(batch);
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async write(batch: Waiter[]): Promise<void> {
    let failed: { error: unknown }[] = [];
    try {
      const res = await this.store.update(
        this.orgId,
        (doc) => {
          failed = [];
          let current = doc;
          let changed = false;
          for (const w of batch) {
            try {
              const next = w.mutation(current === undefined ? undefined : structuredClone(current));
              if (next !== NO_CHANGE) {
                current = next;
                changed = true;
              }
            } catch (error) {
              failed[batch.indexOf(w)] = { error };
            }
          }
          return changed && current !== undefined ? current : NO_CHANGE;
        },
        { message: summary(batch), ...(this.maxAttempts === undefined ? {} : { maxAttempts: this.maxAttempts }) }
      );
      if (res.changed) this.written++;
      this.latest = res.doc;
      batch.forEach((w, i) => {
        const f = failed[i];
        if (f) w.reject(f.error);
        else w.resolve(res.doc);
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}

function summary(batch: Waiter[]): string {
  const whats = [...new Set(batch.map((w) => w.what))];
  const shown = whats.slice(0, 5).join('; ');
  return batch.length === 1 ? shown : `${batch.length} records: ${shown}${whats.length > 5 ? '; …' : ''}`;
}
