// A throw-away repository with a bare "origin", as a runner's checkout would have: used by the demo and the tests.
// Its root is a tempDir (scripts/lib/temp.ts): remove it with removeTemp(fixture.root) or removeAllTemp().
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.ts';

export interface GitFixture {
  root: string;
  remote: string;
  workspace: string;
  git(...args: string[]): string;
  /** git run in the bare remote. */
  remoteGit(...args: string[]): string;
  head(): string;
  /** Commit subjects on the remote's main, newest first. */
  remoteLog(): string[];
}

const gitEnv = () => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Contact Centre Engineer',
  GIT_AUTHOR_EMAIL: 'engineer@example.com',
  GIT_COMMITTER_NAME: 'Contact Centre Engineer',
  GIT_COMMITTER_EMAIL: 'engineer@example.com'
});

export function createGitFixture(sourceDir: string, prefix = 'flow-release-repo-'): GitFixture {
  const root = tempDir(prefix);
  const remote = join(root, 'origin.git');
  const workspace = join(root, 'work');
  const run = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  run(root, ['init', '-q', '--bare', '-b', 'main', remote]);
  run(root, ['clone', '-q', remote, workspace]);
  run(workspace, ['checkout', '-q', '-B', 'main']);
  cpSync(sourceDir, workspace, { recursive: true });
  run(workspace, ['add', '-A']);
  run(workspace, ['commit', '-q', '-m', 'Add flows and release manifest']);
  run(workspace, ['push', '-q', 'origin', 'main']);
  return {
    root,
    remote,
    workspace,
    git: (...args) => run(workspace, args),
    remoteGit: (...args) => run(remote, args),
    head: () => run(workspace, ['rev-parse', 'HEAD']),
    remoteLog: () => run(remote, ['log', '--format=%s', 'main']).split('\n')
  };
}
