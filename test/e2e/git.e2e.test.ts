// Git acceptance (issue 4): the action process commits exactly what went live to the repository — one commit by
// github-actions[bot] with the exported YAML and release.json — and nothing when nothing changed or the release was
// rolled back; a moved remote is rebased onto (never force-pushed); a refused push fails the step but not the release.
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyFile } from '../../src/evidence/verify-file.ts';
import {
  baseManifest,
  baseScenario,
  makeRepo,
  release,
  startTestEmulator,
  tempDir,
  type E2eRun,
  type Emulator,
  type GitFixture
} from './helpers.ts';

const ARTIFACT_FILES = [
  'genesys/published/inboundcall/Billing IVR.yaml',
  'genesys/published/inboundcall/Support IVR.yaml',
  'genesys/published/release.json',
  'genesys/published/workflow/Callback Workflow.yaml'
];

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function setup(): Promise<{ emu: Emulator; repo: GitFixture }> {
  emu = await startTestEmulator(baseScenario());
  return { emu, repo: makeRepo({ manifest: baseManifest() }) };
}

/** Commit hashes on the bare remote's main, newest first. */
function remoteShas(repo: GitFixture): string[] {
  return repo.remoteGit('log', '--format=%H', 'main').split('\n');
}

/** The run's audit document and journal validate (schema + hash chain). */
function expectValidEvidence(run: E2eRun): void {
  expect(run.auditPath).toBeDefined();
  const audit = verifyFile(run.auditPath as string);
  expect(audit.lines).toEqual([expect.stringMatching(/^OK: audit document/)]);
  const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl'));
  expect(journal && verifyFile(journal).exitCode).toBe(0);
}

describe('git artifact commit (action process against the emulator)', () => {
  it('commits exactly one release commit with the exports and release.json; an identical second run adds none', async () => {
    const { emu, repo } = await setup();
    const before = remoteShas(repo);
    const sourceSha = repo.head();

    const first = await release(repo, emu);
    expect(first.exitCode).toBe(0);
    expect(first.outputs.outcome).toBe('succeeded');
    expectValidEvidence(first);

    const after = remoteShas(repo);
    expect(after.slice(1)).toEqual(before); // exactly one new commit, on top of what was there
    const sha = after[0] as string;
    expect(first.outputs['commit-sha']).toBe(sha);
    expect(repo.remoteGit('show', '--name-only', '--format=', sha).split('\n').sort()).toEqual(ARTIFACT_FILES);
    const [author, subject, body] = repo.remoteGit('log', '-1', '--format=%an <%ae>%n%s%n%b', sha).split('\n');
    expect(author).toBe('github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>');
    expect(subject).toBe(`release: ${first.outputs['release-id']} [skip ci]`);
    expect(body ?? '').toBe('');

    // release.json describes what is live: the release, its source commit and each published version.
    const record = JSON.parse(repo.remoteGit('show', `${sha}:genesys/published/release.json`)) as {
      releaseId: string;
      sourceCommit: string;
      outcome: string;
      flows: { name: string; id: string; version: string; contentHash: string; file: string }[];
    };
    const published = JSON.parse(first.outputs.published ?? '[]') as {
      name: string;
      flowId: string;
      toVersion: string;
    }[];
    expect(record.releaseId).toBe(first.outputs['release-id']);
    expect(record.sourceCommit).toBe(sourceSha);
    expect(record.outcome).toBe('succeeded');
    expect(record.flows.map((f) => [f.name, f.id, f.version]).sort()).toEqual(
      published.map((p) => [p.name, p.flowId, p.toVersion]).sort()
    );
    for (const f of record.flows) expect(f.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // The exported YAML is the flow as published (normalised: no export timestamp line).
    const ivr = repo.remoteGit('show', `${sha}:genesys/published/inboundcall/Support IVR.yaml`);
    expect(ivr).toContain('name: Support IVR');
    expect(ivr).not.toMatch(/Exported by Genesys Cloud Architect emulator/);

    // The workspace is at the release commit, clean (nothing left uncommitted).
    expect(repo.head()).toBe(sha);
    expect(repo.git('status', '--porcelain')).toBe('');

    // Same sources again: nothing to publish, nothing to commit.
    const second = await release(repo, emu);
    expect(second.exitCode).toBe(0);
    expect(second.outputs.outcome).toBe('succeeded');
    expect(second.outputs['commit-sha'] ?? '').toBe('');
    expect(remoteShas(repo)).toEqual(after);
    expectValidEvidence(second);
  });

  it('rebases onto a remote that moved since checkout: exactly one release commit on top of the remote', async () => {
    const { emu, repo } = await setup();
    // Someone else pushes to main after the checkout and before the release pushes.
    const other = join(tempDir('flow-release-e2e-other-'), 'clone');
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: other,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'Someone', GIT_AUTHOR_EMAIL: 's@example.com' }
      });
    execFileSync('git', ['clone', '-q', repo.remote, other]);
    writeFileSync(join(other, 'NOTES.md'), 'a concurrent change\n');
    git('add', 'NOTES.md');
    git('-c', 'user.name=Someone', '-c', 'user.email=s@example.com', 'commit', '-q', '-m', 'Concurrent change');
    git('push', '-q', 'origin', 'main');
    const moved = remoteShas(repo);

    const run = await release(repo, emu);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.outcome).toBe('succeeded');
    expectValidEvidence(run);
    expect(run.stdout).toMatch(/moved since checkout; rebasing/);

    const after = remoteShas(repo);
    expect(after.slice(1)).toEqual(moved); // one commit, parent = the concurrent one, nothing lost or forced
    const sha = after[0] as string;
    expect(run.outputs['commit-sha']).toBe(sha);
    expect(repo.remoteGit('log', '-1', '--format=%an%n%s', sha).split('\n')).toEqual([
      'github-actions[bot]',
      `release: ${run.outputs['release-id']} [skip ci]`
    ]);
    expect(repo.remoteGit('show', '--name-only', '--format=', sha).split('\n').sort()).toEqual(ARTIFACT_FILES);
    expect(repo.remoteGit('show', `${sha}:NOTES.md`)).toBe('a concurrent change');
    const commits = eventsCommit(run);
    expect(commits).toMatchObject([{ pushed: true, attempts: 2 }]);
  });

  it('a rejected push fails the step with a clear message; the outcome stays succeeded and the audit is written', async () => {
    const { emu, repo } = await setup();
    const hook = join(repo.remote, 'hooks', 'pre-receive');
    // main is protected; the state branch (the release ledger) must accept pushes, as docs/state.md says.
    writeFileSync(
      hook,
      '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = refs/heads/main ]; then\n' +
        '    echo "protected branch: direct pushes are refused" >&2\n    exit 1\n  fi\ndone\nexit 0\n'
    );
    chmodSync(hook, 0o755);
    const before = remoteShas(repo);

    const run = await release(repo, emu);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.outcome).toBe('succeeded');
    expect(remoteShas(repo)).toEqual(before);
    const failure = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(failure).toEqual([
      expect.stringMatching(
        /^The release succeeded, but committing the published flows failed: The remote rejected the release commit [0-9a-f]{40} to origin\/main: [\s\S]*protected branch: direct pushes are refused[\s\S]*not force-pushed[\s\S]*The exported flows are in the audit artifact\.$/
      )
    ]);
    // The evidence is complete: the audit document (and its local artifact copy) exists and verifies.
    expectValidEvidence(run);
    const artifactDir = join(run.runnerTemp, 'flow-release-artifacts', 'flow-release-audit');
    expect(existsSync(join(artifactDir, `flow-release-${run.outputs['release-id']}.audit.json`))).toBe(true);
    expect(eventsCommit(run)).toMatchObject([{ pushed: false, error: expect.stringContaining('rejected') }]);
    expect(run.summary).toContain('**Commit failed:**');
    expect(run.summary).toContain('Flow Release succeeded');
  });

  it('a rolled-back release commits nothing', async () => {
    const { emu, repo } = await setup();
    emu.addFault({ kind: 'unhealthy', flow: 'Support IVR', failureRatio: 0.4, after: 'next-publish', initial: 50 });
    const before = remoteShas(repo);
    const headBefore = repo.head();

    const run = await release(repo, emu);
    expect(run.outputs.outcome).toBe('rolled-back');
    expect(run.exitCode).toBe(1);
    expectValidEvidence(run);
    expect(remoteShas(repo)).toEqual(before);
    expect(repo.head()).toBe(headBefore);
    expect(existsSync(join(repo.workspace, 'genesys/published'))).toBe(false);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(run.outputs['commit-sha'] ?? '').toBe('');
    expect(eventsCommit(run)).toEqual([]);
    expect(readFileSync(join(repo.workspace, 'genesys/release.yml'), 'utf8')).toContain('Support IVR');
  });
});

function eventsCommit(run: E2eRun): Record<string, unknown>[] {
  return run.events.filter((e) => e.type === 'commit').map((e) => e.details as Record<string, unknown>);
}
