// Architect exports are committed to git, so two exports of the same flow version must be byte-identical and an
// export must be comparable with the YAML that was uploaded. This module removes everything that varies between
// exports of unchanged content (header comments with timestamps, line endings, quoting and indentation style)
// while keeping key order exactly as written: Archy reads its keys in order, so sorting would change meaning.

import { createHash } from 'node:crypto';
import { isCollection, isDocument, isNode, isScalar, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';

const STRINGIFY_OPTIONS = {
  indent: 2,
  indentSeq: true,
  // No folding: a long prompt text must not be re-wrapped differently when a neighbouring value changes.
  lineWidth: 0,
  minContentWidth: 0,
  defaultStringType: 'PLAIN',
  defaultKeyType: 'PLAIN',
  nullStr: 'null',
  trueStr: 'true',
  falseStr: 'false'
} as const;

/**
 * Line endings, BOM and trailing blank lines: the text-level part of the normalisation. Trailing spaces on a line are
 * kept here: inside a YAML string they are content (`"You typed", \n` in a real export), so only the parser may
 * decide what is layout. `stripTrailing` is for text that does not parse (nothing there is a value).
 */
function normalizeText(text: string, stripTrailing = false): string {
  let lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  if (stripTrailing) lines = lines.map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * An export as it may be uploaded again: without the leading block of comment lines our exports and the platform's
 * put at the top (`# Exported by ... at <time>`), which would otherwise pile up with every restore.
 */
export function stripExportHeader(text: string): string {
  return dropLeadingComments(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
}

/** Drops the leading block of comment (and blank) lines: export headers such as `# Exported by ... at <time>`. */
function dropLeadingComments(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && /^\s*(#.*)?$/.test(lines[i] ?? '')) i++;
  return lines.slice(i).join('\n');
}

/** Removes comments and source styles so that the stringifier alone decides the layout. */
function restyle(doc: Document): void {
  doc.commentBefore = null;
  doc.comment = null;
  if (doc.directives) {
    doc.directives.docStart = null;
    doc.directives.docEnd = false;
  }
  visit(doc, (_key, node) => {
    if (isNode(node)) {
      node.commentBefore = undefined;
      node.comment = undefined;
      node.spaceBefore = undefined;
    }
    if (isScalar(node)) {
      // Keep block scalars for multi-line text (readable diffs); everything else gets the default style, which
      // quotes only where a plain scalar would be read back as something else.
      if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') node.type = undefined;
      else if (typeof node.value === 'string') node.type = 'BLOCK_LITERAL';
    } else if (isCollection(node)) {
      // Block style everywhere; an empty collection can only be written in flow style (`[]`, `{}`).
      node.flow = node.items.length === 0;
    }
    if (node && typeof node === 'object' && 'key' in node && isNode(node.key)) {
      node.key.commentBefore = undefined;
      node.key.comment = undefined;
      node.key.spaceBefore = undefined;
    }
  });
}

/**
 * Makes an Architect export stable: drops leading comment lines, removes all comments, normalises line endings, parses,
 * and re-serialises the YAML with one consistent style (2-space indentation, no line folding,
 * minimal quoting) keeping key order as written. Idempotent. YAML that does not parse is only normalised at the
 * text level, so that a surprising export is still committed rather than lost.
 */
export function normalizeExport(yaml: string): string {
  const text = dropLeadingComments(normalizeText(yaml));
  const docs = parseAllDocuments(text, { keepSourceTokens: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0 || list.some((d) => !isDocument(d) || d.errors.length > 0)) return normalizeText(text, true);
  const out = list.map((doc) => {
    restyle(doc);
    return doc.toString(STRINGIFY_OPTIONS);
  });
  return normalizeText(out.join('---\n'));
}

/** sha256 of the UTF-8 text, lower-case hex. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** True when two YAML texts are the same after normalisation (export vs export, export vs committed export). */
export function sameContent(a: string, b: string): boolean {
  return normalizeExport(a) === normalizeExport(b);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: Json): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every refId in document order (deep, key order as written). */
function collectRefIds(v: Json, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) collectRefIds(x, out);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'refId' && typeof x === 'string') out.push(x);
      else collectRefIds(x, out);
    }
  }
}

/** Rewrites refIds and the references to them (`…Ref` values: `elem[<refId>]`, absolute or relative) by `ids`. */
function renumber(v: Json, ids: Map<string, string>, key = ''): Json {
  if (Array.isArray(v)) return v.map((x) => renumber(x, ids));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renumber(x, ids, k)]));
  if (typeof v !== 'string') return v;
  if (key === 'refId') return ids.get(v) ?? v;
  if (!/Ref$/.test(key)) return v;
  return ids.get(v) ?? v.replace(/\[([^\]]*)\]/g, (all, id: string) => (ids.has(id) ? `[${ids.get(id)}]` : all));
}

/**
 * The form in which two exports of a flow are compared (rollback verification: the restored version's export against
 * the snapshot's export). Parsed values, never text: header comments, comments, quoting and layout do not count, and
 * whitespace inside strings does. Architect numbers objects internally (`Main Menu_10`) and a republish may number
 * them differently, so every refId is renumbered canonically — `<name>_#<k>`, k its place in document order — and
 * every `…Ref` to it with it. Key order is kept (Archy reads keys in order). Text that does not parse compares as its
 * normalised text.
 */
export function comparableExport(yaml: string): string {
  const docs = parseAllDocuments(normalizeText(yaml), { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0 || list.some((d) => !isDocument(d) || d.errors.length > 0)) return normalizeText(yaml, true);
  return JSON.stringify(
    list.map((doc) => {
      const value = doc.toJS({ maxAliasCount: -1 }) as Json;
      const found: string[] = [];
      collectRefIds(value, found);
      const ids = new Map<string, string>();
      for (const id of found) if (!ids.has(id)) ids.set(id, `${id.replace(/_\d+$/, '')}_#${ids.size + 1}`);
      return renumber(value, ids);
    })
  );
}
