import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeClock } from '../../src/common/clock.ts';
import { BOT_EMAIL, BOT_NAME } from '../../src/git/run.ts';
import { LedgerError } from '../../src/ledger/errors.ts';
import { blobPath, GitLedgerStore, lostRace, STATE_README } from '../../src/ledger/git-store.ts';
import { emptyLedger, serializeLedger } from '../../src/ledger/schema.ts';
import type { LedgerDocument } from '../../src/ledger/schema.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { git, makeFixture } from '../git/git-fixture.ts';
import type { Fixture } from '../git/git-fixture.ts';
import { ledgerStoreContract } from './contract.ts';
import { appendEntry, BRANCH, entry, flow, gitHarness, ORG, pushByHand, remoteStateHead } from './helpers.ts';

ledgerStoreContract('git', gitHarness);

let fixtures: Fixture[] = [];
function fixture(): Fixture {
  const f = makeFixture();
  fixtures.push(f);
  return f;
}
afterEach(() => {
  for (const f of fixtures) f.cleanup();
  fixtures = [];
});

async function failure(p: Promise<unknown>): Promise<LedgerError> {
  const outcome = await p.then(
    (v) => ({ ok: true, v }),
    (e: unknown) => ({ ok: false, v: e })
  );
  expect(outcome.ok).toBe(false);
  expect(outcome.v).toBeInstanceOf(LedgerError);
  return outcome.v as LedgerError;
}

/** Everything about the workspace that the ledger must never change. */
function workspaceState(cwd: string) {
  return {
    head: git(cwd, 'rev-parse', 'HEAD'),
    branch: git(cwd, 'symbolic-ref', 'HEAD'),
    status: git(cwd, 'status', '--porcelain', '--ignored'),
    index: createHash('sha256')
      .update(readFileSync(join(cwd, '.git', 'index')))
      .digest('hex'),
    branches: git(cwd, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/remotes/origin/main'),
    config: readFileSync(join(cwd, '.git', 'config'), 'utf8')
  };
}

const withContent = (store: GitLedgerStore, content: string) => (d: LedgerDocument | undefined) => ({
  ...(d ?? emptyLedger({ id: ORG })),
  history: [
    ...(d?.history ?? []),
    entry(`r-${d?.history.length ?? 0}`, [flow('IVR', { content: store.putBlob(content) })])
  ]
});

describe('GitLedgerStore on a state branch', () => {
  it('first use creates the branch as an orphan commit by the bot, with the README, the document and its blobs', async () => {
    const f = fixture();
    const store = await GitLedgerStore.open({ cwd: f.work, clock: new FakeClock() });
    const res = await store.update(ORG, withContent(store, 'flow: one\n'), { message: 'lock acquired' });
    const head = remoteStateHead(f) as string;
    expect(res.rev).toBe(head);
    expect(git(f.remote, 'rev-list', '--count', head)).toBe('1');
    expect(git(f.remote, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%P|%s', head)).toBe(
      `${BOT_NAME} <${BOT_EMAIL}>|${BOT_NAME} <${BOT_EMAIL}>||ledger ${ORG}: lock acquired`
    );
    const address = res.doc?.history[0]?.flows[0]?.content as string;
    const files = git(f.remote, 'ls-tree', '-r', '--name-only', head).split('\n');
    expect(files.sort()).toEqual(['README.md', blobPath(address), `orgs/${ORG}/ledger.json`].sort());
    expect(git(f.remote, 'show', `${head}:README.md`)).toBe(STATE_README.trim());
    expect(`${git(f.remote, 'show', `${head}:orgs/${ORG}/ledger.json`)}\n`).toBe(serializeLedger(res.doc!));
    // The main branch is untouched.
    expect(git(f.remote, 'rev-list', '--count', 'main')).toBe('1');
  });

  it('writes each new blob in the same commit as the document that first refers to it', async () => {
    const f = fixture();
    const store = await GitLedgerStore.open({ cwd: f.work, clock: new FakeClock() });
    await store.update(ORG, withContent(store, 'flow: one\n'));
    const res = await store.update(ORG, withContent(store, 'flow: two\n'));
    const address = res.doc?.history[1]?.flows[0]?.content as string;
    const changed = git(f.remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', res.rev as string);
    expect(changed.split('\n').sort()).toEqual([blobPath(address), `orgs/${ORG}/ledger.json`].sort());
  });

  it('never touches the workspace: HEAD, branch, index, working tree, branches and config stay as they were', async () => {
    const f = fixture();
    const before = workspaceState(f.work);
    const store = await GitLedgerStore.open({
      cwd: f.work,
      token: 'ghs_NotSentToALocalRemote0123',
      clock: new FakeClock()
    });
    await store.update(ORG, withContent(store, 'flow: one\n'));
    await store.update(ORG, appendEntry(ORG, 'r2'));
    await store.read(ORG);
    expect(workspaceState(f.work)).toEqual(before);
    expect(git(f.work, 'for-each-ref', '--format=%(refname)', 'refs/flow-release')).toBe(`refs/flow-release/${BRANCH}`);
    // git keeps the remote-tracking ref of the state branch up to date on push: handy for `git show`, nothing more.
    expect(git(f.work, 'for-each-ref', '--format=%(refname)', `refs/remotes/origin/${BRANCH}`)).toBe(
      `refs/remotes/origin/${BRANCH}`
    );
  });

  it('verifies blobs: content changed by hand on the branch is an error, not a restore', async () => {
    const f = fixture();
    const store = await GitLedgerStore.open({ cwd: f.work, clock: new FakeClock() });
    const res = await store.update(ORG, withContent(store, 'flow: good\n'));
    const address = res.doc?.history[0]?.flows[0]?.content as string;
    pushByHand(f, { [blobPath(address)]: 'flow: tampered\n' });
    const other = await GitLedgerStore.open({ cwd: f.other, clock: new FakeClock() });
    const e = await failure(other.getBlob(address));
    expect(e.kind).toBe('blob');
    expect(e.message).toContain('does not match its address');
  });

  it('finds a blob written by another run after its last fetch', async () => {
    const f = fixture();
    const ours = await GitLedgerStore.open({ cwd: f.work, clock: new FakeClock() });
    await ours.update(ORG, appendEntry(ORG, 'r0'));
    const theirs = await GitLedgerStore.open({ cwd: f.other, clock: new FakeClock() });
    const res = await theirs.update(ORG, withContent(theirs, 'flow: theirs\n'));
    expect(await ours.getBlob(res.doc?.history[1]?.flows[0]?.content as string)).toBe('flow: theirs\n');
  });
});

describe('GitLedgerStore remotes and branches', () => {
  it('without a remote keeps the ledger in the local ref, says so, and still compares and swaps', async () => {
    const f = fixture();
    const logger = new MemoryLogger();
    const a = await GitLedgerStore.open({ cwd: f.work, remote: null, logger, clock: new FakeClock() });
    const b = await GitLedgerStore.open({ cwd: f.work, remote: null, clock: new FakeClock() });
    expect(logger.text()).toContain(`kept in the local ref refs/flow-release/${BRANCH}`);
    await a.update(ORG, appendEntry(ORG, 'r0'));
    let raced = false;
    a.beforeCommit = async () => {
      if (!raced) await b.update(ORG, appendEntry(ORG, 'theirs'));
      raced = true;
    };
    const res = await a.update(ORG, appendEntry(ORG, 'ours'));
    expect(res.attempts).toBe(2);
    expect((await b.read(ORG)).doc?.history.map((h) => h.releaseId)).toEqual(['r0', 'theirs', 'ours']);
    expect(remoteStateHead(f)).toBeUndefined();
    expect(git(f.work, 'rev-parse', `refs/flow-release/${BRANCH}`)).toBe(res.rev);
  });

  it('falls back to the local ref with a warning when the named remote does not exist', async () => {
    const f = fixture();
    const logger = new MemoryLogger();
    const store = await GitLedgerStore.open({ cwd: f.work, remote: 'upstream', logger });
    expect(store.remote).toBeUndefined();
    expect(logger.text()).toContain('no remote "upstream"');
  });

  it('refuses bad state branches and remotes before running anything', async () => {
    const f = fixture();
    for (const branch of ['-x', 'a..b', 'with space', 'x.lock', '']) {
      const e = await failure(GitLedgerStore.open({ cwd: f.work, branch }));
      expect(e.kind).toBe('invalid-input');
      expect(e.message).toContain('Invalid state branch');
    }
    const checkedOut = await failure(GitLedgerStore.open({ cwd: f.work, branch: 'main' }));
    expect(checkedOut.message).toContain('checked out in the workspace');
    expect((await failure(GitLedgerStore.open({ cwd: f.work, remote: '--upload-pack=x' }))).kind).toBe('invalid-input');
    expect((await failure(GitLedgerStore.open({ cwd: f.root }))).kind).toBe('unreadable');
  });

  it('refuses to read or write a branch that holds anything but the ledger', async () => {
    const f = fixture();
    git(f.work, 'push', '-q', 'origin', 'main:refs/heads/develop'); // README.md of the project only
    const store = await GitLedgerStore.open({ cwd: f.work, branch: 'develop' });
    const e = await failure(store.update(ORG, appendEntry(ORG, 'r0')));
    expect(e.kind).toBe('invalid-input');
    expect(e.message).toContain('not a Flow Release state branch: it also holds a README.md of its own');
    expect(git(f.remote, 'rev-parse', 'develop')).toBe(git(f.remote, 'rev-parse', 'main'));
    pushByHand(f, { 'src/app.ts': 'code\n' }, 'develop');
    const code = await failure(store.read(ORG));
    expect(code.message).toContain('it also holds src');
  });

  it('uses a custom state branch', async () => {
    const f = fixture();
    const store = await GitLedgerStore.open({ cwd: f.work, branch: 'state/prod' });
    await store.update(ORG, appendEntry(ORG, 'r0'));
    expect(git(f.remote, 'ls-tree', '--name-only', 'state/prod')).toBe('README.md\norgs');
  });

  it('recognises lost races and nothing else', () => {
    expect(lostRace('!\tabc:refs/heads/s\t[rejected] (fetch first)')).toBe(true);
    expect(
      lostRace("!\tabc:refs/heads/s\t[remote rejected] (cannot lock ref 'refs/heads/s': is at 1 but expected 2)")
    ).toBe(true);
    expect(lostRace('!\tabc:refs/heads/s\t[remote rejected] (protected branch hook declined)')).toBe(false);
    expect(lostRace('fatal: unable to access: The requested URL returned error: 403')).toBe(false);
  });
});

const TOKEN = 'ghs_LedgerToken0123456789abcdefXYZ';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

describe('GitLedgerStore secrets', () => {
  it('keeps the token out of errors, logs and .git/config when the remote is unreachable', async () => {
    const f = fixture();
    git(f.work, 'remote', 'set-url', 'origin', 'https://127.0.0.1:9/repo.git');
    const config = readFileSync(join(f.work, '.git', 'config'), 'utf8');
    const logger = new MemoryLogger();
    const store = await GitLedgerStore.open({ cwd: f.work, token: TOKEN, logger, clock: new FakeClock() });
    const e = await failure(store.update(ORG, appendEntry(ORG, 'r0')));
    expect(e.kind).toBe('unreadable');
    expect(e.message).toContain('127.0.0.1');
    expect(e.message).toContain('contents: write');
    for (const text of [
      e.message,
      String(e.stack),
      logger.text(),
      readFileSync(join(f.work, '.git', 'config'), 'utf8')
    ]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(BASIC);
    }
    expect(readFileSync(join(f.work, '.git', 'config'), 'utf8')).toBe(config);
    expect(logger.secrets).toEqual(expect.arrayContaining([TOKEN, BASIC]));
  });

  it('writes no trace of the token into any git object', async () => {
    const f = fixture();
    const store = await GitLedgerStore.open({ cwd: f.work, token: TOKEN, clock: new FakeClock() });
    await store.update(ORG, withContent(store, 'flow: one\n'));
    for (const repo of [f.remote, f.work]) {
      const all = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: repo }).toString('latin1');
      expect(all).toContain('ledger');
      expect(all).not.toContain(TOKEN);
      expect(all).not.toContain(BASIC);
    }
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** An https "GitHub" on 127.0.0.1 that records the Authorization headers it gets and answers 403. */
async function forbiddingServer(f: Fixture) {
  const key = join(f.root, 'key.pem');
  const cert = join(f.root, 'cert.pem');
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key]
      .concat(['-out', cert, '-days', '1'])
      .concat(subject),
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
  return { port, cert, seen, close: () => new Promise((r) => server.close(r)) };
}

describe('GitLedgerStore over https', () => {
  (hasOpenssl ? it : it.skip)(
    'sends the token as the committer does: one scoped Basic header, never the stale one',
    async () => {
      const f = fixture();
      const server = await forbiddingServer(f);
      git(f.work, 'remote', 'set-url', 'origin', `https://127.0.0.1:${server.port}/org/repo.git`);
      // What actions/checkout persists: must not be sent alongside ours.
      git(f.work, 'config', `http.https://127.0.0.1:${server.port}/.extraheader`, 'AUTHORIZATION: basic c3RhbGU=');
      const savedCa = process.env.GIT_SSL_CAINFO;
      process.env.GIT_SSL_CAINFO = server.cert;
      const logger = new MemoryLogger();
      try {
        const store = await GitLedgerStore.open({ cwd: f.work, token: TOKEN, logger, clock: new FakeClock() });
        const e = await failure(store.read(ORG));
        expect(e.kind).toBe('unreadable');
        expect(e.message).toContain('403');
        expect(server.seen.length).toBeGreaterThan(0);
        for (const headers of server.seen) expect(headers).toEqual([`basic ${BASIC}`]);
        expect(e.message + logger.text()).not.toContain(TOKEN);
        expect(e.message + logger.text()).not.toContain(BASIC);
      } finally {
        if (savedCa === undefined) delete process.env.GIT_SSL_CAINFO;
        else process.env.GIT_SSL_CAINFO = savedCa;
        await server.close();
      }
    }
  );
});
