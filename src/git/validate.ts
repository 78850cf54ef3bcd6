// Validation of everything the committer hands to git or writes, before git runs or a file is written: a branch,
// remote or path from a hostile flow name can never become a git option, escape the working tree, touch `.git` or
// write through a symbolic link.
import { lstat, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { GitError } from './errors.ts';
import type { CommitRequest } from './types.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A commit request after validation: absolute working tree, plain branch and remote names, `/`-separated paths. */
export interface ValidRequest {
  cwd: string;
  branch: string;
  remote: string;
  cleanDir: string;
  files: { path: string; content: string }[];
}

/** Validates the whole request (and the configured remote); throws a GitError of kind 'invalid-input'. */
export async function validateRequest(req: CommitRequest, remoteName: string): Promise<ValidRequest> {
  const cwd = await checkCwd(req.cwd);
  const branch = validateBranch(req.branch);
  const remote = validateRemote(remoteName);
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
  return { cwd, branch, remote, cleanDir, files };
}

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
