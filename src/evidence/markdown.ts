// Markdown that stays inert whatever the journal holds: untrusted text escaped, only http(s) links, tables, and a
// cap under GitHub's 1 MiB step-summary limit.
import type { TextKit } from '../checks/types.ts';

/** GitHub rejects step summaries over 1 MiB. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;
/** Longest single value shown in a cell; the audit log keeps the full text. */
const MAX_VALUE_CHARS = 500;

/**
 * Makes untrusted text inert inside Markdown (including table cells): one line, no control characters, the Markdown
 * punctuation that can start emphasis, code, links, math, headings or cells backslash-escaped, HTML special characters as entities, and `::` / `%` as entities so no line can
 * read as a workflow command or smuggle a percent-encoded newline.
 */
export function escapeText(value: unknown, maxChars = MAX_VALUE_CHARS): string {
  let s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const chars = Array.from(s);
  if (chars.length > maxChars) s = chars.slice(0, maxChars).join('') + '…';
  s = s
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\`*_[\]|~$#]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/%/g, '&#37;')
    .replace(/:(?=:)/g, '&#58;');
  return s;
}

/** Only http(s) links, with the characters that could end a Markdown link target percent-encoded. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(
    /[()<>\s"'`[\]\\|]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  );
}

/** A measured value: numbers to 4 significant digits, anything else escaped. */
export function fmtNumber(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return escapeText(typeof v === 'object' ? JSON.stringify(v) : v);
  return String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
}

/** Markdown-safe rendering for the check kinds' descriptions of their measurements. */
export const MARKDOWN: TextKit = { text: escapeText, number: fmtNumber };

export function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => c || ' ').join(' | ')} |`)
  ];
}

/** Cuts whole lines so the text fits in `maxBytes`, ending with a note that says so. */
export function capSummary(markdown: string, maxBytes = MAX_SUMMARY_BYTES): string {
  const total = Buffer.byteLength(markdown, 'utf8');
  if (total <= maxBytes) return markdown;
  const note = (shown: number) =>
    `\n> ⚠️ **Summary truncated**: showing ${shown} of ${total} bytes (GitHub limits a step summary to 1 MiB). The audit log artifact holds the full record.\n`;
  const budget = maxBytes - Buffer.byteLength(note(total), 'utf8');
  const kept: string[] = [];
  let used = 0;
  for (const line of markdown.split('\n')) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
  }
  return kept.join('\n') + '\n' + note(used);
}
