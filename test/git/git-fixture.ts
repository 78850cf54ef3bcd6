// Temporary git repositories for the committer tests: a bare "remote" and clones of it, all under os.tmpdir(), removed
// by cleanup() or at the latest after the test file (test/support/temp.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeTemp, tempDir } from '../support/temp.ts';

/** Runs git for test setup and inspection, never prompting, with a fixed non-bot identity. */
export function git(cwd: string, ...args: string[]): string {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^git_/i.test(k)) env[k] = v;
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Other Person',
      '-c',
      'user.email=other@example.com',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
  ).trim();
}

export interface Fixture {
  root: string;
  remote: string;
  /** Our working tree (the workspace the action runs in). */
  work: string;
  /** Another clone, for racing pushes. */
  other: string;
  cleanup(): void;
}

/** A bare remote with one seed commit on main (plus optional seed files), and two clones of it. */
export function makeFixture(seed: Record<string, string> = {}): Fixture {
  const root = tempDir('flow-release-git-');
  const remote = join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  const seedDir = join(root, 'seed');
  git(root, 'clone', '-q', remote, seedDir);
  writeFile(seedDir, 'README.md', '# flows\n');
  for (const [p, c] of Object.entries(seed)) writeFile(seedDir, p, c);
  git(seedDir, 'add', '-A');
  git(seedDir, 'commit', '-q', '-m', 'seed');
  git(seedDir, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  const work = join(root, 'work');
  const other = join(root, 'other');
  git(root, 'clone', '-q', remote, work);
  git(root, 'clone', '-q', remote, other);
  return { root, remote, work, other, cleanup: () => removeTemp(root) };
}

export function writeFile(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** Commits and pushes a change from another clone, moving the remote's main. Returns the new remote head. */
export function pushFromOther(f: Fixture, path: string, content: string, message = 'someone else'): string {
  writeFile(f.other, path, content);
  git(f.other, 'add', '-A');
  git(f.other, 'commit', '-q', '-m', message);
  git(f.other, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  return git(f.other, 'rev-parse', 'HEAD');
}

export function installHook(f: Fixture, name: string, script: string): void {
  const path = join(f.remote, 'hooks', name);
  writeFileSync(path, script);
  chmodSync(path, 0o755);
}

export function remoteHead(f: Fixture): string {
  return git(f.remote, 'rev-parse', 'refs/heads/main');
}
