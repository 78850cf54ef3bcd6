// Issues as the loader reports them: every zod issue and every unknown name becomes a ValidationIssue with the
// field path and a fix (with a "did you mean" when a known name is close), sorted by position, duplicates dropped.
import type { z } from 'zod';
import type { ValidationIssue } from '../domain/types.ts';
import { describe, truncate } from '../fields/duration.ts';
import type { IssueSink, PathSegment } from '../fields/issues.ts';
import { closest } from '../fields/suggest.ts';
import { formatPath } from './yaml-source.ts';

/** `file:line:col: path: message (fix: ...)` — the form editors and GitHub problem matchers understand. */
export function formatIssue(issue: ValidationIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const field = issue.path ? `${issue.path}: ` : '';
  return `${where}: ${field}${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`;
}

export function unknownName(
  add: IssueSink,
  p: PathSegment[],
  what: string,
  name: string,
  known: string[],
  extraFix = ''
): void {
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

export function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
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

export function reportZod(error: z.ZodError, base: PathSegment[], schema: z.ZodType, add: IssueSink): void {
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
