import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GitCommitter } from '../../src/git/committer.ts';
import { GitError } from '../../src/git/errors.ts';
import { isNonFastForward } from '../../src/git/push.ts';
import { artifactPath } from '../../src/git/record.ts';
import { BOT_EMAIL, BOT_NAME } from '../../src/git/run.ts';
import type { CommitRequest } from '../../src/git/types.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { git, installHook, makeFixture, pushFromOther, remoteHead, writeFile } from './git-fixture.ts';
import type { Fixture } from './git-fixture.ts';

const DIR = 'genesys/published';
const IVR = `${DIR}/inboundcall/Support IVR.yaml`;
const WF = `${DIR}/workflow/Callback Workflow.yaml`;

let fixtures: Fixture[] = [];
function fixture(seed: Record<string, string> = {}): Fixture {
  const f = makeFixture(seed);
  fixtures.push(f);
  return f;
}
afterEach(() => {
  for (const f of fixtures) f.cleanup();
  fixtures = [];
});

function request(f: Fixture, overrides: Partial<CommitRequest> = {}): CommitRequest {
  return {
    cwd: f.work,
    files: [
      { path: IVR, content: 'inboundCall:\n  name: Support IVR\n' },
      { path: WF, content: 'workflow:\n  name: Callback Workflow\n' },
      { path: `${DIR}/release.json`, content: '{"releaseId":"r1"}\n' }
    ],
    cleanDir: DIR,
    message: 'release: r1 [skip ci]',
    branch: 'main',
    ...overrides
  };
}

/** The GitError a call fails with; fails the test if the call succeeds or throws something else. */
async function failure(p: Promise<unknown>): Promise<GitError> {
  const outcome = await p.then(
    (v) => ({ ok: true, v }),
    (e: unknown) => ({ ok: false, v: e })
  );
  expect(outcome.ok).toBe(false);
  expect(outcome.v).toBeInstanceOf(GitError);
  return outcome.v as GitError;
}

function commitCount(cwd: string, ref = 'HEAD'): number {
  return Number(git(cwd, 'rev-list', '--count', ref));
}

describe('GitCommitter', () => {
  it('commits exactly the files as the bot with the given message and pushes', async () => {
    const f = fixture();
    const before = remoteHead(f);
    const logger = new MemoryLogger();
    const res = await new GitCommitter({ logger }).commitAndPush(request(f));

    expect(res.pushed).toBe(true);
    expect(res.attempts).toBe(1);
    expect(res.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(res.files.sort()).toEqual([IVR, WF, `${DIR}/release.json`].sort());
    expect(remoteHead(f)).toBe(res.sha);
    expect(git(f.remote, 'rev-parse', `${res.sha}^`)).toBe(before);
    expect(git(f.remote, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', 'main')).toBe(
      `${BOT_NAME} <${BOT_EMAIL}>|${BOT_NAME} <${BOT_EMAIL}>|release: r1 [skip ci]`
    );
    const changed = git(f.remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', '-z', 'main').split('\0');
    expect(changed.filter(Boolean).sort()).toEqual([IVR, WF, `${DIR}/release.json`].sort());
    expect(git(f.remote, 'show', `main:${IVR}`)).toBe('inboundCall:\n  name: Support IVR');
    // The user's identity config was not touched.
    expect(readFileSync(join(f.work, '.git', 'config'), 'utf8')).not.toContain(BOT_NAME);
  });

  it('makes no commit when nothing changed', async () => {
    const f = fixture();
    const committer = new GitCommitter();
    const first = await committer.commitAndPush(request(f));
    const second = await committer.commitAndPush(request(f));
    expect(second).toEqual({ sha: undefined, pushed: false, attempts: 0, files: [] });
    expect(commitCount(f.remote, 'main')).toBe(2);
    expect(commitCount(f.work)).toBe(2);
    expect(remoteHead(f)).toBe(first.sha);
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(first.sha);
  });

  it('removes stale files under cleanDir and leaves files outside it alone', async () => {
    const f = fixture({
      [`${DIR}/inboundcall/Old IVR.yaml`]: 'old\n',
      [`${DIR}/nested/deep/gone.yaml`]: 'gone\n',
      'flows/support-ivr.yaml': 'source\n'
    });
    const res = await new GitCommitter().commitAndPush(request(f));
    expect(res.files).toContain(`${DIR}/inboundcall/Old IVR.yaml`);
    const tree = git(f.remote, 'ls-tree', '-r', '--name-only', '-z', 'main').split('\0').filter(Boolean);
    expect(tree.sort()).toEqual(['README.md', 'flows/support-ivr.yaml', IVR, WF, `${DIR}/release.json`].sort());
    expect(existsSync(join(f.work, DIR, 'nested'))).toBe(false);
  });

  it('does not sweep in unrelated staged changes', async () => {
    const f = fixture();
    writeFile(f.work, 'unrelated.txt', 'work in progress\n');
    git(f.work, 'add', 'unrelated.txt');
    const res = await new GitCommitter().commitAndPush(request(f));
    expect(res.files).not.toContain('unrelated.txt');
    expect(git(f.remote, 'ls-tree', '--name-only', 'main')).not.toContain('unrelated.txt');
  });

  it('rebases onto a remote that moved and lands exactly one release commit on top', async () => {
    const f = fixture();
    const theirs = pushFromOther(f, 'flows/other.yaml', 'their change\n');
    const logger = new MemoryLogger();
    const res = await new GitCommitter({ logger }).commitAndPush(request(f));

    expect(res.pushed).toBe(true);
    expect(res.attempts).toBe(2);
    expect(remoteHead(f)).toBe(res.sha);
    expect(git(f.remote, 'rev-parse', 'main^')).toBe(theirs);
    expect(git(f.remote, 'log', '--format=%an', `${theirs}..main`)).toBe(BOT_NAME);
    expect(git(f.remote, 'show', 'main:flows/other.yaml')).toBe('their change');
    expect(logger.text()).toMatch(/rebasing/);
    const pushes = logger.lines.filter((l) => l.startsWith('debug: git push'));
    expect(pushes).toHaveLength(2);
    for (const p of pushes) expect(p).not.toMatch(/--force|-f\b|\s\+\S*HEAD|--mirror|--delete/);
  });

  it('gives up after maxPushAttempts non-fast-forward rejections without forcing', async () => {
    const f = fixture();
    const theirs = pushFromOther(f, 'flows/other.yaml', 'their change\n');
    const err = await failure(new GitCommitter({ maxPushAttempts: 1 }).commitAndPush(request(f)));
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe('retries-exhausted');
    expect(err.attempts).toBe(1);
    expect(remoteHead(f)).toBe(theirs);
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(err.sha);
  });

  it('aborts a conflicting rebase, keeps the local commit and never force-pushes', async () => {
    const f = fixture({ [IVR]: 'inboundCall:\n  name: v1\n' });
    const seedHead = remoteHead(f);
    const theirs = pushFromOther(f, IVR, 'inboundCall:\n  name: edited by hand\n');
    const err = await failure(new GitCommitter().commitAndPush(request(f)));

    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe('conflict');
    expect(err.message).toContain('Support IVR.yaml');
    expect(err.message).toMatch(/aborted/);
    expect(err.attempts).toBe(1);
    expect(remoteHead(f)).toBe(theirs);
    // The local release commit is intact, on the old base, and the tree is clean (no rebase in progress).
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(err.sha);
    expect(git(f.work, 'rev-parse', 'HEAD^')).toBe(seedHead);
    expect(git(f.work, 'log', '-1', '--format=%an')).toBe(BOT_NAME);
    expect(git(f.work, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(f.work, '.git', 'rebase-merge'))).toBe(false);
  });

  it('fails at once with the remote message when a hook rejects the push', async () => {
    const f = fixture();
    const head = remoteHead(f);
    installHook(
      f,
      'pre-receive',
      '#!/bin/sh\necho "GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1\n'
    );
    const logger = new MemoryLogger();
    const err = await failure(new GitCommitter({ logger }).commitAndPush(request(f)));

    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe('rejected');
    expect(err.attempts).toBe(1);
    expect(err.message).toContain('GH006: Protected branch update failed');
    expect(err.message).toContain('not force-pushed');
    expect(logger.lines.filter((l) => l.startsWith('Pushing '))).toHaveLength(1);
    expect(logger.lines.some((l) => l.includes('git fetch'))).toBe(false);
    expect(remoteHead(f)).toBe(head);
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(err.sha);
  });

  it('never runs git for hostile branch, remote or path names', async () => {
    const f = fixture();
    const pwnedBefore = existsSync('/tmp/pwned');
    const head = git(f.work, 'rev-parse', 'HEAD');
    const file = (path: string): Partial<CommitRequest> => ({ files: [{ path, content: 'x' }] });
    const hostile: [string, Partial<CommitRequest>, string?][] = [
      ['branch', { branch: '--upload-pack=touch /tmp/pwned' }],
      ['branch', { branch: 'main..x' }],
      ['branch', { branch: 'ma\nin' }],
      ['remote', {}, '--upload-pack=touch /tmp/pwned'],
      ['remote', {}, '../x'],
      ['cleanDir', { cleanDir: '-rf' }],
      ['cleanDir', { cleanDir: '.' }],
      ['cleanDir', { cleanDir: '../x' }],
      ['path', file('-rf')],
      ['path', file('../x')],
      ['path', file(`${DIR}/../../x`)],
      ['path', file('/tmp/pwned')],
      ['path', file('.git/hooks/pre-commit')],
      ['path', file(`${DIR}/--upload-pack=touch x`)],
      ['message', { message: '  ' }]
    ];
    for (const [what, overrides, remote] of hostile) {
      const logger = new MemoryLogger();
      const committer = new GitCommitter({ logger, ...(remote ? { remote } : {}) });
      const err = await committer.commitAndPush(request(f, overrides)).catch((e: unknown) => e);
      expect([what, err instanceof GitError && err.kind]).toEqual([what, 'invalid-input']);
      expect(logger.lines.filter((l) => l.startsWith('debug: git'))).toEqual([]);
    }
    // Nothing was written, staged or committed.
    expect(git(f.work, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(head);
    if (!pwnedBefore) expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('fails with a GitError when the workspace is not a git checkout', async () => {
    const f = fixture();
    const plain = join(f.root, 'plain');
    mkdirSync(plain);
    const err = await failure(new GitCommitter().commitAndPush({ ...request(f), cwd: plain }));
    expect(err.kind).toBe('git-failed');
    expect(err.message).toMatch(/not a git repository/);
    expect(err.message).toMatch(/actions\/checkout/);
  });

  it('refuses to write through a symlink in the artifacts directory', async () => {
    const f = fixture();
    const { symlinkSync } = await import('node:fs');
    mkdirSync(join(f.work, DIR), { recursive: true });
    symlinkSync(f.root, join(f.work, DIR, 'inboundcall'));
    const err = await failure(new GitCommitter().commitAndPush(request(f)));
    expect(err).toBeInstanceOf(GitError);
    expect(err.message).toMatch(/symbolic link/);
    expect(existsSync(join(f.root, 'Support IVR.yaml'))).toBe(false);
  });

  it('commits hostile flow names as inert file names', async () => {
    const f = fixture();
    const names = ['--upload-pack=touch /tmp/pwned', '-rf', '../../.git/hooks/post-commit', '.hidden', 'a..b/c'];
    const pwnedBefore = existsSync('/tmp/pwned');
    const files = names.map((n, i) => ({ path: `${DIR}/${artifactPath('inboundcall', n)}`, content: `n: ${i}\n` }));
    const res = await new GitCommitter().commitAndPush(request(f, { files }));
    expect(res.pushed).toBe(true);
    expect(res.files.sort()).toEqual(files.map((x) => x.path).sort());
    expect(existsSync(join(f.work, '.git', 'hooks', 'post-commit.yaml'))).toBe(false);
    if (!pwnedBefore) expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('keeps the token out of errors, logs and .git/config when the remote is unreachable', async () => {
    const f = fixture();
    git(f.work, 'remote', 'set-url', 'origin', 'https://127.0.0.1:9/repo.git');
    const token = 'ghs_TestToken0123456789abcdefXYZ';
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    const logger = new MemoryLogger();
    const err = await failure(new GitCommitter({ logger }).commitAndPush(request(f, { token })));

    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe('git-failed');
    expect(err.attempts).toBe(1);
    expect(err.message).toContain('127.0.0.1');
    const everything = [
      err.message,
      String(err.stack),
      logger.text(),
      readFileSync(join(f.work, '.git', 'config'), 'utf8')
    ];
    for (const text of everything) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(basic);
      expect(text).not.toContain(Buffer.from(token).toString('base64'));
    }
    expect(logger.secrets).toEqual(expect.arrayContaining([token, basic]));
    expect(git(f.work, 'remote', 'get-url', 'origin')).toBe('https://127.0.0.1:9/repo.git');
  });
});

describe('GitCommitter over https', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  (hasOpenssl ? it : it.skip)('sends the token once as a Basic header and reports a 403 as a rejection', async () => {
    const f = fixture();
    const key = join(f.root, 'key.pem');
    const cert = join(f.root, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1'
      ],
      { stdio: 'ignore' }
    );
    const seen: string[][] = [];
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      const raw = req.rawHeaders;
      seen.push(raw.filter((_, i) => i % 2 === 1 && /^authorization$/i.test(raw[i - 1] ?? '')));
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Permission denied to github-actions[bot].');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const url = `https://127.0.0.1:${port}/org/repo.git`;
    git(f.work, 'remote', 'set-url', 'origin', url);
    // What actions/checkout persists: must not be sent alongside ours.
    git(f.work, 'config', `http.https://127.0.0.1:${port}/.extraheader`, 'AUTHORIZATION: basic c3RhbGU=');
    const savedCa = process.env.GIT_SSL_CAINFO;
    process.env.GIT_SSL_CAINFO = cert;
    const token = 'ghs_OverHttpsToken0123456789';
    const logger = new MemoryLogger();
    try {
      const err = await failure(new GitCommitter({ logger }).commitAndPush(request(f, { token })));
      expect(err).toBeInstanceOf(GitError);
      expect(err.kind).toBe('rejected');
      expect(err.attempts).toBe(1);
      expect(err.message).toContain('403');
      const expected = `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) expect(headers).toEqual([expected]);
      expect(err.message + logger.text()).not.toContain(token);
      expect(err.message + logger.text()).not.toContain(expected.slice(6));
    } finally {
      if (savedCa === undefined) delete process.env.GIT_SSL_CAINFO;
      else process.env.GIT_SSL_CAINFO = savedCa;
      await new Promise((r) => server.close(r));
    }
  });
});

describe('isNonFastForward', () => {
  it('recognises moved branches and nothing else', () => {
    expect(isNonFastForward('To /r.git\n!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone')).toBe(true);
    expect(isNonFastForward(' ! [rejected]        HEAD -> main (non-fast-forward)')).toBe(true);
    expect(isNonFastForward('!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)')).toBe(false);
    expect(isNonFastForward("fatal: unable to access 'https://x/': The requested URL returned error: 403")).toBe(false);
  });
});
