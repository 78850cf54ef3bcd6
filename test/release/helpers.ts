// Test helpers for the release engine: an in-memory journal, manifest builders and a ready-made harness.
import { createHash } from 'node:crypto';
import { FakeClock } from '../../src/common/clock.ts';
import type { EventInit, EventType, JournalEvent, JournalSink } from '../../src/journal/events.ts';
import type { FlowType } from '../../src/genesys/models.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import type { KnownCheckSpec as CheckSpec } from '../../src/checks/registry.ts';
import type { DraftFlowSpec, FileFlowSpec, FlowSpec, ReleaseManifest, StageSpec } from '../../src/manifest/types.ts';
import { deriveRelease, type DerivedFlow } from '../../src/journal/derive.ts';
import { runRelease } from '../../src/release/release.ts';
import type { ReleaseOptions, ReleaseResult } from '../../src/release/types.ts';
import { FakeGenesys } from './fake-genesys.ts';

export class MemoryJournal implements JournalSink {
  readonly events: JournalEvent[] = [];
  private readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }
  append<T extends EventType>(type: T, init: EventInit<T>): JournalEvent<T> {
    const prev = this.events[this.events.length - 1];
    const prevHash = prev ? createHash('sha256').update(JSON.stringify(prev)).digest('hex') : '0'.repeat(64);
    const e = { seq: this.events.length + 1, at: new Date(this.clock.now()).toISOString(), type, ...init, prevHash };
    // JSON round trip: the journal stores plain data, as the file-backed journal does.
    const stored = JSON.parse(JSON.stringify(e)) as JournalEvent<T>;
    this.events.push(stored as JournalEvent);
    return stored;
  }
  ofType<T extends EventType>(type: T): JournalEvent<T>[] {
    return this.events.filter((e) => e.type === type) as JournalEvent<T>[];
  }
  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

const TYPE_KEY: Partial<Record<FlowType, string>> = {
  inboundcall: 'inboundCall',
  workflow: 'workflow',
  bot: 'botFlow',
  inqueuecall: 'inqueueCall'
};

export function archy(name: string, type: FlowType, marker = 'v1'): string {
  return `${TYPE_KEY[type] ?? type}:\n  name: ${name}\n  description: ${marker}\n  startUpRef: ./tasks/main\n`;
}

export function fileFlow(
  name: string,
  type: FlowType = 'inboundcall',
  marker = 'v2',
  extra: Partial<FileFlowSpec> = {}
): FileFlowSpec {
  const content = archy(name, type, marker);
  return {
    name,
    type,
    source: 'file',
    file: `flows/${name.toLowerCase().replace(/\W+/g, '-')}.yaml`,
    content,
    contentHash: createHash('sha256').update(content).digest('hex'),
    substitutions: {},
    forceUnlock: false,
    ...extra
  };
}

export function draftFlow(name: string, type: FlowType = 'inboundcall', forceUnlock = false): DraftFlowSpec {
  return { name, type, source: 'draft', forceUnlock };
}

/**
 * A stage as the manifest loader delivers it: final values, no engine-side defaults. The check interval defaults as
 * the loader's does: min(bake, 30 s), at least 1 s.
 */
export function stage(
  name: string,
  flows: string[],
  checks: string[] = [],
  bakeMs = 0,
  checkIntervalMs = Math.max(1000, Math.min(bakeMs, 30_000))
): StageSpec {
  return { name, flows, checks, bakeMs, checkIntervalMs };
}

export function manifest(
  flows: FlowSpec[],
  stages: StageSpec[],
  checks: CheckSpec[] = [],
  extra: Partial<ReleaseManifest> = {}
): ReleaseManifest {
  return {
    version: 1,
    path: '/repo/genesys/release.yml',
    flows,
    stages,
    checks: Object.fromEntries(checks.map((c) => [c.name, c])),
    rollback: { automatic: true, newFlows: 'delete' },
    artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' },
    jobTimeoutMs: 16 * 60_000,
    concurrency: 4,
    ...extra
  };
}

export interface Harness {
  api: FakeGenesys;
  clock: FakeClock;
  journal: MemoryJournal;
  log: MemoryLogger;
  run: (opts: Partial<ReleaseOptions> & { manifest: ReleaseManifest }, signal?: AbortSignal) => Promise<ReleaseResult>;
  /** Every flow of the last run as the journal tells it (the reading the audit and the summary use). */
  flows: () => DerivedFlow[];
  flow: (name: string) => DerivedFlow | undefined;
}

export function harness(): Harness {
  const api = new FakeGenesys();
  const clock = new FakeClock();
  api.now = () => clock.now();
  const journal = new MemoryJournal(clock);
  const log = new MemoryLogger();
  let lastRun = 0;
  const flows = () => deriveRelease(journal.events.slice(lastRun)).flows;
  return {
    api,
    clock,
    journal,
    log,
    run: (opts, signal) => {
      lastRun = journal.events.length;
      return runRelease(
        {
          api,
          journal,
          clock,
          log,
          signal,
          httpGet: async () => ({ status: 200, body: 'ok' }),
          clientId: api.clientId
        },
        { command: 'deploy', releaseId: 'rel-1', ...opts }
      );
    },
    flows,
    flow: (name) => flows().find((f) => f.name === name)
  };
}
