// The step summary for a terminal: the same Markdown buildSummary writes (one story for the action and the CLI),
// rendered as plain text — headings underlined, tables aligned, links as "text (url)", escapes and entities undone.
// Control characters never reach the terminal: escapeText has removed them from every value, and they are stripped
// again here.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#37': '%', '#58': ':' };

/** Undoes escapeText and inline Markdown: **bold**, [text](url), <br>, backslash escapes, entities. */
function inline(text: string): string {
  return (
    text
      .replace(/<br>/g, '; ')
      .replace(/<\/?sub>/g, '')
      .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, '$1 ($2)')
      .replace(/\*\*(.+?)\*\*/g, '$1')
      .replace(/\\([\\`*_[\]|~$#])/g, '$1')
      .replace(/&(amp|lt|gt|quot|#37|#58);/g, (_, e: string) => ENTITIES[e] ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/** The cells of a table row, split on the pipes that are not escaped. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => inline(c.trim()));
}

/** Emoji the summary uses that terminals draw two columns wide (the others it uses are one column). */
const WIDE = new Set([0x23ed, 0x23f3, 0x23f8, 0x26d4, 0x2705, 0x274c, 0x2754, 0x2796]);

/** Display width in terminal columns: wide emoji count 2, the emoji variation selector 0, anything else 1. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n += c === 0xfe0f ? 0 : c >= 0x1f000 || WIDE.has(c) ? 2 : 1;
  }
  return n;
}

function renderTable(rows: string[]): string[] {
  const body = rows.filter((r) => !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(r.trim())).map(cells);
  const widths: number[] = [];
  for (const r of body) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  const [head, ...rest] = body;
  if (!head) return [];
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)];
}

export function renderSummaryForTerminal(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trimStart().startsWith('|')) {
      const table: string[] = [];
      while (i < lines.length && (lines[i] ?? '').trimStart().startsWith('|')) table.push(lines[i++] ?? '');
      i--;
      out.push(...renderTable(table));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = inline(heading[2] ?? '');
      out.push(text, (heading[1] === '##' || heading[1] === '#' ? '=' : '-').repeat(width(text)));
    } else if (line.startsWith('> ')) out.push(`  ${inline(line.slice(2))}`);
    else out.push(inline(line));
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
