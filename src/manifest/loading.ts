// The manifest being loaded, as each phase of the loader (loader.ts) sees it.
import path from 'node:path';
import type { ValidationIssue } from '../domain/types.ts';
import type { IssueSink } from '../fields/issues.ts';
import type { LoadOptions } from './types.ts';
import type { ParsedYaml } from './yaml-source.ts';

/** The manifest being loaded, as every phase sees it. */
export interface Loading {
  opts: LoadOptions;
  workspace: string;
  /** The manifest's path as issues name it (workspace-relative when inside). */
  display: string;
  parsed: ParsedYaml;
  root: Record<string, unknown>;
  issues: ValidationIssue[];
  /** Reports an issue at a path of the manifest. */
  add: IssueSink;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
