// The validated release manifest as the engine consumes it (camelCase, durations in ms, files read and substituted).
// The YAML form is described in ../shared/DESIGN.md; loader.ts turns one into the other or returns every issue at once.
import type { FlowType } from '../genesys/models.ts';
import type { ValidationIssue } from '../domain/types.ts';
import type { CheckSpec } from '../checks/types.ts';

export interface FileFlowSpec {
  name: string;
  type: FlowType;
  source: 'file';
  /** Path relative to the workspace, as written in the manifest. */
  file: string;
  /** The flow file after `{{placeholder}}` substitution: exactly the bytes uploaded. */
  content: string;
  /** sha256 hex of `content`. */
  contentHash: string;
  substitutions: Record<string, string>;
  forceUnlock: boolean;
}

export interface DraftFlowSpec {
  name: string;
  type: FlowType;
  source: 'draft';
  forceUnlock: boolean;
}

export type FlowSpec = FileFlowSpec | DraftFlowSpec;

export interface StageSpec {
  name: string;
  flows: string[];
  bakeMs: number;
  /**
   * How often checks run during the bake (the final value the bake uses: see defaults.ts), and at least once at the
   * end.
   */
  checkIntervalMs: number;
  checks: string[];
}

export interface ReleaseManifest {
  version: 1;
  /** Absolute path of the manifest file. */
  path: string;
  flows: FlowSpec[];
  stages: StageSpec[];
  /** Each check's spec, as its kind (src/checks/kinds/) defines it. */
  checks: Record<string, CheckSpec>;
  rollback: { automatic: boolean; newFlows: 'delete' | 'keep' };
  artifacts: { dir: string; message: string };
  /** Deadline for one asynchronous job. */
  jobTimeoutMs: number;
  /** Flows published at once within a stage (at least 1). */
  concurrency: number;
  /** Flows to delete from the org once every stage succeeded (`retired:`); restorable from the ledger. */
  retired?: { name: string; type: FlowType }[];
}

export type LoadResult = { ok: true; manifest: ReleaseManifest } | { ok: false; issues: ValidationIssue[] };

export interface LoadOptions {
  /** The repository root; every file reference must stay inside it (no traversal, no symlink escape). */
  workspace: string;
  /** Manifest path, relative to the workspace or absolute. */
  manifestPath: string;
  /**
   * Values for the built-in placeholders `{{run}}`, `{{release}}`, `{{sha}}`: filled in check inputs only (documented
   * per check kind), never in flow files, whose `{{placeholder}}`s take only the flow's own substitutions.
   */
  builtins: Record<string, string>;
}
