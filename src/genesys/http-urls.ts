// URL helpers of the HTTP layer: the templated endpoint key used for counters and log labels, and URLs reduced to
// what is safe to show (no query, no fragment, redacted).
import { redactor } from '../common/redact.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Collections whose next path segment is an id unless it is one of the known literal sub-resources. */
const COLLECTIONS = new Set(['flows', 'jobs', 'versions', 'executions', 'sessions', 'turns']);
const LITERALS = new Set([
  'actions',
  'jobs',
  'export',
  'validate',
  'executions',
  'versions',
  'configuration',
  'datatables',
  'outcomes',
  'milestones',
  'divisionviews',
  'instances',
  'aggregates',
  'query'
]);

/** `GET /api/v2/flows/{id}/versions/{id}` — ids, UUIDs and numeric segments templated, query dropped. */
export function endpointKey(method: string, url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url.split('?')[0] ?? url;
  }
  const segs = pathname.split('/');
  const out = segs.map((s, i) => {
    if (s === '') return s;
    const prev = i > 0 ? segs[i - 1] : undefined;
    if (UUID.test(s) || /^\d+(\.\d+)*$/.test(s)) return '{id}';
    if (prev !== undefined && COLLECTIONS.has(prev) && !LITERALS.has(s)) return '{id}';
    return s;
  });
  return `${method} ${out.join('/')}`;
}

/** Scheme, host and path of a URL, query and fragment dropped, redacted: safe for logs and messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return redactor.redact(`${u.protocol}//${u.host}${u.pathname}`);
  } catch {
    return redactor.redact(url.split('?')[0] ?? '');
  }
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
