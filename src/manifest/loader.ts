// Loads and validates the release manifest and every flow file it references, before anything touches the org.
// Every problem becomes a ValidationIssue with file, line, column, field path, message and fix; all of them are
// reported at once. Hostile input (alias bombs, huge or deeply nested files, traversal, symlinks) is refused in
// bounded time and memory, and no exception escapes: anything unexpected is itself reported as an issue.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ValidationIssue } from '../domain/types.ts';
import { isRecord, toPosix, type Loading } from './loading.ts';
import { describe, truncate } from '../fields/duration.ts';
import type { IssueSink } from '../fields/issues.ts';
import { validateChecks } from './checks.ts';
import { defaultStage, manifestWithDefaults, stageWithDefaults } from './defaults.ts';
import { resolveInside } from './flow-file.ts';
import { resolveFlows, validateFlows } from './flows.ts';
import { reportZod, sortIssues } from './issues.ts';
import { checkArtifactsDir } from './paths.ts';
import { manifestSchema } from './schema.ts';
import { validateStages } from './stages.ts';
import type { LoadOptions, LoadResult } from './types.ts';
import { documentPath, formatPath, locate, parseYaml } from './yaml-source.ts';

export { formatIssue } from './issues.ts';

export const MAX_MANIFEST_BYTES = 1024 * 1024;

export async function loadManifest(opts: LoadOptions): Promise<LoadResult> {
  try {
    return await load(opts);
  } catch (e) {
    // A bug or an environment failure must still read as a validation result, never as a stack trace.
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      issues: [
        {
          file: String(opts?.manifestPath ?? 'manifest'),
          line: 1,
          column: 1,
          path: '',
          message: `could not validate the manifest: ${truncate(message, 200)}`,
          fix: 'check that the manifest and its flow files are readable; report a bug if this persists'
        }
      ]
    };
  }
}

/** The phases, in order. Each reports its issues to the manifest being loaded; all of them are reported at once. */
async function load(opts: LoadOptions): Promise<LoadResult> {
  const read = await readManifest(opts);
  if (!read.ok) return read;
  const m = parseManifest(read);
  if (!m.ok) return m;
  const top = manifestSchema.safeParse(m.root, { reportInput: true });
  if (!top.success) reportZod(top.error, [], manifestSchema, m.add);
  const flows = validateFlows(m);
  const checks = validateChecks(m, flows);
  const stages = validateStages(m, flows, checks.names);
  validateArtifactsDir(m);
  validateRetired(m);
  const flowSpecs = await resolveFlows(m, flows);
  if (m.issues.length > 0 || !top.success) return { ok: false, issues: sortIssues(m.issues) };
  return {
    ok: true,
    manifest: manifestWithDefaults(read.absolute, top.data, {
      flows: flowSpecs,
      stages: stages ? stages.map(stageWithDefaults) : [defaultStage(flows.valid)],
      checks: checks.specs
    })
  };
}

type ManifestText = { ok: true; workspace: string; display: string; absolute: string; text: string; opts: LoadOptions };

/** Phase 1: find the manifest inside the workspace and read it (bounded size). */
async function readManifest(opts: LoadOptions): Promise<ManifestText | (LoadResult & { ok: false })> {
  const workspace = path.resolve(opts.workspace);
  const manifestAbs = path.resolve(workspace, opts.manifestPath);
  const relManifest = path.relative(workspace, manifestAbs);
  const display =
    relManifest && !relManifest.startsWith('..') && !path.isAbsolute(relManifest)
      ? toPosix(relManifest)
      : opts.manifestPath;
  const fail = (message: string, fix: string) => ({
    ok: false as const,
    issues: [{ file: display, line: 1, column: 1, path: '', message, fix }]
  });
  const resolved = await resolveInside(workspace, opts.manifestPath);
  if (!resolved.ok)
    return fail(`manifest: ${resolved.message}`, resolved.fix.replace('reference a file', 'keep the manifest'));
  const stat = await fs.stat(resolved.absolute);
  if (!stat.isFile()) return fail('the manifest is not a regular file', 'point the manifest input at a YAML file');
  if (stat.size > MAX_MANIFEST_BYTES) {
    return fail(
      `the manifest is ${stat.size} bytes; the limit is ${MAX_MANIFEST_BYTES}`,
      'a release manifest is a few kilobytes: check you referenced the right file'
    );
  }
  const text = await fs.readFile(resolved.absolute, 'utf8');
  return { ok: true, workspace, display, absolute: resolved.absolute, text, opts };
}

/** Phase 2: parse the YAML (with positions) and require a mapping at the top. */
function parseManifest(read: ManifestText): (Loading & { ok: true }) | (LoadResult & { ok: false }) {
  const parsed = parseYaml(read.text, 'manifest');
  const issues: ValidationIssue[] = parsed.issues.map((i) => ({
    file: read.display,
    line: i.line,
    column: i.column,
    path: documentPath(i.path),
    message: i.message,
    fix: i.fix
  }));
  if (issues.length > 0) return { ok: false, issues };
  const add: IssueSink = (p, message, fix, o) => {
    const pos = locate(parsed, p, o?.key);
    issues.push({ file: read.display, ...pos, path: formatPath(p), message, fix });
  };
  const root = parsed.value;
  if (!isRecord(root)) {
    add(
      [],
      root === null || root === undefined
        ? 'the manifest is empty'
        : `the manifest must be a mapping, got ${describe(root)}`,
      'start from the example in the README: version: 1, flows: [...], stages: [...]'
    );
    return { ok: false, issues };
  }
  return { ok: true, opts: read.opts, workspace: read.workspace, display: read.display, parsed, root, issues, add };
}

/** A retired flow must not also be a flow the manifest releases. */
function validateRetired(m: Loading): void {
  const retired = m.root.retired;
  const flows = m.root.flows;
  if (!Array.isArray(retired) || !Array.isArray(flows)) return;
  const managed = new Set(flows.filter(isRecord).map((f) => `${String(f.type)}\u0000${String(f.name)}`));
  retired.forEach((r, i) => {
    if (isRecord(r) && managed.has(`${String(r.type)}\u0000${String(r.name)}`)) {
      m.add(
        ['retired', i, 'name'],
        `"${String(r.name)}" is listed both under flows and under retired`,
        'keep it under flows to release it, or remove it from flows to delete it from the org'
      );
    }
  });
}

/**
 * The committer writes the artifacts directory and hands it to git, so it must stay inside the working tree,
 * outside .git, and never read as an option. Refused here, before anything touches the org.
 */
function validateArtifactsDir(m: Loading): void {
  const artifacts = m.root.artifacts;
  if (isRecord(artifacts) && typeof artifacts.dir === 'string' && artifacts.dir !== '') {
    const problem = checkArtifactsDir(artifacts.dir, m.workspace);
    if (problem) m.add(['artifacts', 'dir'], problem.message, problem.fix);
  }
}
