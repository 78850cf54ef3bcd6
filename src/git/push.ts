// Pushing the release commit to the branch it ran from. A push is never forced: a non-fast-forward rejection is
// answered with fetch + rebase + retry (bounded), any other rejection fails at once, and a failed push leaves the
// local commit in place.
import type { Logger } from '../common/log.ts';
import { errorText, GitError } from './errors.ts';
import { authFor, BOT_NAME, splitZ } from './run.ts';
import type { Auth, GitRunner } from './run.ts';
import type { CommitResult } from './types.ts';

export interface PushOptions {
  git: GitRunner;
  logger: Logger;
  remote: string;
  branch: string;
  /** Push attempts in total, rebase-and-retry included. */
  maxAttempts: number;
  /** From authHeaderFor; sent only to the remote's https URLs. */
  authHeader: string | undefined;
}

/** `git push` (LC_ALL=C) reports a moved branch as `[rejected] ... (fetch first)` or `(non-fast-forward)`. */
export function isNonFastForward(output: string): boolean {
  if (/\[remote rejected\]/.test(output)) return false;
  return /\[rejected\][^\n]*\((fetch first|non-fast-forward)\)/.test(output);
}

/** A refusal by the server (hook, protected branch, permissions), as opposed to a transport failure. */
function isRefusal(output: string): boolean {
  return /\[(remote )?rejected\]|declined|denied|forbidden|returned error: 40[13]|protected branch/i.test(output);
}

/** Pushes `sha` (committed with `files` changed); on non-fast-forward fetches, rebases and retries. */
export async function pushWithRebase(o: PushOptions, commitSha: string, files: string[]): Promise<CommitResult> {
  let sha = commitSha;
  const header = authFor(await remoteUrls(o, sha), o.authHeader, o.logger);
  const target = `${o.remote}/${o.branch}`;
  for (let attempt = 1; ; attempt++) {
    o.logger.info(`Pushing ${sha.slice(0, 12)} to ${target} (attempt ${attempt} of ${o.maxAttempts})`);
    const output = await push(o, header);
    if (output === undefined) {
      o.logger.info(`Pushed release commit ${sha} to ${target}`);
      return { sha, pushed: true, attempts: attempt, files };
    }
    if (!isNonFastForward(output)) throw pushFailed(output, sha, target, attempt);
    if (attempt >= o.maxAttempts) {
      throw new GitError(
        'retries-exhausted',
        `Pushing the release commit ${sha} to ${target} was rejected as non-fast-forward ${attempt} times: ` +
          'the branch keeps moving. The commit is kept locally and was not force-pushed; re-run the release ' +
          'when the branch is quiet (a concurrency group on the workflow prevents this).',
        { attempts: attempt, sha }
      );
    }
    o.logger.warning(`${target} moved since checkout; rebasing the release commit onto it and retrying.`);
    sha = await rebaseOnto(o, header, sha, attempt);
  }
}

/** The remote's fetch and push URLs (once each), which the auth header is scoped to. */
async function remoteUrls(o: PushOptions, sha: string): Promise<string[]> {
  const urls: string[] = [];
  for (const extra of [[], ['--push']]) {
    const url = (
      await o.git.run(['remote', 'get-url', ...extra, o.remote]).catch((e: unknown) => {
        throw new GitError(
          'git-failed',
          `The repository has no usable remote "${o.remote}" (${errorText(e)}). ` +
            `The release commit ${sha} is kept locally.`,
          { sha }
        );
      })
    ).trim();
    if (!urls.includes(url)) urls.push(url);
  }
  return urls;
}

/** One push of HEAD; undefined when it went through, else git's (redacted) output. */
async function push(o: PushOptions, header: Auth | undefined): Promise<string | undefined> {
  try {
    await o.git.run(
      ['push', '--porcelain', '--no-verify', '--recurse-submodules=no', o.remote, `HEAD:refs/heads/${o.branch}`],
      { auth: header }
    );
    return undefined;
  } catch (e) {
    return errorText(e);
  }
}

/** The error for a push that failed for a reason other than non-fast-forward. */
function pushFailed(output: string, sha: string, target: string, attempt: number): GitError {
  const refused = isRefusal(output);
  return new GitError(
    refused ? 'rejected' : 'git-failed',
    `${refused ? 'The remote rejected' : 'Could not push'} the release commit ${sha} to ${target}: ` +
      `${output}\nThe commit is kept locally and was not force-pushed. ` +
      (refused
        ? `If the branch is protected, let ${BOT_NAME} push to it (or set commit-artifacts: false), and ` +
          'check that the workflow has permissions: contents: write.'
        : 'Check the remote URL, the network and the token.') +
      ' The exported flows are also in the audit artifact.',
    { attempts: attempt, sha }
  );
}

async function rebaseOnto(o: PushOptions, header: Auth | undefined, sha: string, attempts: number): Promise<string> {
  const { git, remote, branch } = o;
  const tracking = `refs/remotes/${remote}/${branch}`;
  try {
    await git.run(['fetch', '--no-tags', '--no-recurse-submodules', remote, `+refs/heads/${branch}:${tracking}`], {
      auth: header
    });
  } catch (e) {
    throw new GitError(
      'git-failed',
      `Fetching ${remote}/${branch} after a rejected push failed: ${errorText(e)}\n` +
        `The release commit ${sha} is kept locally and was not pushed.`,
      { attempts, sha }
    );
  }
  try {
    await git.run(['rebase', '--no-verify', '--autostash', tracking], { identity: true });
  } catch (e) {
    const conflicted = splitZ(await git.run(['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => ''));
    await git.run(['rebase', '--abort']).catch(() => undefined);
    const what = conflicted.length > 0 ? `conflicts in ${conflicted.join(', ')}` : errorText(e);
    throw new GitError(
      'conflict',
      `${remote}/${branch} moved and the release commit ${sha} could not be rebased onto it (${what}). ` +
        'The rebase was aborted and nothing was force-pushed; the commit is kept locally. Someone changed the ' +
        'released files at the same time: re-run the release on the new head, or merge the change by hand.',
      { attempts, sha }
    );
  }
  const rebased = (
    await git.run(['rev-parse', 'HEAD']).catch((e: unknown) => {
      throw new GitError('git-failed', `Reading HEAD after the rebase failed: ${errorText(e)}`, { attempts, sha });
    })
  ).trim();
  o.logger.info(`Rebased the release commit onto ${remote}/${branch}: ${rebased}`);
  return rebased;
}
