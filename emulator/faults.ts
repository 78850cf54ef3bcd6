// The active faults of an emulator run: added from the scenario or at runtime, each consumed `count` times (or
// forever), with a record of how often each fired so tests can prove a fault was actually exercised.
import { randomUUID } from 'node:crypto';
import { FaultSpec, ScenarioError } from './scenario.ts';
import type { FaultInput, FaultKind } from './scenario.ts';

export interface FaultRecord<K extends FaultKind = FaultKind> {
  id: string;
  spec: Extract<FaultSpec, { kind: K }>;
  /** Uses left; undefined = unlimited. */
  remaining: number | undefined;
  fired: number;
  addedAt: number;
  /** For `unhealthy`: publishes of the flow already counted when the fault was added. */
  baseline: number;
}

export class FaultRegistry {
  private readonly records: FaultRecord[] = [];

  /** Validates (so runtime additions get the same clear errors as the scenario) and registers a fault. */
  add(input: FaultInput | FaultSpec, addedAt: number, baseline = 0): FaultRecord {
    const parsed = FaultSpec.safeParse(input);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new ScenarioError(`Invalid fault: ${detail}`);
    }
    const spec = parsed.data;
    const record: FaultRecord = {
      id: randomUUID(),
      spec,
      remaining: 'count' in spec ? spec.count : undefined,
      fired: 0,
      addedAt,
      baseline
    };
    this.records.push(record);
    return record;
  }

  clear(): void {
    this.records.length = 0;
  }

  list(): readonly FaultRecord[] {
    return this.records;
  }

  active<K extends FaultKind>(kind: K): FaultRecord<K>[] {
    const matching = this.records.filter((r) => r.spec.kind === kind && (r.remaining === undefined || r.remaining > 0));
    return matching as unknown as FaultRecord<K>[];
  }

  /** The first active fault of `kind` that `match` accepts, consumed once. */
  take<K extends FaultKind>(
    kind: K,
    match: (spec: Extract<FaultSpec, { kind: K }>) => boolean = () => true
  ): FaultRecord<K> | undefined {
    const record = this.active(kind).find((r) => match(r.spec));
    if (record) this.consume(record);
    return record;
  }

  consume(record: { fired: number; remaining: number | undefined }): void {
    record.fired += 1;
    if (record.remaining !== undefined) record.remaining -= 1;
  }
}

/** `*` matches anything, `{x}` one path segment; the whole path must match. */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const regex = pattern
    .split(/(\*|\{[^}/]+\})/)
    .map((part) => {
      if (part === '*') return '.*';
      if (/^\{[^}/]+\}$/.test(part)) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${regex}$`).test(path);
}
