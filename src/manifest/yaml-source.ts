// YAML parsing with positions, hardened against hostile input: size is capped by the caller, nesting is bounded by a
// linear pre-scan and an iterative AST walk (no recursion on user-controlled depth), aliases are capped in toJS.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { PathSegment } from '../fields/issues.ts';

export const MAX_DEPTH = 64;
export const MAX_ALIAS_COUNT = 100;

export interface Position {
  line: number;
  column: number;
}

export interface SourceIssue extends Position {
  path: PathSegment[];
  message: string;
  fix: string;
}

export interface ParsedYaml {
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JS value, when the document parsed cleanly. */
  value?: unknown;
  issues: SourceIssue[];
}

/** Cheap linear scan that refuses absurd nesting before the parser sees it (the parser's cost grows with depth). */
function prescanDepth(text: string): SourceIssue | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote: string | undefined;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      atLineStart = true;
      if (quote === "'") quote = undefined; // tolerate broken single-quoted lines; parser reports them
      continue;
    }
    if (atLineStart) {
      if (ch === ' ' || ch === '-' || ch === '?' || ch === ':' || ch === '\t') {
        if (i - lineStart > 512) {
          return deep(line, i - lineStart + 1);
        }
        continue;
      }
      atLineStart = false;
    }
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_DEPTH * 2) return deep(line, i - lineStart + 1);
    } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

function deep(line: number, column: number): SourceIssue {
  return {
    line,
    column,
    path: [],
    message: `nesting is too deep (more than ${MAX_DEPTH} levels)`,
    fix: 'flatten the structure; a release manifest or flow file never needs this depth'
  };
}

function position(lc: LineCounter, offset: number): Position {
  const p = lc.linePos(Math.max(0, offset));
  return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
}

/** Depth of the AST, iteratively; returns the first node deeper than MAX_DEPTH. */
function tooDeep(doc: Document.Parsed): YamlNode | undefined {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop() as [unknown, number];
    if (isMap(node) || isSeq(node)) {
      if (d > MAX_DEPTH) return node;
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push([item.key, d + 1], [item.value, d + 1]);
        } else stack.push([item, d + 1]);
      }
    }
  }
  return undefined;
}

export function parseYaml(text: string, what: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const pre = prescanDepth(text);
  if (pre) return { lineCounter, issues: [pre] };
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'silent',
    // YAML 1.2 core schema: no timestamps or binary, so every value maps to plain JSON types.
    version: '1.2'
  });
  const issues: SourceIssue[] = [];
  for (const err of doc.errors) {
    const pos = position(lineCounter, err.pos[0]);
    issues.push({
      ...pos,
      path: pathNear(doc, err.pos[0]),
      message: `invalid YAML: ${err.message.split('\n')[0] ?? err.message}`,
      fix: `fix the ${what}'s YAML syntax at this line`
    });
  }
  if (issues.length > 0) return { doc, lineCounter, issues };
  const deepNode = tooDeep(doc);
  if (deepNode) {
    const d = deep(1, 1);
    return { doc, lineCounter, issues: [{ ...d, ...position(lineCounter, deepNode.range?.[0] ?? 0) }] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    issues.push({
      line: 1,
      column: 1,
      path: [],
      message: /alias/i.test(msg)
        ? `too many YAML aliases (${msg}); refused as a possible resource-exhaustion ("billion laughs") attack`
        : `cannot read the YAML: ${msg}`,
      fix: /alias/i.test(msg)
        ? 'write the values out instead of expanding anchors (&a / *a) repeatedly'
        : `check the ${what}`
    });
    return { doc, lineCounter, issues };
  }
  return { doc, lineCounter, value, issues };
}

/**
 * Position of the node at `path` (or of the key itself when `key` is set, for unknown-key errors). Falls back to the
 * deepest ancestor that exists, so a missing field points at the mapping that lacks it.
 */
export function locate(parsed: ParsedYaml, path: readonly PathSegment[], key = false): Position {
  const { doc, lineCounter } = parsed;
  if (!doc) return { line: 1, column: 1 };
  let node: unknown = doc.contents;
  let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && key) {
        next = pair.key;
      } else {
        next = pair.value ?? pair.key;
        // `key:` with no value: point at the key.
        if (isScalar(next) && next.value === null && next.range && isScalar(pair.key) && pair.key.range) {
          if (next.range[0] <= pair.key.range[0]) next = pair.key;
        }
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    } else break;
    if (!next) break;
    node = next;
    const r = (node as YamlNode).range;
    if (r) offset = r[0];
  }
  return position(lineCounter, offset);
}

/**
 * Field path of the innermost block mapping/sequence entry containing `offset` (used to name the field that holds a
 * placeholder). Flow collections are not entered: `{{x}}` unquoted parses as one and is the value itself.
 */
export function pathAt(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  const within = (n: unknown): boolean => {
    const r = (n as YamlNode | null)?.range;
    return !!r && offset >= r[0] && offset < Math.max(r[2], r[1]);
  };
  for (let guard = 0; guard < MAX_DEPTH * 2; guard++) {
    if (isMap(node) && !node.flow) {
      const pair = node.items.find((p) => within(p.value) || within(p.key));
      if (!pair || !isScalar(pair.key)) break;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node) && !node.flow) {
      const i = node.items.findIndex((n) => within(n));
      if (i < 0) break;
      path.push(i);
      node = node.items[i];
    } else break;
  }
  return path;
}

/**
 * Field path of the nearest entry enclosing `offset`, for YAML syntax errors: the parser still builds a (partial)
 * document, and the error's offset falls inside, or right at the end of, the entry it is about (an unclosed `[` is
 * reported where the next line starts, which is where the `flows:` entry ends). Enters flow collections too, but
 * stops at scalars inside sequences: the result names a key (`stages[1].flows`), not a list element.
 */
export function pathNear(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  const span = (n: unknown): [number, number] | undefined => {
    const r = (n as YamlNode | null)?.range;
    return r ? [r[0], Math.max(r[1], r[2])] : undefined;
  };
  const covers = (start: number | undefined, end: number | undefined): boolean =>
    start !== undefined && end !== undefined && start <= offset && offset <= end;
  let node: unknown = doc.contents;
  for (let guard = 0; guard < MAX_DEPTH * 2; guard++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => covers(span(p.key)?.[0], (span(p.value) ?? span(p.key))?.[1]));
      if (!pair || !isScalar(pair.key)) break;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((n) => (isMap(n) || isSeq(n)) && covers(span(n)?.[0], span(n)?.[1]));
      if (i < 0) break;
      path.push(i);
      node = node.items[i];
    } else break;
  }
  return path;
}

/** The field path of an issue about the document as a whole or at a position with no enclosing key. */
export const DOCUMENT_PATH = '(document)';

/** formatPath, or `(document)` when the path is empty (a title such as `Flow Release: <path>` never dangles). */
export function documentPath(path: readonly PathSegment[]): string {
  return formatPath(path) || DOCUMENT_PATH;
}

export function positionOf(parsed: ParsedYaml, offset: number): Position {
  return position(parsed.lineCounter, offset);
}

/** `stages[1].checks[0]`, `checks.callback-smoke.timeout`, `checks["my check"].kind`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
