// The append-only, hash-chained journal. Each event is redacted, hashed and appended to disk synchronously the moment
// it happens, so a crash or a SIGTERM mid-release still leaves the whole story up to that point.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock.ts';
import { redactor as defaultRedactor, type Redactor } from '../common/redact.ts';
import type { EventInit, EventType, JournalEvent, JournalSink } from './events.ts';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Turns any value into plain JSON data: drops `undefined`, turns Errors into `{ name, message }`, non-finite numbers
 * into null and bigints into strings, so the in-memory event is exactly what a reader parses back from the file.
 */
export function toPlainJson(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (v instanceof Error) return { name: v.name, message: v.message };
    if (typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
      let out: unknown;
      if (Array.isArray(v)) out = v.map((x) => walk(x) ?? null);
      else {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const w = walk(x);
          if (w !== undefined) o[k] = w;
        }
        out = o;
      }
      seen.delete(v);
      return out;
    }
    return undefined;
  };
  return walk(value);
}

/**
 * `toPlainJson` and `Redactor.redactDeep` in one walk: the plain JSON form of `value` with every string and key
 * redacted. Equal to `redactor.redactDeep(toPlainJson(value))`, without building the intermediate copy.
 */
export function toRedactedPlainJson(value: unknown, redactor: Redactor): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string') return redactor.redact(v);
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'bigint') return redactor.redact(v.toString());
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : redactor.redact(v.toISOString());
    if (v instanceof Error) return { name: redactor.redact(v.name), message: redactor.redact(v.message) };
    if (typeof v === 'object') {
      if (seen.has(v)) return redactor.redact('[circular]');
      seen.add(v);
      let out: unknown;
      if (Array.isArray(v)) out = v.map((x) => walk(x) ?? null);
      else {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const w = walk(x);
          if (w !== undefined) o[redactor.redact(k)] = w;
        }
        out = o;
      }
      seen.delete(v);
      return out;
    }
    return undefined;
  };
  return walk(value);
}

/** `canonicalJson` of a value that is already plain JSON data (as `toPlainJson` returns): skips that walk. */
function canonicalPlainJson(plain: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) o[k] = walk(x);
      }
      return o;
    }
    return v;
  };
  return JSON.stringify(walk(plain)) ?? 'null';
}

/** JSON with object keys sorted at every level and no whitespace: the one byte form that gets hashed. */
export function canonicalJson(value: unknown): string {
  return canonicalPlainJson(toPlainJson(value));
}

/** sha256 (hex) of an event's canonical JSON, prevHash included: what the next event's `prevHash` must equal. */
export function hashEvent(event: unknown): string {
  return sha256(canonicalJson(event));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface JournalOptions {
  /** Folder for the journal file; created if missing. */
  dir: string;
  releaseId: string;
  clock: Clock;
  redactor?: Redactor;
}

export function journalFileName(releaseId: string): string {
  return `flow-release-${releaseId}.journal.jsonl`;
}

/** Parses a JSON-lines journal. Throws with the line number when a line is not JSON. */
export function parseJournal(text: string): JournalEvent[] {
  const events: JournalEvent[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch (e) {
      throw new Error(`journal line ${i + 1} is not valid JSON (${(e as Error).message})`, { cause: e });
    }
  });
  return events;
}

export class Journal implements JournalSink {
  readonly path: string;
  readonly releaseId: string;
  private readonly clock: Clock;
  private readonly redactor: Redactor;
  private readonly list: JournalEvent[] = [];
  private lastHash = GENESIS_HASH;
  /** The first failure to write to disk, if any. The events stay in memory so the audit document is still complete. */
  writeError: Error | undefined;
  /** Events offered after seal(): not recorded, only counted. */
  dropped = 0;
  private sealed = false;

  private constructor(options: JournalOptions, path: string) {
    this.path = path;
    this.releaseId = options.releaseId;
    this.clock = options.clock;
    this.redactor = options.redactor ?? defaultRedactor;
  }

  /**
   * Opens `<dir>/flow-release-<releaseId>.journal.jsonl`. An existing file (a resumed run, or the post step) is read
   * back and the chain continues after its last event; otherwise the file is created empty at once, so it exists
   * even if the first event never comes.
   */
  static create(options: JournalOptions): Journal {
    mkdirSync(options.dir, { recursive: true });
    const journal = new Journal(options, join(options.dir, journalFileName(options.releaseId)));
    if (existsSync(journal.path)) {
      for (const e of parseJournal(readFileSync(journal.path, 'utf8'))) {
        journal.list.push(e);
        journal.lastHash = hashEvent(e);
      }
    } else {
      appendFileSync(journal.path, '');
    }
    return journal;
  }

  get events(): readonly JournalEvent[] {
    return this.list;
  }

  /** Hash of the last event (64 zeros when empty): what the next event will carry as `prevHash`. */
  get headHash(): string {
    return this.lastHash;
  }

  /**
   * Ends the journal: later appends are not recorded. Called once `release-finished` is written, so that work still
   * winding down after a cancellation (a rollback past its grace period) cannot add events behind the end of the
   * story, after the audit document was built from it.
   */
  seal(): void {
    this.sealed = true;
  }

  append<T extends EventType>(type: T, init: EventInit<T>): JournalEvent<T> {
    // Redact before hashing: the hash must cover exactly the bytes that were written. One walk makes the plain,
    // redacted copy that is both kept in memory and written; the caller's `init` is not retained.
    const clean = toRedactedPlainJson(init, this.redactor) as EventInit<T>;
    const event = {
      seq: (this.list.at(-1)?.seq ?? 0) + 1,
      at: new Date(this.clock.now()).toISOString(),
      type,
      ...(clean.stage !== undefined && { stage: clean.stage }),
      ...(clean.flow !== undefined && { flow: clean.flow }),
      status: clean.status,
      ...(clean.latencyMs !== undefined && { latencyMs: clean.latencyMs }),
      ...(clean.request !== undefined && { request: clean.request }),
      details: clean.details ?? {},
      prevHash: this.lastHash
    } as JournalEvent<T>;
    if (this.sealed) {
      this.dropped++;
      return event;
    }
    // `event` is plain JSON data already, and its hash is the hash of exactly this line: serialise once.
    const line = canonicalPlainJson(event);
    this.lastHash = sha256(line);
    this.list.push(event as JournalEvent);
    try {
      appendFileSync(this.path, line + '\n', 'utf8');
    } catch (e) {
      // Losing the disk copy must not abort a release half-way through; the in-memory list still feeds the audit.
      this.writeError ??= e instanceof Error ? e : new Error(String(e));
    }
    return event;
  }
}
