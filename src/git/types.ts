// What the release needs from git, behind an interface so the engine can be tested without a repository.

export interface CommitRequest {
  /** Repository working tree (the workspace). */
  cwd: string;
  /** Files to write, relative to cwd, with their full content. Files under `cleanDir` not listed are removed. */
  files: { path: string; content: string }[];
  /** Directory (relative) that is owned by the release: stale files in it are removed. */
  cleanDir: string;
  message: string;
  /** Branch to push to (e.g. from GITHUB_REF_NAME). */
  branch: string;
  /** Token for https pushes; never printed, never stored in .git/config. */
  token?: string;
}

export interface CommitResult {
  /** undefined when nothing changed (no commit made). */
  sha?: string;
  pushed: boolean;
  /** Push attempts made (rebase-and-retry counts each). */
  attempts: number;
  files: string[];
}

export interface Committer {
  commitAndPush(req: CommitRequest): Promise<CommitResult>;
}

/** `<artifacts.dir>/release.json`: what the last successful release left published. Read by the planner. */
export interface ReleaseRecord {
  schemaVersion: 1;
  releaseId: string;
  /** The source commit the release was made from (GITHUB_SHA). */
  sourceCommit: string;
  outcome: 'succeeded';
  flows: {
    name: string;
    type: string;
    id: string;
    /** Published version id after the release. */
    version: string;
    /** sha256 of the substituted YAML that was published (file flows) — compared with the manifest's content. */
    contentHash: string;
    /** Path of the exported YAML, relative to the artifacts dir. */
    file: string;
  }[];
}
