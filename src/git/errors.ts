// The committer's errors. Every message is scrubbed of registered secrets and of credentials embedded in URLs, so
// a git error can be logged or reported as it is.
import { redactor } from '../common/redact.ts';

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

/** Thrown when git exits non-zero; `output` is stderr + stdout, already redacted. */
export class GitCommandError extends Error {
  readonly output: string;
  constructor(args: string[], output: string) {
    super(`git ${args[0] ?? ''} failed: ${output}`);
    this.output = output;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof GitCommandError) return e.output || e.message;
  return scrub(e instanceof Error ? e.message : String(e));
}

/** Redacts registered secrets and credentials embedded in URLs (`https://user:pass@host`). */
export function scrub(text: string): string {
  return redactor.redact(text).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}
