// Loads and validates the release manifest and every flow file it references, before anything touches the org.
// Every problem becomes a ValidationIssue with file, line, column, field path, message and fix; all of them are
// reported at once. Hostile input (alias bombs, huge or deeply nested files, traversal, symlinks) is refused in
// bounded time and memory, and no exception escapes: anything unexpected is itself reported as an issue.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ValidationIssue } from '../domain/types.ts';
import type { FlowType } from '../genesys/models.ts';
import { describe, truncate } from './duration.ts';
import { loadFlowFile, PLACEHOLDER, resolveInside } from './flow-file.ts';
import type { RawFlow, RawStage } from './schema.ts';
import { CHECK_KINDS, CHECK_SCHEMAS, DEFAULT_CONCURRENCY, flowSchema, manifestSchema, stageSchema } from './schema.ts';
import { checkArtifactsDir } from './paths.ts';
import { closest } from './suggest.ts';
import type { PathSegment } from './yaml-source.ts';
import { documentPath, formatPath, locate, parseYaml } from './yaml-source.ts';
import type { CheckSpec, FlowSpec, LoadOptions, LoadResult, ReleaseManifest, StageSpec } from './types.ts';

export const MAX_MANIFEST_BYTES = 1024 * 1024;
export const DEFAULT_COMMIT_MESSAGE = 'release: {{release}} [skip ci]';
export const DEFAULT_ARTIFACTS_DIR = 'genesys/published';
export const DEFAULT_STAGE_NAME = 'release';
const DEFAULT_CHECK_INTERVAL_MS = 30_000;
const DEFAULT_EXECUTION_TIMEOUT_MS = 60_000;
const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const DEFAULT_MIN_SAMPLES = 20;
const DEFAULT_JOB_TIMEOUT_MS = 16 * 60_000;

/** `file:line:col: path: message (fix: ...)` — the form editors and GitHub problem matchers understand. */
export function formatIssue(issue: ValidationIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const field = issue.path ? `${issue.path}: ` : '';
  return `${where}: ${field}${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`;
}

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

type Sink = (path: PathSegment[], message: string, fix: string, opts?: { key?: boolean }) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

async function load(opts: LoadOptions): Promise<LoadResult> {
  const workspace = path.resolve(opts.workspace);
  const manifestAbs = path.resolve(workspace, opts.manifestPath);
  const relManifest = path.relative(workspace, manifestAbs);
  const display =
    relManifest && !relManifest.startsWith('..') && !path.isAbsolute(relManifest)
      ? toPosix(relManifest)
      : opts.manifestPath;
  const fail = (message: string, fix: string): LoadResult => ({
    ok: false,
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
  const parsed = parseYaml(text, 'manifest');
  const issues: ValidationIssue[] = [];
  const add: Sink = (p, message, fix, o) => {
    const pos = locate(parsed, p, o?.key);
    issues.push({ file: display, ...pos, path: formatPath(p), message, fix });
  };
  for (const i of parsed.issues)
    issues.push({
      file: display,
      line: i.line,
      column: i.column,
      path: documentPath(i.path),
      message: i.message,
      fix: i.fix
    });
  if (issues.length > 0) return { ok: false, issues };
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

  // 1. Shape. The top level and each list item are parsed separately so one broken flow doesn't hide the others.
  const top = manifestSchema.safeParse(root, { reportInput: true });
  if (!top.success) reportZod(top.error, [], manifestSchema, add);

  const flows: RawFlow[] = [];
  const flowIndex = new Map<string, number>();
  const brokenFlowNames = new Set<string>();
  const flowItems = Array.isArray(root.flows) ? root.flows : [];
  flowItems.forEach((item, i) => {
    const r = flowSchema.safeParse(item, { reportInput: true });
    if (!r.success) {
      reportZod(r.error, ['flows', i], flowSchema, add);
      if (isRecord(item) && typeof item.name === 'string') brokenFlowNames.add(item.name.trim());
      return;
    }
    const f = r.data;
    let ok = true;
    if (f.file !== undefined && f.source === 'draft') {
      add(
        ['flows', i, 'source'],
        `flow '${f.name}' has both file: and source: draft`,
        'use file: to publish a YAML file, or source: draft (without file:) to promote the checked-in draft'
      );
      ok = false;
    } else if (f.file === undefined && f.source !== 'draft') {
      add(
        ['flows', i],
        `flow '${f.name}' needs either file: <path> or source: draft`,
        'add file: flows/<name>.yaml (Archy YAML in this repository), or source: draft'
      );
      ok = false;
    }
    if (f.substitutions && f.file === undefined) {
      add(
        ['flows', i, 'substitutions'],
        `flow '${f.name}': substitutions only apply to file flows`,
        'remove substitutions, or publish from a file'
      );
      ok = false;
    }
    for (const [k, v] of Object.entries(f.substitutions ?? {})) {
      if (/[\r\n]/.test(v)) {
        add(
          ['flows', i, 'substitutions', k],
          `substitution '${k}' contains a line break`,
          'substitution values are single-line (a line break would change the YAML structure of the flow file)'
        );
        ok = false;
      }
    }
    if (flowIndex.has(f.name)) {
      add(
        ['flows', i, 'name'],
        `duplicate flow name '${f.name}' (also flows[${flowIndex.get(f.name)}])`,
        'each flow appears once; stages refer to flows by name'
      );
      return;
    }
    flowIndex.set(f.name, flows.length);
    if (ok) flows.push(f);
    else brokenFlowNames.add(f.name);
  });
  const knownFlowNames = [...flowIndex.keys()];
  const flowByName = new Map(flows.map((f) => [f.name, f]));

  // 2. Checks, per kind.
  const checks: Record<string, CheckSpec> = {};
  const checkNames = isRecord(root.checks) ? Object.keys(root.checks) : [];
  if (isRecord(root.checks)) {
    for (const [name, item] of Object.entries(root.checks)) {
      const base: PathSegment[] = ['checks', name];
      if (!isRecord(item)) {
        add(
          base,
          `check '${name}' must be a mapping, got ${describe(item)}`,
          `give it a kind: ${CHECK_KINDS.join(' | ')} and its settings`
        );
        continue;
      }
      const kind = item.kind;
      if (typeof kind !== 'string' || !(CHECK_KINDS as readonly string[]).includes(kind)) {
        const hint = typeof kind === 'string' ? closest(kind, CHECK_KINDS) : undefined;
        add(
          kind === undefined ? base : [...base, 'kind'],
          kind === undefined ? `check '${name}' has no kind` : `unknown check kind ${describe(kind)}`,
          `${hint ? `did you mean '${hint}'? ` : ''}kind is one of ${CHECK_KINDS.join(', ')}`
        );
        continue;
      }
      const schema = CHECK_SCHEMAS[kind as keyof typeof CHECK_SCHEMAS];
      const r = schema.safeParse(item, { reportInput: true });
      if (!r.success) {
        reportZod(r.error, base, schema, add);
        continue;
      }
      const spec = toCheck(name, r.data as CheckData);
      if (spec.kind === 'execution') {
        const target = flowByName.get(spec.flow);
        if (!target) {
          if (!brokenFlowNames.has(spec.flow)) unknownName(add, [...base, 'flow'], 'flow', spec.flow, knownFlowNames);
        } else if (target.type !== 'workflow') {
          add(
            [...base, 'flow'],
            `execution checks launch workflows, but '${spec.flow}' has type ${target.type}`,
            'target a flow of type workflow, or use an analytics check for this flow'
          );
        }
        substituteInput(spec, base, opts.builtins, add);
      } else if (spec.kind === 'analytics') {
        spec.flows?.forEach((f, j) => {
          if (!flowIndex.has(f) && !brokenFlowNames.has(f))
            unknownName(add, [...base, 'flows', j], 'flow', f, knownFlowNames);
        });
      }
      checks[name] = spec;
    }
  }

  // 3. Stages: every flow in exactly one stage, every referenced check defined.
  const stages: StageSpec[] = [];
  if (root.stages === undefined) {
    stages.push({
      name: DEFAULT_STAGE_NAME,
      flows: flows.map((f) => f.name),
      bakeMs: 0,
      checkIntervalMs: 0,
      checks: []
    });
  } else if (Array.isArray(root.stages)) {
    const placed = new Map<string, string>();
    const stageNames = new Map<string, number>();
    // References are checked even in a stage whose shape is broken, so one bad `bake:` doesn't hide a bad name.
    const checkRefs = (i: number, stageName: string, stageFlows: unknown, stageChecks: unknown): void => {
      if (Array.isArray(stageFlows)) {
        stageFlows.forEach((raw, j) => {
          if (typeof raw !== 'string') return;
          const f = raw.trim();
          if (!flowIndex.has(f)) {
            if (!brokenFlowNames.has(f)) unknownName(add, ['stages', i, 'flows', j], 'flow', f, knownFlowNames);
            return;
          }
          const prev = placed.get(f);
          if (prev !== undefined) {
            add(['stages', i, 'flows', j], `flow '${f}' is already in ${prev}`, 'list every flow in exactly one stage');
            return;
          }
          placed.set(f, `stages[${i}]${stageName ? ` '${stageName}'` : ''}`);
        });
      }
      if (Array.isArray(stageChecks)) {
        stageChecks.forEach((c, j) => {
          if (typeof c === 'string' && !checkNames.includes(c.trim())) {
            unknownName(add, ['stages', i, 'checks', j], 'check', c.trim(), checkNames, 'define it under checks:');
          }
        });
      }
    };
    root.stages.forEach((item, i) => {
      const r = stageSchema.safeParse(item, { reportInput: true });
      if (!r.success) {
        reportZod(r.error, ['stages', i], stageSchema, add);
        if (isRecord(item)) checkRefs(i, typeof item.name === 'string' ? item.name : '', item.flows, item.checks);
        return;
      }
      const s: RawStage = r.data;
      if (stageNames.has(s.name)) {
        add(
          ['stages', i, 'name'],
          `duplicate stage name '${s.name}' (also stages[${stageNames.get(s.name)}])`,
          'give every stage a distinct name'
        );
      } else stageNames.set(s.name, i);
      checkRefs(i, s.name, s.flows, s.checks);
      const bakeMs = s.bake ?? 0;
      stages.push({
        name: s.name,
        flows: s.flows,
        bakeMs,
        checkIntervalMs: s['check-interval'] ?? Math.min(bakeMs, DEFAULT_CHECK_INTERVAL_MS),
        checks: s.checks ?? []
      });
    });
    flowItems.forEach((item, i) => {
      if (!isRecord(item) || typeof item.name !== 'string') return;
      const n = item.name.trim();
      if (
        flowIndex.get(n) !== undefined &&
        !placed.has(n) &&
        flowItems.findIndex((x) => isRecord(x) && typeof x.name === 'string' && x.name.trim() === n) === i
      ) {
        add(['flows', i, 'name'], `flow '${n}' is not in any stage`, `add '${n}' to the flows of one stage`);
      }
    });
  }

  // 4. Artifacts directory: the committer writes there and hands it to git, so it must stay inside the working tree,
  // outside .git, and never read as an option. Refused here, before anything touches the org.
  if (isRecord(root.artifacts) && typeof root.artifacts.dir === 'string' && root.artifacts.dir !== '') {
    const problem = checkArtifactsDir(root.artifacts.dir, workspace);
    if (problem) add(['artifacts', 'dir'], problem.message, problem.fix);
  }

  // 5. Flow files: existence, confinement, placeholders, size, Archy type key and name.
  const specs: FlowSpec[] = [];
  for (const f of flows) {
    const i = flowItems.findIndex((x) => isRecord(x) && typeof x.name === 'string' && x.name.trim() === f.name);
    const forceUnlock = f['force-unlock'] ?? false;
    if (f.file === undefined) {
      specs.push({ name: f.name, type: f.type, source: 'draft', forceUnlock });
      continue;
    }
    const refPath: PathSegment[] = ['flows', i, 'file'];
    const ref = locate(parsed, refPath);
    const fileAbs = path.resolve(workspace, f.file);
    const rel = path.relative(workspace, fileAbs);
    const r = await loadFlowFile({
      workspace,
      file: f.file,
      displayFile: rel.startsWith('..') || path.isAbsolute(rel) ? f.file : toPosix(rel),
      flowName: f.name,
      flowType: f.type as FlowType,
      substitutions: f.substitutions ?? {},
      builtins: opts.builtins,
      manifestFile: display,
      manifestRef: { ...ref, path: formatPath(refPath) }
    });
    issues.push(...r.issues);
    if (r.content !== undefined && r.contentHash !== undefined) {
      specs.push({
        name: f.name,
        type: f.type,
        source: 'file',
        file: f.file,
        content: r.content,
        contentHash: r.contentHash,
        substitutions: f.substitutions ?? {},
        forceUnlock
      });
    }
  }

  if (issues.length > 0 || !top.success) return { ok: false, issues: sortIssues(issues) };
  const t = top.data;
  const manifest: ReleaseManifest = {
    version: 1,
    path: resolved.absolute,
    flows: specs,
    stages,
    checks,
    rollback: { automatic: t.rollback?.automatic ?? true, newFlows: t.rollback?.['new-flows'] ?? 'delete' },
    artifacts: {
      dir: t.artifacts?.dir ?? DEFAULT_ARTIFACTS_DIR,
      message: t.artifacts?.message ?? DEFAULT_COMMIT_MESSAGE
    },
    jobTimeoutMs: t['job-timeout'] ?? DEFAULT_JOB_TIMEOUT_MS,
    concurrency: t.concurrency ?? DEFAULT_CONCURRENCY
  };
  return { ok: true, manifest };
}

type CheckData =
  | z.infer<(typeof CHECK_SCHEMAS)['execution']>
  | z.infer<(typeof CHECK_SCHEMAS)['analytics']>
  | z.infer<(typeof CHECK_SCHEMAS)['http']>;

function toCheck(name: string, d: CheckData): CheckSpec {
  switch (d.kind) {
    case 'execution':
      return {
        kind: 'execution',
        name,
        flow: d.flow,
        input: d.input ?? {},
        expect: { status: d.expect?.status ?? 'COMPLETED', ...(d.expect?.output ? { output: d.expect.output } : {}) },
        timeoutMs: d.timeout ?? DEFAULT_EXECUTION_TIMEOUT_MS
      };
    case 'analytics':
      return {
        kind: 'analytics',
        name,
        metric: d.metric,
        ...(d.flows ? { flows: d.flows } : {}),
        max: d.max,
        minSamples: d['min-samples'] ?? DEFAULT_MIN_SAMPLES,
        onInsufficientData: d['on-insufficient-data'] ?? 'fail',
        ...(d['compare-to-previous']
          ? { compareToPrevious: { maxIncrease: d['compare-to-previous']['max-increase'] } }
          : {})
      };
    case 'http':
      return {
        kind: 'http',
        name,
        url: d.url,
        expectStatus: d['expect-status'] ?? 200,
        ...(d['expect-body'] !== undefined ? { expectBody: d['expect-body'] } : {}),
        timeoutMs: d.timeout ?? DEFAULT_HTTP_TIMEOUT_MS
      };
  }
}

/**
 * Replaces builtins such as `{{run}}` in every string of an execution check's input (so synthetic runs are
 * distinguishable) and refuses values that do not survive JSON (non-finite numbers): the input is sent as JSON.
 */
function substituteInput(
  spec: CheckSpec & { kind: 'execution' },
  base: PathSegment[],
  builtins: Record<string, string>,
  add: Sink
): void {
  const walk = (v: unknown, p: PathSegment[]): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (whole, key: string) => {
        if (Object.hasOwn(builtins, key)) return builtins[key] ?? whole;
        add(
          p,
          `placeholder {{${key}}} is not a built-in`,
          `use one of ${
            Object.keys(builtins)
              .map((k) => `{{${k}}}`)
              .join(', ') || '(none)'
          } or a literal value`
        );
        return whole;
      });
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) add(p, `${String(v)} cannot be sent as JSON`, 'use a finite number or a string');
      return v;
    }
    if (v === null || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...p, i]));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...p, k])]));
    add(p, `${describe(v)} cannot be sent as JSON`, 'use strings, numbers, booleans, lists and mappings');
    return v;
  };
  spec.input = walk(spec.input, [...base, 'input']) as Record<string, unknown>;
  if (spec.expect.output) walk(spec.expect.output, [...base, 'expect', 'output']);
}

function unknownName(add: Sink, p: PathSegment[], what: string, name: string, known: string[], extraFix = ''): void {
  const hint = closest(name, known);
  const list = known.length
    ? `known ${what}s: ${known
        .slice(0, 20)
        .map((k) => `'${truncate(k, 40)}'`)
        .join(', ')}`
    : `no ${what}s are defined`;
  add(
    p,
    `unknown ${what} '${truncate(name)}'`,
    `${hint ? `did you mean '${hint}'? ` : ''}${extraFix ? `${extraFix}; ` : ''}${list}`
  );
}

function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const k = formatIssue(i);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
}

// --- zod issue → ValidationIssue -------------------------------------------------------------------------------

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  element?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
}

/** The schema definition at `path`, to list the allowed keys of the object that has an unknown one. */
function defAt(schema: z.ZodType, p: readonly PropertyKey[]): SchemaDef | undefined {
  let def: SchemaDef | undefined = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const unwrap = (): void => {
    for (let guard = 0; def && guard < 10; guard++) {
      if (def.innerType) def = def.innerType._zod.def;
      else if (def.type === 'pipe' && def.in) def = def.in._zod.def;
      else break;
    }
  };
  unwrap();
  for (const seg of p) {
    if (!def) return undefined;
    if (def.type === 'object' && def.shape) def = def.shape[String(seg)]?._zod.def;
    else if (def.type === 'array' && def.element) def = def.element._zod.def;
    else if (def.type === 'record' && def.valueType) def = def.valueType._zod.def;
    else return undefined;
    unwrap();
  }
  return def;
}

function article(expected: string): string {
  const map: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping'
  };
  return map[expected] ?? expected;
}

function reportZod(error: z.ZodError, base: PathSegment[], schema: z.ZodType, add: Sink): void {
  for (const issue of error.issues) {
    const rel = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const p = [...base, ...rel];
    const last = rel[rel.length - 1];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = Object.keys(defAt(schema, rel)?.shape ?? {});
        for (const key of issue.keys) {
          const hint = closest(key, allowed);
          add(
            [...p, key],
            `unknown key '${truncate(key)}'`,
            `${hint ? `did you mean '${hint}'? ` : ''}allowed keys: ${allowed.join(', ')}`,
            { key: true }
          );
        }
        break;
      }
      case 'invalid_type': {
        if (input === undefined) {
          add(
            p,
            `${typeof last === 'string' ? `'${last}'` : 'a value'} is required`,
            `add ${typeof last === 'string' ? `${last}: ` : ''}${article(issue.expected)}`
          );
        } else {
          add(
            p,
            `expected ${article(issue.expected)}, got ${describe(input)}`,
            `set ${typeof last === 'string' ? last : 'it'} to ${article(issue.expected)}`
          );
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        if (input === undefined) {
          add(p, `'${String(last)}' is required`, `add ${String(last)}: ${values.join(' | ')}`);
          break;
        }
        const hint = typeof input === 'string' ? closest(input, values) : undefined;
        add(
          p,
          `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`} (got ${describe(input)})`,
          hint ? `did you mean '${hint}'?` : `use ${values.join(' | ')}`
        );
        break;
      }
      case 'custom': {
        const fix = (issue.params as { fix?: string } | undefined)?.fix ?? 'see the manifest format in the README';
        add(p, issue.message, fix);
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound =
          issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
        const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
        add(p, issue.message, `use ${issue.origin === 'number' ? 'a value' : 'a length of'} ${bound}${unit}`);
        break;
      }
      default:
        add(p, issue.message, `correct ${formatPath(p) || 'the value'} (see the manifest format in the README)`);
    }
  }
}
