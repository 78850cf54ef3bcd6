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

/** Line endings, BOM, trailing whitespace and the final newline: the text-level part of the normalisation. */
function normalizeText(text: string): string {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
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
 * Makes an Architect export stable: drops leading comment lines, removes all comments, normalises line endings and
 * trailing whitespace, and re-serialises the YAML with one consistent style (2-space indentation, no line folding,
 * minimal quoting) keeping key order as written. Idempotent. YAML that does not parse is only normalised at the
 * text level, so that a surprising export is still committed rather than lost.
 */
export function normalizeExport(yaml: string): string {
  const text = dropLeadingComments(normalizeText(yaml));
  const docs = parseAllDocuments(text, { keepSourceTokens: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0 || list.some((d) => !isDocument(d) || d.errors.length > 0)) return normalizeText(text);
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

/** True when two YAML texts are the same after normalisation (export vs uploaded, export vs committed). */
export function sameContent(a: string, b: string): boolean {
  return normalizeExport(a) === normalizeExport(b);
}
