// Commits the exported flows and the release record, and pushes them to the branch the release ran from.
//
// Safety properties this file and its helpers are responsible for (each one is tested in
// test/git/committer.test.ts):
// - every branch, remote and path is validated before git runs (validate.ts), and pathspecs follow `--` with
//   literal matching, so a hostile flow name can never become a git option or escape the working tree;
// - the token travels only in the environment of the fetch/push command (GIT_CONFIG_* entries for
//   http.extraheader, run.ts): never in the remote URL, .git/config, the process command line, a log line or an error;
// - a push is never forced: a non-fast-forward rejection is answered with fetch + rebase + retry (bounded), any
//   other rejection fails at once, and a failed push leaves the local commit in place (push.ts).

import type { Logger } from '../common/log.ts';
import { errorText, GitError } from './errors.ts';
import { pushWithRebase } from './push.ts';
import { authHeaderFor, BOT_NAME, GitRunner, splitZ } from './run.ts';
import type { CommitRequest, CommitResult, Committer } from './types.ts';
import { validateRequest } from './validate.ts';
import { removeStale, writeFiles } from './worktree.ts';

export interface GitCommitterOptions {
  logger?: Logger;
  /** Push attempts in total, rebase-and-retry included. Default 3. */
  maxPushAttempts?: number;
  /** Remote name. Default `origin`. */
  remote?: string;
  /** A git command that prints nothing for this long is killed (a hung connection must not hang the job). */
  idleTimeoutMs?: number;
}

const NO_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
  startGroup: () => {},
  endGroup: () => {},
  setSecret: () => {}
};

function isInside(dir: string, path: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

export class GitCommitter implements Committer {
  private readonly logger: Logger;
  private readonly maxPushAttempts: number;
  private readonly remote: string;
  private readonly idleTimeoutMs: number;

  constructor(options: GitCommitterOptions = {}) {
    this.logger = options.logger ?? NO_LOGGER;
    this.maxPushAttempts = options.maxPushAttempts ?? 3;
    this.remote = options.remote ?? 'origin';
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    if (!Number.isInteger(this.maxPushAttempts) || this.maxPushAttempts < 1 || this.maxPushAttempts > 10) {
      throw new GitError(
        'invalid-input',
        `maxPushAttempts must be an integer from 1 to 10, got ${options.maxPushAttempts}`
      );
    }
  }

  async commitAndPush(req: CommitRequest): Promise<CommitResult> {
    // 1. Validate everything before git runs or a file is written.
    const { cwd, branch, remote, cleanDir, files } = await validateRequest(req, this.remote);
    const authHeader = authHeaderFor(req.token, this.logger);

    // 2. Write the files and remove what the release no longer owns.
    await writeFiles(cwd, files);
    const removed = await removeStale(cwd, cleanDir, new Set(files.map((f) => f.path)));
    if (removed.length > 0) this.logger.debug(`Removed ${removed.length} stale file(s) under ${cleanDir}`);

    // 3. Stage and commit only what belongs to the release.
    const git = new GitRunner(cwd, this.logger, this.idleTimeoutMs);
    const pathspecs = [cleanDir, ...files.map((f) => f.path).filter((p) => !isInside(cleanDir, p))];
    const commit = await this.commit(git, pathspecs, cleanDir, req.message);
    if (!commit) return { sha: undefined, pushed: false, attempts: 0, files: [] };
    this.logger.info(`Committed ${commit.changed.length} file(s) as ${BOT_NAME}: ${commit.sha}`);

    // 4. Push; on non-fast-forward fetch, rebase and retry. Never force.
    const push = { git, logger: this.logger, remote, branch, maxAttempts: this.maxPushAttempts, authHeader };
    return pushWithRebase(push, commit.sha, commit.changed);
  }

  /** Stages `pathspecs` and commits what changed as the bot; undefined when nothing changed. */
  private async commit(
    git: GitRunner,
    pathspecs: string[],
    cleanDir: string,
    message: string
  ): Promise<{ sha: string; changed: string[] } | undefined> {
    try {
      await git.run(['add', '--all', '--', ...pathspecs]);
      const changed = splitZ(
        await git.run(['diff', '--cached', '--name-only', '--no-renames', '-z', '--', ...pathspecs])
      );
      if (changed.length === 0) {
        this.logger.info(`No changes under ${cleanDir}: nothing to commit.`);
        return undefined;
      }
      await git.run(
        ['commit', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', message, '--', ...changed],
        { identity: true }
      );
      const sha = (await git.run(['rev-parse', 'HEAD'])).trim();
      return { sha, changed };
    } catch (e) {
      if (e instanceof GitError) throw e;
      throw new GitError(
        'git-failed',
        `Committing the release artifacts in ${git.cwd} failed: ${errorText(e)}\n` +
          'Check that the workspace is a git checkout (actions/checkout) of a branch. The files were written but ' +
          'not committed; they are also in the audit artifact.'
      );
    }
  }
}
