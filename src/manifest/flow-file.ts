// Reading one flow file referenced by the manifest: confinement to the workspace, size limits, `{{placeholder}}`
// substitution and the Archy checks (one top-level key naming the flow type, a `name` equal to the manifest's).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FlowType } from '../genesys/models.ts';
import { archyKeyForType, intendedArchyKey, typeForArchyKey } from '../genesys/flow-types.ts';
import type { ValidationIssue } from '../domain/types.ts';
import { truncate } from '../fields/duration.ts';
import { PLACEHOLDER } from '../fields/placeholders.ts';
import { documentPath, formatPath, locate, parseYaml, pathAt, positionOf, type ParsedYaml } from './yaml-source.ts';

/** The platform's maximum request size; the upload is exactly the substituted bytes. */
export const MAX_FLOW_BYTES = 512_000;
/** Refuse to even read files far beyond any plausible flow (bounded memory). */
const MAX_RAW_FLOW_BYTES = 2 * 1024 * 1024;

/** Names of the action's built-in placeholders: filled in check inputs and the commit message, never in flow files. */
const BUILT_IN_NAMES = new Set(['run', 'release', 'sha']);

export interface ResolvedPath {
  ok: true;
  absolute: string;
}

/**
 * Resolves `ref` inside `workspace`, refusing traversal, absolute paths elsewhere and symlinks that lead out.
 * Returns a message + fix on refusal.
 */
export async function resolveInside(
  workspace: string,
  ref: string
): Promise<ResolvedPath | { ok: false; message: string; fix: string }> {
  if (ref.includes('\0')) return { ok: false, message: 'the path contains a NUL byte', fix: 'remove it' };
  const ws = path.resolve(workspace);
  const absolute = path.resolve(ws, ref);
  const outside = (root: string, p: string): boolean => {
    const rel = path.relative(root, p);
    return rel === '' ? false : rel.startsWith('..') || path.isAbsolute(rel);
  };
  if (outside(ws, absolute)) {
    return {
      ok: false,
      message: `'${truncate(ref)}' is outside the workspace`,
      fix: 'reference a file inside the repository with a relative path such as flows/my-flow.yaml'
    };
  }
  let real: string;
  let realWs: string;
  try {
    realWs = await fs.realpath(ws);
    real = await fs.realpath(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return {
        ok: false,
        message: `file '${truncate(ref)}' does not exist`,
        fix: 'check the path (relative to the repository root) and that the file is committed'
      };
    }
    if (code === 'ELOOP')
      return { ok: false, message: `'${truncate(ref)}' is a symlink loop`, fix: 'point it at a real file' };
    return {
      ok: false,
      message: `cannot access '${truncate(ref)}' (${code ?? 'error'})`,
      fix: 'check the file permissions'
    };
  }
  if (outside(realWs, real)) {
    return {
      ok: false,
      message: `'${truncate(ref)}' is a symlink that resolves outside the workspace`,
      fix: 'replace the symlink with the file itself, inside the repository'
    };
  }
  return { ok: true, absolute: real };
}

export interface FlowFileResult {
  content?: string;
  contentHash?: string;
  issues: ValidationIssue[];
}

export interface FlowFileRequest {
  workspace: string;
  /** As written in the manifest. */
  file: string;
  /** Workspace-relative display name for issues. */
  displayFile: string;
  flowName: string;
  flowType: FlowType;
  /** The flow's own substitutions: the only values a flow file's `{{placeholder}}`s take (no built-ins). */
  substitutions: Record<string, string>;
  /** Where the manifest references the file (for issues that are about the reference itself). */
  manifestFile: string;
  manifestRef: { line: number; column: number; path: string };
}

export async function loadFlowFile(req: FlowFileRequest): Promise<FlowFileResult> {
  const raw = await readFlowFile(req);
  if (typeof raw !== 'string') return raw;
  const at = issueAt(req);
  const content = substitute(req, raw, at);
  if (typeof content !== 'string') return content;
  const parsed = parseYaml(content, 'flow file');
  const issues = parsed.issues.map((i) => at(i.line, i.column, documentPath(i.path), i.message, i.fix));
  if (issues.length === 0) issues.push(...archyIssues(req, parsed, at));
  if (issues.length > 0) return { issues };
  return { content, contentHash: createHash('sha256').update(content, 'utf8').digest('hex'), issues };
}

type IssueAt = (line: number, column: number, p: string, message: string, fix: string) => ValidationIssue;

function label(req: FlowFileRequest): string {
  return `flow '${truncate(req.flowName, 80)}'`;
}

/** An issue inside the flow file. */
function issueAt(req: FlowFileRequest): IssueAt {
  return (line, column, p, message, fix) => ({
    file: req.displayFile,
    line,
    column,
    path: p,
    message: `${label(req)}: ${message}`,
    fix
  });
}

/** The file's text, or an issue about the manifest's reference to it (missing, outside, not a file, too big). */
async function readFlowFile(req: FlowFileRequest): Promise<string | FlowFileResult> {
  const refIssue = (message: string, fix: string): FlowFileResult => ({
    issues: [{ file: req.manifestFile, ...req.manifestRef, message: `${label(req)}: ${message}`, fix }]
  });
  const resolved = await resolveInside(req.workspace, req.file);
  if (!resolved.ok) return refIssue(resolved.message, resolved.fix);
  const stat = await fs.stat(resolved.absolute);
  if (!stat.isFile()) return refIssue(`'${truncate(req.file)}' is not a regular file`, 'reference an Archy YAML file');
  if (stat.size > MAX_RAW_FLOW_BYTES) {
    return refIssue(
      `'${truncate(req.file)}' is ${stat.size} bytes; the platform accepts at most ${MAX_FLOW_BYTES}`,
      'split the flow (e.g. move shared logic into a common module)'
    );
  }
  return fs.readFile(resolved.absolute, 'utf8');
}

/** The text with every placeholder replaced, or an issue per undefined placeholder (or for the size after). */
function substitute(req: FlowFileRequest, raw: string, at: IssueAt): string | FlowFileResult {
  const issues: ValidationIssue[] = [];
  // Placeholders are located in the raw file so each issue points at the line the user wrote.
  const rawParsed = parseYaml(raw, 'flow file');
  const values: Record<string, string> = { ...req.substitutions };
  for (const m of raw.matchAll(PLACEHOLDER)) {
    const key = m[1] ?? '';
    if (Object.hasOwn(values, key)) continue;
    const pos = positionOf(rawParsed, m.index);
    const fieldPath = rawParsed.doc && rawParsed.issues.length === 0 ? formatPath(pathAt(rawParsed.doc, m.index)) : '';
    const known = Object.keys(values);
    issues.push(
      at(
        pos.line,
        pos.column,
        fieldPath,
        `placeholder {{${key}}} is not defined`,
        `add '${key}: <value>' to this flow's substitutions in ${req.manifestFile}` +
          (known.length ? ` (defined: ${known.slice(0, 20).join(', ')})` : '') +
          (BUILT_IN_NAMES.has(key)
            ? `; {{${key}}} is a built-in of check inputs only, never filled in a flow file`
            : '')
      )
    );
  }
  if (issues.length > 0) return { issues };
  const content = raw.replace(PLACEHOLDER, (whole, key: string) =>
    Object.hasOwn(values, key) ? (values[key] ?? whole) : whole
  );
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_FLOW_BYTES) {
    return {
      issues: [
        at(
          1,
          1,
          '',
          `is ${bytes} bytes after substitution; the platform accepts at most ${MAX_FLOW_BYTES}`,
          'split the flow (e.g. move shared logic into a common module) or shorten substituted values'
        )
      ]
    };
  }
  return content;
}

/** Archy: one top-level key naming the manifest's flow type, holding a mapping whose name is the manifest's. */
function archyIssues(req: FlowFileRequest, parsed: ParsedYaml, at: IssueAt): ValidationIssue[] {
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      at(
        1,
        1,
        '',
        'is not an Archy flow: expected a mapping with one top-level key naming the flow type',
        `start the file with the flow type key for type ${req.flowType}, e.g. '${exampleKey(req.flowType)}:'`
      )
    ];
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    const pos = locate(parsed, [keys[1] ?? ''], true);
    return [
      at(
        keys.length ? pos.line : 1,
        keys.length ? pos.column : 1,
        keys[1] ?? '',
        `has ${keys.length} top-level keys (${keys.slice(0, 5).join(', ')}); an Archy flow file has exactly one, naming the flow type`,
        'keep one flow per file under a single key such as inboundCall: or workflow:'
      )
    ];
  }
  const key = keys[0] ?? '';
  const issues = typeKeyIssues(req, parsed, key, at);
  const body = (value as Record<string, unknown>)[key];
  const keyPos = locate(parsed, [key], true);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    issues.push(
      at(
        keyPos.line,
        keyPos.column,
        key,
        `'${truncate(key)}' must be a mapping with the flow's name and settings`,
        'add the flow body (name, division, startUpRef, ...) under the key'
      )
    );
    return issues;
  }
  return [...issues, ...nameIssues(req, parsed, key, (body as Record<string, unknown>).name, at)];
}

function typeKeyIssues(req: FlowFileRequest, parsed: ParsedYaml, key: string, at: IssueAt): ValidationIssue[] {
  const fileType = typeForArchyKey(key);
  if (fileType === req.flowType) return [];
  const keyPos = locate(parsed, [key], true);
  const issue = (message: string, fix: string) => [at(keyPos.line, keyPos.column, key, message, fix)];
  const expected = exampleKey(req.flowType);
  if (fileType) {
    return issue(
      `the file holds a flow of type ${fileType} (top-level key '${key}') but the manifest says type: ${req.flowType}`,
      `set type: ${fileType} in the manifest, or reference the ${req.flowType} flow's file (its key is '${expected}:')`
    );
  }
  const meant = intendedArchyKey(key);
  return issue(
    `top-level key '${truncate(key)}' is not an Archy flow type` +
      (meant ? ` (Archy writes '${meant}', case-sensitive)` : ''),
    meant
      ? `rename the key to '${meant}:'` +
          (meant === expected ? '' : ` (the manifest's type ${req.flowType} is written '${expected}:')`)
      : `use the Archy key for type ${req.flowType}: '${expected}:'`
  );
}

function nameIssues(
  req: FlowFileRequest,
  parsed: ParsedYaml,
  key: string,
  fileName: unknown,
  at: IssueAt
): ValidationIssue[] {
  if (typeof fileName !== 'string' || fileName.trim() === '') {
    const keyPos = locate(parsed, [key], true);
    return [
      at(
        keyPos.line,
        keyPos.column,
        `${key}.name`,
        'has no name',
        `add 'name: ${truncate(req.flowName)}' under '${key}:'`
      )
    ];
  }
  if (fileName === req.flowName) return [];
  const pos = locate(parsed, [key, 'name']);
  return [
    at(
      pos.line,
      pos.column,
      `${key}.name`,
      `the file's name '${truncate(fileName)}' differs from the manifest's name '${truncate(req.flowName)}'`,
      'make the two names identical (the manifest name is the exact Genesys flow name)'
    )
  ];
}

function exampleKey(type: FlowType): string {
  return archyKeyForType(type) ?? type;
}
