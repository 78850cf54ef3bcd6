// Durable release state, end to end (the built action ↔ the emulator ↔ a git origin): the org's ledger on the state
// branch is the memory of every decision. Acceptance scenarios of "Durable release state":
//   (a) kill -9 mid-release, then a deploy with a failing check: the org ends at the content each run reports;
//   (b) kill -9 mid-release, then command: rollback: the dead run's jobs cannot land after the rollback reports;
//   (c) commit-artifacts: false twice: the second identical deploy publishes nothing;
//   (d) R1 then R2, then command: rollback: R1's content is live, verified, and recorded;
//   (e) two orgs released from one repository never read each other's state.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  baseManifest,
  baseScenario,
  commitFiles,
  describeRun,
  eventsOf,
  ledgerOf,
  makeRepo,
  pendingJobs,
  publishCount,
  publishedContent,
  publishedYaml,
  release,
  startTestEmulator,
  tempDir,
  type E2eRun,
  type Emulator
} from './helpers.ts';

const NAMES = ['Callback Workflow', 'Support IVR', 'Billing IVR'];
const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';

async function withEmulator<T>(scenario: Parameters<typeof startTestEmulator>[0], fn: (emu: Emulator) => Promise<T>) {
  const emu = await startTestEmulator(scenario);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

const contents = (emu: Emulator) => Object.fromEntries(NAMES.map((n) => [n, publishedContent(emu, n)]));

function expectOutcome(run: E2eRun, outcome: string): void {
  expect([run.outputs.outcome, run.killedBy ?? null]).toEqual([outcome, null]);
  if (run.outputs.outcome !== outcome) throw new Error(describeRun(run));
}

/** One stage with every flow, one at a time, so a kill lands between publishes. */
function oneStage(greeting: string, extra: Record<string, unknown> = {}) {
  const m = baseManifest({ greeting, bake: '0s' });
  return {
    ...m,
    stages: [{ name: 'all', flows: NAMES, bake: '0s', 'check-interval': '1s', checks: [] }],
    concurrency: 1,
    ...extra
  };
}

/** The same, with a check that always fails (not enough traffic for a huge min-samples). */
function failingCheck(greeting: string) {
  const m = oneStage(greeting);
  return {
    ...m,
    stages: [{ name: 'all', flows: NAMES, bake: '1s', 'check-interval': '1s', checks: ['never'] }],
    checks: {
      ...m.checks,
      never: {
        kind: 'analytics',
        metric: 'outcome-failure-rate',
        max: 0.05,
        'min-samples': 1_000_000,
        'on-insufficient-data': 'fail'
      }
    }
  };
}

describe('durable release state (ledger) end to end', () => {
  test.concurrent(
    '(a) kill -9 mid-release, then a deploy with a failing check: the org is what each run reports',
    async () => {
      await withEmulator(baseScenario({ organization: { id: ORG_A, name: 'Org A' } }), async (emu) => {
        const original = contents(emu);
        const repo = makeRepo({ manifest: oneStage('Killed') });
        const base = publishCount(emu);
        const dead = await release(repo, emu, {}, {}, { killWhen: () => publishCount(emu) >= base + 2 });
        expect(dead.signal).toBe('SIGKILL');
        const afterKill = ledgerOf(repo, ORG_A);
        expect(afterKill?.inProgress?.flows.map((f) => f.name).sort()).toEqual([...NAMES].sort());
        expect(afterKill?.lock?.holder).toBe(afterKill?.inProgress?.releaseId);

        commitFiles(repo, { 'genesys/release.yml': failingCheck('Next') }, 'Next release');
        const next = await release(repo, emu, { 'takeover-lock': 'true' });
        expectOutcome(next, 'rolled-back');
        const started = eventsOf(next, 'recovery-started')[0]!.details;
        expect(started.releaseId).toBe(afterKill?.inProgress?.releaseId);
        const changed = started.flows.filter((f) => f.live?.version !== f.beforeVersion);
        expect(changed.length).toBeGreaterThanOrEqual(2);
        for (const f of changed) expect(f.live?.createdByClient).toBe(emu.clientId);
        expect(eventsOf(next, 'recovery-finished')[0]!.details.ok).toBe(true);
        // Every flow is at the content before the dead run: the recovery restored it, the rollback restored it again.
        expect(contents(emu)).toEqual(original);
        for (const e of eventsOf(next, 'rollback-flow')) {
          expect([e.flow, e.details.ok]).toEqual([e.flow, true]);
          expect([e.flow, publishedContent(emu, e.flow!)]).toEqual([e.flow, original[e.flow!]]);
        }
        for (const n of NAMES) expect(publishedYaml(emu, n)?.startsWith('#')).toBe(false);
        const doc = ledgerOf(repo, ORG_A)!;
        expect(doc.inProgress).toBeNull();
        expect(doc.lock).toBeNull();
        expect(doc.history.map((h) => h.command)).toEqual(['deploy', 'recover', 'deploy']);
        expect(doc.history.map((h) => h.outcome)).toEqual(['failed', 'rolled-back', 'rolled-back']);
      });
    }
  );

  test.concurrent(
    '(b) kill -9 mid-release, then command: rollback: no job of the dead run lands after it',
    async () => {
      await withEmulator(baseScenario({ organization: { id: ORG_A, name: 'Org A' } }), async (emu) => {
        const repo = makeRepo({ manifest: oneStage('Release one', { concurrency: 3 }) });
        expectOutcome(await release(repo, emu), 'succeeded');
        const r1 = contents(emu);
        commitFiles(repo, { 'genesys/release.yml': oneStage('Release two', { concurrency: 3 }) }, 'Release two');
        for (const flow of NAMES) emu.addFault({ kind: 'job-latency', flow, ms: 8_000, count: 1 });
        const uploads = () => emu.counts()['PUT /__uploads/{id}'] ?? 0;
        const before = uploads();
        const dead = await release(repo, emu, {}, {}, { killWhen: () => uploads() >= before + 2 });
        expect(dead.signal).toBe('SIGKILL');
        expect(pendingJobs(emu).length).toBeGreaterThan(0);

        const rollback = await release(repo, emu, { command: 'rollback', 'takeover-lock': 'true' });
        expectOutcome(rollback, 'succeeded');
        // The dead run's jobs ended before the rollback reported: nothing of it can land afterwards.
        expect(pendingJobs(emu)).toEqual([]);
        expect(contents(emu)).toEqual(r1);
        const doc = ledgerOf(repo, ORG_A)!;
        expect(doc.inProgress).toBeNull();
        expect(doc.lock).toBeNull();
      });
    }
  );

  test.concurrent('(c) commit-artifacts: false twice: the second identical deploy publishes nothing', async () => {
    await withEmulator(baseScenario({ organization: { id: ORG_A } }), async (emu) => {
      const repo = makeRepo({ manifest: oneStage('Unrecorded') });
      const first = await release(repo, emu, { 'commit-artifacts': 'false' });
      expectOutcome(first, 'succeeded');
      const published = publishCount(emu);
      emu.resetRequests();
      const second = await release(repo, emu, { 'commit-artifacts': 'false' });
      expectOutcome(second, 'succeeded');
      expect(publishCount(emu)).toBe(published);
      expect(emu.counts()['POST /api/v2/flows/jobs'] ?? 0).toBe(0);
      expect(JSON.parse(second.outputs.published ?? '[]')).toEqual([]);
      expect(repo.remoteLog().some((s) => s.startsWith('release:'))).toBe(false);
    });
  });

  test.concurrent('(d) after R1 then R2, command: rollback puts R1 live, verified, and records it', async () => {
    await withEmulator(baseScenario({ organization: { id: ORG_A } }), async (emu) => {
      const repo = makeRepo({ manifest: oneStage('R one') });
      expectOutcome(await release(repo, emu), 'succeeded');
      const r1 = contents(emu);
      commitFiles(repo, { 'genesys/release.yml': oneStage('R two') }, 'R two');
      const second = await release(repo, emu, { 'commit-artifacts': 'false' });
      expectOutcome(second, 'succeeded');
      expect(contents(emu)).not.toEqual(r1);
      const rollback = await release(repo, emu, { command: 'rollback', 'commit-artifacts': 'false' });
      expectOutcome(rollback, 'succeeded');
      expect(contents(emu)).toEqual(r1);
      const flows = eventsOf(rollback, 'rollback-flow');
      expect(flows.map((e) => e.flow).sort()).toEqual([...NAMES].sort());
      expect(flows.every((e) => e.details.ok && e.details.actual.contentHash === e.details.expected.contentHash)).toBe(
        true
      );
      const doc = ledgerOf(repo, ORG_A)!;
      const last = doc.history.at(-1)!;
      expect([last.releaseId, last.command, last.outcome]).toEqual([
        rollback.outputs['release-id'],
        'rollback',
        'succeeded'
      ]);
      expect(last.flows.every((f) => f.state === 'restored')).toBe(true);
    });
  });

  test.concurrent('(e) two orgs released from one repository never read each other’s state', async () => {
    await withEmulator(baseScenario({ organization: { id: ORG_A, name: 'Org A' } }), async (a) => {
      await withEmulator(baseScenario({ organization: { id: ORG_B, name: 'Org B' } }), async (b) => {
        const repo = makeRepo({ manifest: oneStage('Both') });
        expectOutcome(await release(repo, a, { 'commit-artifacts': 'false' }), 'succeeded');
        const inB = await release(repo, b, { 'commit-artifacts': 'false' });
        expectOutcome(inB, 'succeeded');
        // Org B's first release publishes every flow: org A's history says nothing about org B.
        expect(JSON.parse(inB.outputs.published ?? '[]')).toHaveLength(3);
        expect(eventsOf(inB, 'ledger-read')[0]!.details).toMatchObject({ orgId: ORG_B, releases: 0 });
        const docA = ledgerOf(repo, ORG_A)!;
        const docB = ledgerOf(repo, ORG_B)!;
        expect([docA.org.id, docA.history.length, docB.org.id, docB.history.length]).toEqual([ORG_A, 1, ORG_B, 1]);
        const idsA = new Set(docA.history[0]!.flows.map((f) => f.id));
        expect(docB.history[0]!.flows.some((f) => idsA.has(f.id))).toBe(false);
        a.resetRequests();
        expectOutcome(await release(repo, a, { 'commit-artifacts': 'false' }), 'succeeded');
        expect(a.counts()['POST /api/v2/flows/jobs'] ?? 0).toBe(0);
      });
    });
  });

  test.concurrent('two deploys at once: exactly one changes the org, the other names the holder', async () => {
    await withEmulator(baseScenario({ organization: { id: ORG_A } }), async (emu) => {
      const repo = makeRepo({ manifest: oneStage('Concurrent', { concurrency: 3 }) });
      // A second checkout of the same repository (another runner): same origin, same state branch.
      const other = join(tempDir('flow-release-e2e-clone-'), 'work');
      execFileSync('git', ['clone', '-q', repo.remote, other], { stdio: 'ignore' });
      for (const flow of NAMES) emu.addFault({ kind: 'job-latency', flow, ms: 3_000, count: 2 });
      const base = publishCount(emu);
      const runs = await Promise.all([release(repo, emu), release({ workspace: other, head: repo.head }, emu)]);
      const outcomes = runs.map((r) => r.outputs.outcome).sort();
      expect(outcomes).toEqual(['failed', 'succeeded']);
      expect(publishCount(emu)).toBe(base + NAMES.length);
      const loser = runs.find((r) => r.outputs.outcome === 'failed')!;
      const winner = runs.find((r) => r.outputs.outcome === 'succeeded')!;
      const said = loser.annotations.map((a) => a.message).join('\n');
      expect(said).toContain(`held by release ${winner.outputs['release-id']}`);
      expect(said).toMatch(/actions\/runs\/\d+/);
      expect(said).toMatch(/lease runs until/);
      expect(loser.events.some((e) => e.type === 'publish-started')).toBe(false);
    });
  });
});
