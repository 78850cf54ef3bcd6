// Cancellation (issue 4, item 6): SIGTERM in the middle of a bake, as a cancelled workflow run sends it. The action
// starts no new release publish, flushes journal, audit document and summary, and exits within 5 s; the post step
// uploads (here: writes locally) the evidence when the main step could not.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { REPO_ROOT, runAction, type ActionRun } from '../../scripts/lib/action-runner.ts';
import { verifyFile } from '../../src/evidence/verify-file.ts';
import type { JournalEvent, RollbackFlowResult } from '../../src/evidence/events.ts';
import {
  baseManifest,
  baseScenario,
  emulatorInputs,
  flowState,
  makeRepo,
  startTestEmulator,
  type Emulator,
  type GitFixture,
  type RequestRecord
} from './helpers.ts';

const PUBLISH_KEYS = new Set(['POST /api/v2/flows/jobs', 'POST /api/v2/flows/actions/publish']);

/** The post step's entry: src/post.ts when the tests run the sources, else the built dist/post/index.js. */
function postEntry(): string {
  const main = process.env.FLOW_RELEASE_ENTRY;
  return main && main.endsWith('.ts')
    ? join(dirname(resolve(REPO_ROOT, main)), 'post.ts')
    : resolve(REPO_ROOT, 'dist/post/index.js');
}

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

interface CancelledRun {
  run: ActionRun;
  repo: GitFixture;
  emu: Emulator;
  signalAt: number;
  exitedAt: number;
  /** Requests the emulator had answered (or was answering) when the signal was sent. */
  requestsAtSignal: number;
  events: JournalEvent[];
}

/** Runs a release whose canary stage bakes for 60 s and sends SIGTERM once the bake has started. */
async function cancelMidBake(
  rollback: Record<string, unknown>,
  atSignal?: (e: Emulator) => void
): Promise<CancelledRun> {
  emu = await startTestEmulator(baseScenario());
  const e = emu;
  const manifest = baseManifest();
  manifest.stages = [
    { name: 'canary', flows: ['Callback Workflow'], bake: '60s' },
    { name: 'everything', flows: ['Support IVR', 'Billing IVR'], bake: '1s' }
  ];
  delete (manifest as Record<string, unknown>).checks;
  manifest.rollback = rollback;
  const repo = makeRepo({ manifest });
  let child: ChildProcess | undefined;
  let out = '';
  let signalAt = 0;
  let requestsAtSignal = 0;
  const run = await runAction({
    workspace: repo.workspace,
    inputs: emulatorInputs(e),
    env: { GITHUB_SHA: repo.head(), GITHUB_RUN_ID: '3001' },
    timeoutMs: 60_000,
    onStart: (c) => (child = c),
    onStdout: (chunk) => {
      out += chunk;
      if (!signalAt && /Baking canary for 60 s/.test(out)) {
        signalAt = Date.now();
        requestsAtSignal = e.requests().length;
        atSignal?.(e);
        child?.kill('SIGTERM');
      }
    }
  });
  const exitedAt = Date.now();
  const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  const events = journal
    ? readFileSync(journal, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as JournalEvent)
    : [];
  return { run, repo, emu: e, signalAt, exitedAt, requestsAtSignal, events };
}

function publishesAfter(c: CancelledRun): RequestRecord[] {
  return c.emu
    .requests()
    .slice(c.requestsAtSignal)
    .filter((r) => PUBLISH_KEYS.has(r.key));
}

/** Evidence every cancelled run must leave: journal with `cancelled`, a valid audit document, a summary, outputs. */
function expectFlushedEvidence(c: CancelledRun): void {
  const { run, events } = c;
  expect(c.signalAt).toBeGreaterThan(0);
  expect(c.exitedAt - c.signalAt).toBeLessThan(5_000);
  expect(run.signal).toBeNull(); // it exited by itself, not killed by the runner's SIGKILL
  expect(run.exitCode).toBe(1);
  expect(events.map((e) => e.type)).toContain('cancelled');
  expect(events.find((e) => e.type === 'cancelled')?.details).toEqual({ signal: 'SIGTERM' });
  expect(events.at(-1)?.type).toBe('release-finished');
  expect(run.auditPath).toBeDefined();
  expect(verifyFile(run.auditPath as string).exitCode).toBe(0);
  expect(run.audit?.events).toHaveLength(events.length);
  expect(run.summary).toMatch(/^## .*Flow Release/);
  expect(run.summary).toContain('cancelled (SIGTERM)');
  expect(run.outputs.outcome).toBeDefined();
  expect(run.outputs.outcome).not.toBe('succeeded');
  expect(run.outputs['audit-log']).toBe(run.auditPath);
  // Nothing of the cancelled release reached git.
  expect(c.repo.remoteLog()).toEqual(['Add flows and release manifest']);
}

describe('cancellation (SIGTERM mid-bake)', () => {
  it('without automatic rollback: no mutation after the signal, evidence flushed, exit within 5 s', async () => {
    const c = await cancelMidBake({ automatic: false });
    expectFlushedEvidence(c);
    expect(c.run.outputs.outcome).toBe('failed');
    // Not a single change to the org after the signal: no publish, no job, no unlock, no delete.
    expect(
      c.emu
        .requests()
        .slice(c.requestsAtSignal)
        .filter((r) => r.mutating)
    ).toEqual([]);
    // The next stage never started.
    expect(flowState(c.emu, 'Support IVR').publishCount).toBe(0);
    expect(flowState(c.emu, 'Billing IVR').publishCount).toBe(0);
    expect(c.events.some((e) => e.type === 'stage-started' && e.stage === 'everything')).toBe(false);

    // The post step, given the main step's saved state with `evidence-uploaded` false (the main step could not
    // upload) and the audit document missing (killed before it was written), rebuilds and uploads it.
    const state = c.run.state;
    expect(Object.keys(state).sort()).toEqual(['evidence-dir', 'evidence-files', 'evidence-uploaded']);
    const [journalPath, auditPath] = JSON.parse(state['evidence-files'] ?? '[]') as string[];
    rmSync(auditPath as string);
    const post = await runAction({
      workspace: c.repo.workspace,
      entry: postEntry(),
      inputs: { 'audit-artifact-name': 'flow-release-audit' },
      env: {
        'STATE_evidence-dir': state['evidence-dir'] ?? '',
        'STATE_evidence-files': state['evidence-files'] ?? '',
        'STATE_evidence-uploaded': 'false'
      },
      timeoutMs: 30_000
    });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/Flow Release post step: audit evidence uploaded \(.*flow-release-artifacts/);
    const target = join(post.runnerTemp, 'flow-release-artifacts', 'flow-release-audit');
    const uploadedAudit = join(target, basename(auditPath as string));
    expect(existsSync(join(target, basename(journalPath as string)))).toBe(true);
    expect(verifyFile(uploadedAudit).exitCode).toBe(0);
    expect((JSON.parse(readFileSync(uploadedAudit, 'utf8')) as { events: unknown[] }).events).toHaveLength(
      c.events.length
    );

    // Uploaded already: the post step does nothing.
    const noop = await runAction({
      workspace: c.repo.workspace,
      entry: postEntry(),
      inputs: { 'audit-artifact-name': 'flow-release-audit' },
      env: {
        'STATE_evidence-dir': state['evidence-dir'] ?? '',
        'STATE_evidence-files': state['evidence-files'] ?? '',
        'STATE_evidence-uploaded': 'true'
      },
      timeoutMs: 30_000
    });
    expect(noop.exitCode).toBe(0);
    expect(existsSync(join(noop.runnerTemp, 'flow-release-artifacts'))).toBe(false);
  });

  it('with automatic rollback: only the rollback of the canary is published after the signal, within 5 s', async () => {
    const c = await cancelMidBake({ automatic: true, 'new-flows': 'delete' });
    expectFlushedEvidence(c);
    const rb = c.events.find((e) => e.type === 'rollback-finished')?.details as
      { ok: boolean; flows: RollbackFlowResult[] } | undefined;
    // On a loaded machine the rollback can outlast its 3 s grace period: then the evidence says so (never succeeded).
    expect(c.run.outputs.outcome).toBe(rb?.ok ? 'rolled-back' : 'rollback-failed');
    // No release publish after the signal: the next stage's flows were never touched ...
    expect(flowState(c.emu, 'Support IVR').publishCount).toBe(0);
    expect(flowState(c.emu, 'Billing IVR').publishCount).toBe(0);
    // ... and the only publish after it restores the canary's previous version (verified by the rollback).
    const canary = flowState(c.emu, 'Callback Workflow');
    const after = publishesAfter(c);
    // (the engine republishes the snapshot's content through one Architect job)
    expect(after.map((r) => r.key)).toEqual(['POST /api/v2/flows/jobs']);
    expect(canary.publishCount).toBeLessThanOrEqual(2); // the release's publish, then (at most) the rollback's
    if (!rb?.ok) return;
    expect(rb?.flows).toMatchObject([{ name: 'Callback Workflow', action: 'republish', expected: { version: '1.0' } }]);
    // Verified by reading the org back: the live content is the snapshot's (normalised content hash).
    expect(rb?.flows[0]?.actual.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rb?.flows[0]?.actual.contentHash).toBe(rb?.flows[0]?.expected.contentHash);
    expect(canary.publishedVersion).toBe(rb?.flows[0]?.actual.version);
  });

  it('a rollback that hangs after the signal is abandoned: evidence still flushed and exit within 5 s', async () => {
    // The rollback's Architect job never finishes: the grace period runs out and the evidence is written anyway.
    const c = await cancelMidBake({ automatic: true, 'new-flows': 'delete' }, (e) =>
      e.addFault({ kind: 'stuck-job', flow: 'Callback Workflow' })
    );
    expectFlushedEvidence(c);
    expect(c.run.outputs.outcome).toBe('rollback-failed');
    expect(c.run.summary).toContain('Flow Release rollback failed');
    expect(flowState(c.emu, 'Support IVR').publishCount).toBe(0);
    expect(publishesAfter(c).map((r) => r.key)).toEqual(['POST /api/v2/flows/jobs']);
  });
});
