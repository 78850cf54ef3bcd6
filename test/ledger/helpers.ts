// Fixtures for the ledger tests: documents and history entries on a FakeClock, and harnesses that give the contract
// suite two clients of one backend (two clones of one bare remote, or two memory stores on one backend).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../src/common/clock.ts';
import { GitLedgerStore, ledgerPath } from '../../src/ledger/git-store.ts';
import { MemoryLedgerBackend, MemoryLedgerStore } from '../../src/ledger/memory-store.ts';
import { emptyLedger } from '../../src/ledger/schema.ts';
import type { HistoryEntry, HistoryFlow, LedgerDocument } from '../../src/ledger/schema.ts';
import type { BeforeCommitHook, LedgerStore } from '../../src/ledger/store.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { git, makeFixture, writeFile } from '../git/git-fixture.ts';
import type { Fixture } from '../git/git-fixture.ts';

export const ORG = 'b1e4f7a2-0000-4000-8000-000000000001';
export const ORG2 = 'b1e4f7a2-0000-4000-8000-000000000002';
export const BRANCH = 'flow-release-state';
export const T0 = '2026-01-01T00:00:00.000Z';

export const hex = (c: string): string => c.repeat(64);

export function flow(name: string, overrides: Partial<HistoryFlow> = {}): HistoryFlow {
  return {
    name,
    type: 'inboundcall',
    id: `id-${name}`,
    version: '1.0',
    content: hex('a'),
    state: 'published',
    ...overrides
  };
}

export function entry(releaseId: string, flows: HistoryFlow[], overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return { releaseId, command: 'deploy', outcome: 'succeeded', finishedAt: T0, flows, ...overrides };
}

/** A mutate function that appends a history entry (no content) to the org's ledger. */
export function appendEntry(orgId: string, releaseId: string) {
  return (doc: LedgerDocument | undefined): LedgerDocument => {
    const d = doc ?? emptyLedger({ id: orgId });
    return { ...d, history: [...d.history, entry(releaseId, [])] };
  };
}

export interface Harness {
  /** Two clients of one backend. */
  a: LedgerStore;
  b: LedgerStore;
  setHook(store: LedgerStore, hook: BeforeCommitHook | undefined): void;
  /** Someone writes `text` as the org's document by hand. */
  corrupt(orgId: string, text: string): Promise<void>;
  /** The backend's current revision (the remote branch head). */
  head(): string | undefined;
  cleanup(): void;
}

export function memoryHarness(): Harness {
  const backend = new MemoryLedgerBackend();
  const clock = new FakeClock();
  const a = new MemoryLedgerStore({ backend, clock });
  const b = new MemoryLedgerStore({ backend, clock });
  return {
    a,
    b,
    setHook: (s, hook) => {
      (s as MemoryLedgerStore).beforeCommit = hook;
    },
    corrupt: async (orgId, text) => backend.setText(orgId, text),
    head: () => backend.rev,
    cleanup: () => {}
  };
}

export interface GitHarness extends Harness {
  fixture: Fixture;
  logger: MemoryLogger;
  clock: FakeClock;
  a: GitLedgerStore;
  b: GitLedgerStore;
}

/** A bare remote with main, our workspace clone (store a) and another clone (store b). */
export async function gitHarness(): Promise<GitHarness> {
  const fixture = makeFixture();
  const logger = new MemoryLogger();
  const clock = new FakeClock();
  const a = await GitLedgerStore.open({ cwd: fixture.work, logger, clock });
  const b = await GitLedgerStore.open({ cwd: fixture.other, logger: new MemoryLogger(), clock });
  return {
    fixture,
    logger,
    clock,
    a,
    b,
    setHook: (s, hook) => {
      (s as GitLedgerStore).beforeCommit = hook;
    },
    corrupt: async (orgId, text) => pushByHand(fixture, { [ledgerPath(orgId)]: text }),
    head: () => remoteStateHead(fixture),
    cleanup: () => fixture.cleanup()
  };
}

export function remoteStateHead(f: Fixture, branch = BRANCH): string | undefined {
  try {
    return git(f.remote, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`) || undefined;
  } catch {
    return undefined;
  }
}

/** A person edits the state branch in a scratch clone and pushes (what the ledger must survive, not do). */
export function pushByHand(f: Fixture, files: Record<string, string>, branch = BRANCH): void {
  const scratch = join(f.root, `scratch-${Math.random().toString(36).slice(2)}`);
  git(f.root, 'clone', '-q', f.remote, scratch);
  if (remoteStateHead(f, branch)) git(scratch, 'checkout', '-q', branch);
  else git(scratch, 'checkout', '-q', '--orphan', branch);
  for (const [path, content] of Object.entries(files)) {
    git(scratch, 'rm', '-q', '-r', '--cached', '--ignore-unmatch', '--', path);
    writeFile(scratch, path, content);
  }
  git(scratch, 'add', '-A', '--', ...Object.keys(files));
  git(scratch, 'commit', '-q', '-m', 'edited by hand');
  git(scratch, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  rmSync(scratch, { recursive: true, force: true });
}
