// Commits the exported flows and the release record, and pushes them to the branch the release ran from.
//
// Safety properties this file is responsible for (each one is tested in test/git/committer.test.ts):
// - every branch, remote and path is validated before git runs, and pathspecs follow `--` with literal matching,
//   so a hostile flow name can never become a git option or escape the working tree;
// - the token travels only in the environment of the fetch/push command (GIT_CONFIG_* entries for
//   http.extraheader): never in the remote URL, .git/config, the process command line, a log line or an error;
// - a push is never forced: a non-fast-forward rejection is answered with fetch + rebase + retry (bounded), any
//   other rejection fails at once, and a failed push leaves the local commit in place.

import { lstat, mkdir, readdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Logger } from '../log.ts';
import { redactor } from '../redact.ts';
import type { CommitRequest, CommitResult, Committer } from './types.ts';

export const BOT_NAME = 'github-actions[bot]';
export const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

export type GitErrorKind =
  /** A branch, remote, path or message failed validation; git was not run. */
  | 'invalid-input'
  /** The remote refused the push for a reason other than non-fast-forward (protected branch, hook, 403...). */
  | 'rejected'
  /** The branch moved and the release commit could not be rebased onto it without conflicts. */
  | 'conflict'
  /** Still non-fast-forward after the last allowed attempt: someone keeps pushing to the branch. */
  | 'retries-exhausted'
  /** A git command failed (not a repository, no such remote, network error, ...). */
  | 'git-failed';

export class GitError extends Error {
  readonly kind: GitErrorKind;
  /** Push attempts made before the failure (0 when it failed before pushing). */
  readonly attempts: number;
  /** The local release commit, kept so that nothing is lost, when one was made. */
  readonly sha: string | undefined;
  constructor(kind: GitErrorKind, message: string, details: { attempts?: number; sha?: string } = {}) {
    super(scrub(message));
    this.name = 'GitError';
    this.kind = kind;
    this.attempts = details.attempts ?? 0;
    this.sha = details.sha;
  }
}

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

// Environment variables simple-git's environment guard treats as git-controlling: never inherited, because an
// inherited GIT_TRACE_CURL, GIT_SSH_COMMAND or GIT_CONFIG_* could leak the token or run arbitrary commands.
const GUARDED_ENV = new Set(['editor', 'pager', 'prefix', 'visual', 'ssh_askpass']);
// Harmless git variables worth keeping from the runner: custom CA bundles behind corporate proxies.
const INHERITED_GIT_ENV = ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_PROXY_SSL_CAINFO'];

interface RunOptions {
  /** Add the bot identity (commit, rebase). */
  identity?: boolean;
  /** Authorization for this one command (fetch, push to an https remote). */
  auth?: Auth | undefined;
}

interface Auth {
  /** `AUTHORIZATION: basic <base64(x-access-token:token)>` */
  header: string;
  /** The remote's https fetch/push URLs the header is scoped to. */
  urls: string[];
}

/** Thrown by `run` when git exits non-zero; `output` is stderr + stdout, already redacted. */
class GitCommandError extends Error {
  readonly output: string;
  constructor(args: string[], output: string) {
    super(`git ${args[0] ?? ''} failed: ${output}`);
    this.output = output;
  }
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
    const cwd = await checkCwd(req.cwd);
    const branch = validateBranch(req.branch);
    const remote = validateRemote(this.remote);
    const cleanDir = validateRelativePath(cwd, req.cleanDir, 'cleanDir');
    const files = req.files.map((f) => ({ path: validateRelativePath(cwd, f.path, 'file path'), content: f.content }));
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.path)) {
        throw new GitError(
          'invalid-input',
          `Two artifacts map to the same file ${f.path}. Rename one of the flows so that their safe names differ.`
        );
      }
      seen.add(f.path);
      if (typeof f.content !== 'string') throw new GitError('invalid-input', `Content of ${f.path} is not a string`);
    }
    if (!req.message || req.message.trim() === '') {
      throw new GitError('invalid-input', 'The commit message is empty; set artifacts.message in the manifest.');
    }
    for (const p of [cleanDir, ...files.map((f) => f.path)]) await refuseSymlinks(cwd, p);

    let authHeader: string | undefined;
    if (req.token) {
      const basic = Buffer.from(`x-access-token:${req.token}`).toString('base64');
      redactor.add(req.token);
      redactor.addBasic('x-access-token', req.token);
      this.logger.setSecret(req.token);
      this.logger.setSecret(basic);
      authHeader = `AUTHORIZATION: basic ${basic}`;
    }

    // 2. Write the files and remove what the release no longer owns.
    for (const f of files) {
      await mkdir(join(cwd, dirname(f.path)), { recursive: true });
      await writeFile(join(cwd, f.path), f.content, 'utf8');
    }
    const removed = await removeStale(cwd, cleanDir, new Set(files.map((f) => f.path)));
    if (removed.length > 0) this.logger.debug(`Removed ${removed.length} stale file(s) under ${cleanDir}`);

    // 3. Stage and commit only what belongs to the release.
    const pathspecs = [cleanDir, ...files.map((f) => f.path).filter((p) => !isInside(cleanDir, p))];
    let changed: string[];
    let sha: string;
    try {
      await this.run(cwd, ['add', '--all', '--', ...pathspecs]);
      changed = splitZ(
        await this.run(cwd, ['diff', '--cached', '--name-only', '--no-renames', '-z', '--', ...pathspecs])
      );
      if (changed.length === 0) {
        this.logger.info(`No changes under ${cleanDir}: nothing to commit.`);
        return { sha: undefined, pushed: false, attempts: 0, files: [] };
      }
      await this.run(
        cwd,
        ['commit', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', req.message, '--', ...changed],
        { identity: true }
      );
      sha = (await this.run(cwd, ['rev-parse', 'HEAD'])).trim();
    } catch (e) {
      if (e instanceof GitError) throw e;
      throw new GitError(
        'git-failed',
        `Committing the release artifacts in ${cwd} failed: ${errorText(e)}\n` +
          'Check that the workspace is a git checkout (actions/checkout) of a branch. The files were written but ' +
          'not committed; they are also in the audit artifact.'
      );
    }
    this.logger.info(`Committed ${changed.length} file(s) as ${BOT_NAME}: ${sha}`);

    // 4. Push; on non-fast-forward fetch, rebase and retry. Never force.
    const urls: string[] = [];
    for (const extra of [[], ['--push']]) {
      const url = (
        await this.run(cwd, ['remote', 'get-url', ...extra, remote]).catch((e: unknown) => {
          throw new GitError(
            'git-failed',
            `The repository has no usable remote "${remote}" (${errorText(e)}). ` +
              `The release commit ${sha} is kept locally.`,
            { sha }
          );
        })
      ).trim();
      if (!urls.includes(url)) urls.push(url);
    }
    const header = this.authFor(urls, authHeader);
    const target = `${remote}/${branch}`;
    let attempt = 0;
    for (;;) {
      attempt++;
      this.logger.info(`Pushing ${sha.slice(0, 12)} to ${target} (attempt ${attempt} of ${this.maxPushAttempts})`);
      try {
        await this.run(
          cwd,
          ['push', '--porcelain', '--no-verify', '--recurse-submodules=no', remote, `HEAD:refs/heads/${branch}`],
          { auth: header }
        );
        this.logger.info(`Pushed release commit ${sha} to ${target}`);
        return { sha, pushed: true, attempts: attempt, files: changed };
      } catch (e) {
        const output = errorText(e);
        if (!isNonFastForward(output)) {
          const refused = isRefusal(output);
          throw new GitError(
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
        if (attempt >= this.maxPushAttempts) {
          throw new GitError(
            'retries-exhausted',
            `Pushing the release commit ${sha} to ${target} was rejected as non-fast-forward ${attempt} times: ` +
              'the branch keeps moving. The commit is kept locally and was not force-pushed; re-run the release ' +
              'when the branch is quiet (a concurrency group on the workflow prevents this).',
            { attempts: attempt, sha }
          );
        }
        this.logger.warning(`${target} moved since checkout; rebasing the release commit onto it and retrying.`);
        sha = await this.rebaseOnto(cwd, remote, branch, header, sha, attempt);
      }
    }
  }

  /** The auth header is sent only to https remotes: never in clear text, and local paths need none. */
  private authFor(urls: string[], header: string | undefined): Auth | undefined {
    if (!header) return undefined;
    if (urls.some((u) => /^http:\/\//i.test(u))) {
      this.logger.warning('The remote uses plain http; the token is not sent over an unencrypted connection.');
    }
    const https = urls.filter((u) => /^https:\/\//i.test(u));
    return https.length > 0 ? { header, urls: https } : undefined;
  }

  private async rebaseOnto(
    cwd: string,
    remote: string,
    branch: string,
    header: Auth | undefined,
    sha: string,
    attempts: number
  ): Promise<string> {
    const tracking = `refs/remotes/${remote}/${branch}`;
    try {
      await this.run(
        cwd,
        ['fetch', '--no-tags', '--no-recurse-submodules', remote, `+refs/heads/${branch}:${tracking}`],
        { auth: header }
      );
    } catch (e) {
      throw new GitError(
        'git-failed',
        `Fetching ${remote}/${branch} after a rejected push failed: ${errorText(e)}\n` +
          `The release commit ${sha} is kept locally and was not pushed.`,
        { attempts, sha }
      );
    }
    try {
      await this.run(cwd, ['rebase', '--no-verify', '--autostash', tracking], { identity: true });
    } catch (e) {
      const conflicted = splitZ(await this.run(cwd, ['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => ''));
      await this.run(cwd, ['rebase', '--abort']).catch(() => undefined);
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
      await this.run(cwd, ['rev-parse', 'HEAD']).catch((e: unknown) => {
        throw new GitError('git-failed', `Reading HEAD after the rebase failed: ${errorText(e)}`, { attempts, sha });
      })
    ).trim();
    this.logger.info(`Rebased the release commit onto ${remote}/${branch}: ${rebased}`);
    return rebased;
  }

  /** Runs one git command; rejects with a GitCommandError carrying git's redacted output. */
  private async run(cwd: string, args: string[], options: RunOptions = {}): Promise<string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined) continue;
      const lower = k.toLowerCase();
      if (lower.startsWith('git') || GUARDED_ENV.has(lower)) continue;
      env[k] = v;
    }
    const own: Record<string, string> = {
      // Never wait for a username/password prompt: a CI job would hang until it is killed.
      GIT_TERMINAL_PROMPT: '0',
      // Treat pathspecs literally: a file named `*.yaml` or `:(glob)x` matches only itself.
      GIT_LITERAL_PATHSPECS: '1'
    };
    for (const k of INHERITED_GIT_ENV) {
      const v = process.env[k];
      if (v) own[k] = v;
    }
    let allowConfigEnv = false;
    if (options.auth) {
      // Scoped to the exact remote URL: git applies only the most specific http.<url>.* match, so a header that
      // actions/checkout persisted for https://github.com/ is overridden, and the empty value first clears it
      // so that it is not sent next to ours (GitHub rejects a request with two Authorization headers).
      let n = 0;
      for (const url of options.auth.urls) {
        for (const value of ['', options.auth.header]) {
          own[`GIT_CONFIG_KEY_${n}`] = `http.${url}.extraheader`;
          own[`GIT_CONFIG_VALUE_${n}`] = value;
          n++;
        }
      }
      own.GIT_CONFIG_COUNT = String(n);
      allowConfigEnv = true;
    }
    const config = options.identity ? [`user.name=${BOT_NAME}`, `user.email=${BOT_EMAIL}`, 'commit.gpgsign=false'] : [];
    const git = simpleGit({
      baseDir: cwd,
      config,
      // Only the keys set above are allowed; the config-env permission is for http.extraheader, set by this file.
      allowEnvironment: Object.keys(own),
      unsafe: { allowUnsafeConfigEnvCount: allowConfigEnv },
      timeout: { block: this.idleTimeoutMs },
      errors: (error, result) => {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        return Buffer.concat([...result.stdErr, ...result.stdOut]);
      }
    }).env({ ...env, LC_ALL: 'C', LANGUAGE: 'C', GCM_INTERACTIVE: 'never', ...own });
    this.logger.debug(`git ${scrub(args.join(' '))}`);
    try {
      return await git.raw(args);
    } catch (e) {
      throw new GitCommandError(args, scrub(e instanceof Error ? e.message : String(e)).trim());
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof GitCommandError) return e.output || e.message;
  return scrub(e instanceof Error ? e.message : String(e));
}

/** Redacts registered secrets and credentials embedded in URLs (`https://user:pass@host`). */
function scrub(text: string): string {
  return redactor.redact(text).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
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

function splitZ(out: string): string[] {
  return out.split('\0').filter((s) => s.trim() !== '');
}

function isInside(dir: string, path: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A branch name safe to put in a refspec: git's ref-format rules plus no leading `-`. */
export function validateBranch(input: string): string {
  const branch = typeof input === 'string' ? input.replace(/^refs\/heads\//, '') : '';
  const problem = !branch
    ? 'is empty'
    : branch.startsWith('-')
      ? 'starts with "-"'
      : CONTROL.test(branch)
        ? 'contains a control character'
        : branch.includes('..')
          ? 'contains ".."'
          : /[\s~^:?*[\\]/.test(branch)
            ? 'contains a space or one of ~ ^ : ? * [ \\'
            : branch.includes('@{') || branch === '@'
              ? 'contains "@{"'
              : branch.startsWith('/') || branch.endsWith('/') || branch.includes('//')
                ? 'has an empty path component'
                : branch.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'))
                  ? 'has a component starting with "." or ending with ".lock"'
                  : branch.endsWith('.')
                    ? 'ends with "."'
                    : undefined;
  if (problem) {
    throw new GitError(
      'invalid-input',
      `Refusing to push to branch ${JSON.stringify(input)}: the name ${problem}. Use a plain branch name ` +
        '(GITHUB_REF_NAME), e.g. main.'
    );
  }
  return branch;
}

/** A remote name (not a URL): letters, digits, dot, dash, underscore; no leading `-`, no `..`. */
export function validateRemote(input: string): string {
  if (typeof input !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(input) || input.includes('..')) {
    throw new GitError(
      'invalid-input',
      `Refusing to use remote ${JSON.stringify(input)}: a remote must be a configured remote name such as origin.`
    );
  }
  return input;
}

/**
 * A path relative to the working tree that cannot be read as an option, cannot leave the working tree and does
 * not touch `.git`. Returns it with `/` separators and without a trailing slash.
 */
export function validateRelativePath(cwd: string, input: string, what: string): string {
  const fail = (why: string): never => {
    throw new GitError('invalid-input', `Refusing ${what} ${JSON.stringify(input)}: ${why}.`);
  };
  if (typeof input !== 'string' || input === '') return fail('it is empty');
  if (CONTROL.test(input)) fail('it contains a control character');
  if (input.includes('\\')) fail('it contains a backslash; use "/"');
  if (isAbsolute(input) || /^[A-Za-z]:/.test(input)) fail('it is absolute; use a path relative to the repository');
  if (input.includes('..')) fail('it contains ".."');
  const path = input.replace(/\/+$/, '');
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.')) fail('it has an empty or "." component');
  if (parts.some((p) => p.startsWith('-'))) fail('a component starts with "-" and could be read as an option');
  if (parts.some((p) => p.toLowerCase() === '.git')) fail('it points into .git');
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) fail('it is outside the working tree');
  return path;
}

async function checkCwd(cwd: string): Promise<string> {
  if (typeof cwd !== 'string' || !isAbsolute(cwd) || CONTROL.test(cwd)) {
    throw new GitError('invalid-input', `The working tree ${JSON.stringify(cwd)} must be an absolute path.`);
  }
  const s = await stat(cwd).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new GitError('invalid-input', `The working tree ${cwd} does not exist or is not a directory.`);
  }
  return resolve(cwd);
}

/** Writing through a symlink could modify files outside the working tree, so no component may be one. */
async function refuseSymlinks(cwd: string, path: string): Promise<void> {
  let current = cwd;
  for (const part of path.split('/')) {
    current = join(current, part);
    const s = await lstat(current).catch(() => undefined);
    if (!s) return;
    if (s.isSymbolicLink()) {
      throw new GitError(
        'invalid-input',
        `Refusing to write ${path}: ${relative(cwd, current)} is a symbolic link. Replace it with a directory.`
      );
    }
  }
}

/** Deletes files under `dir` that are not in `keep`, then empty directories. Returns what was removed. */
async function removeStale(cwd: string, dir: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (rel: string): Promise<boolean> => {
    const entries = await readdir(join(cwd, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!entries) return false;
    let left = 0;
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      // Symlinks are not directories here, so they are removed as entries, never followed.
      if (entry.isDirectory()) {
        if (await walk(child)) left++;
        else await rmdir(join(cwd, child)).catch(() => left++);
      } else if (keep.has(child)) {
        left++;
      } else {
        await unlink(join(cwd, child));
        removed.push(child);
      }
    }
    return left > 0;
  };
  await walk(dir);
  return removed.map((p) => p.split(sep).join('/'));
}
