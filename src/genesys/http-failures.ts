// Error classification for the HTTP layer: which transport failures happened before the request was sent (safe to
// re-send), which after (the outcome is unknown), and how an error response (Genesys error body, OAuth error, HTML
// page, redirect, anything else) becomes a GenesysError. Everything put in a message passes through the redactor.
import { redactor } from '../common/redact.ts';
import { GenesysError } from './errors.ts';
import type { GenesysErrorInit } from './errors.ts';
import { safeUrl } from './http-urls.ts';

/** Failures that provably happened before any byte of the request reached the server: safe to re-send even a POST. */
const BEFORE_SEND_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT'
]);
/** Transient failures after the connection existed: the request may have been processed. */
const AFTER_SEND_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
]);

/** The error fields every error about one request carries. */
export type ErrorBase = Pick<GenesysErrorInit, 'method' | 'path'>;

/** A response as received, before it is decoded or mapped to an error. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A request that produced no response. */
export interface NetFailure {
  code: string;
  message: string;
  beforeSend: boolean;
  timeout: boolean;
  transient: boolean;
}

/** The abort reason of the per-request timer. */
export class TimeoutSignal extends Error {
  constructor() {
    super('request timed out');
    this.name = 'TimeoutSignal';
  }
}

function errorCode(e: unknown): string | undefined {
  // undici and node:net put the errno-style code on the error or on a cause a level or two down.
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isJsonType(ct: string): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(ct.trim()) || /^text\/json\b/i.test(ct.trim());
}

export function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Whether NO_PROXY exempts a host, read the way undici's EnvHttpProxyAgent reads it. */
function exempt(hostname: string, port: number, noProxy: string): boolean {
  for (const entry of noProxy.split(/[,\s]/).filter(Boolean)) {
    const m = /^\[(.+)\]:(\d+)$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
    const host = (m ? m[1]! : entry.replace(/^\[(.+)\]$/, '$1')).replace(/^\*?\./, '').toLowerCase();
    if (m && Number(m[2]) !== port) continue;
    if (host === '*' || (!entry.startsWith('*') && hostname === host) || hostname.endsWith(`.${host}`)) return true;
  }
  return false;
}

/**
 * The proxy a request to `url` goes through (HTTPS_PROXY / HTTP_PROXY and NO_PROXY, as the HTTP layer's
 * EnvHttpProxyAgent picks it): its host:port and the variable it came from — never its credentials.
 */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : [];
  const variable = [...names, 'http_proxy', 'HTTP_PROXY'].find((n) => env[n]);
  if (!variable) return undefined;
  const hostname = target.hostname.replace(/^\[(.+)\]$/, '$1').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (exempt(hostname, port, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  let hostPort: string;
  try {
    const proxy = new URL(env[variable]!);
    hostPort = proxy.port ? `${proxy.hostname}:${proxy.port}` : proxy.hostname;
  } catch {
    hostPort = '(unparsable address)';
  }
  return `through the proxy ${hostPort} from ${variable}`;
}

/** What a thrown transport error means for a retry; `url` names the proxy the request went through, if any. */
export function classify(e: unknown, url?: string, env: NodeJS.ProcessEnv = process.env): NetFailure {
  if (e instanceof TimeoutSignal) {
    return { code: 'TIMEOUT', message: 'timed out', beforeSend: false, timeout: true, transient: true };
  }
  const code = errorCode(e) ?? 'UNKNOWN';
  const via = url === undefined ? undefined : proxyFor(url, env);
  const text = oneLine(e instanceof Error ? e.message : String(e), 200);
  // The proxy's own address is in undici's message ("connect ECONNREFUSED 127.0.0.1:9"): say which setting it was.
  const message = redactor.redact(via ? `${text} (${via}; check that variable or NO_PROXY)` : text);
  if (BEFORE_SEND_CODES.has(code)) return { code, message, beforeSend: true, timeout: false, transient: true };
  if (AFTER_SEND_CODES.has(code)) {
    const timeout = code.includes('TIMEOUT') || code === 'ETIMEDOUT';
    return { code, message, beforeSend: false, timeout, transient: true };
  }
  // TLS/certificate problems, invalid arguments, unknown failures: retrying will not help.
  return { code, message, beforeSend: false, timeout: false, transient: false };
}

/** The GenesysError for a non-2xx response; `prefix` replaces the usual "failed with HTTP n". */
export function errorFrom(
  res: RawResponse,
  shown: string,
  base: ErrorBase,
  correlationId: string | undefined,
  prefix?: string
): GenesysError {
  const head = prefix ? `${shown}: ${prefix}` : `${shown} failed with HTTP ${res.status}`;
  const common = { ...base, kind: 'http' as const, status: res.status, correlationId };
  if (res.status >= 300 && res.status < 400) {
    const loc = res.headers['location'];
    return new GenesysError({
      ...common,
      message: `${head}: redirect${loc ? ` to ${safeUrl(loc)}` : ''} not followed (credentials are never forwarded); point api-url/login-url at the final address`
    });
  }
  const ct = res.headers['content-type'] ?? '';
  const text = res.body.toString('utf8');
  if (isJsonType(ct)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      return new GenesysError({ ...common, ...mapErrorBody(body as Record<string, unknown>, head) });
    }
  }
  if (/html/i.test(ct) || /^\s*<(!doctype|html)/i.test(text)) {
    // Never dump the page; its <title> is usually enough to tell a proxy from a load balancer.
    const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1];
    return new GenesysError({
      ...common,
      message: `${head}: the server returned an HTML page${title ? ` ("${redactor.redact(oneLine(title, 80))}")` : ''} instead of a Genesys error body; a proxy, gateway or load balancer answered — check api-url/login-url and proxy settings`
    });
  }
  const snippet = redactor.redact(oneLine(text, 200));
  return new GenesysError({ ...common, message: snippet ? `${head}: ${snippet}` : head });
}

/** Maps a Genesys `ErrorBody` (or an OAuth `{error, error_description}`) to GenesysError fields. */
export function mapErrorBody(
  body: Record<string, unknown>,
  head: string
): Pick<GenesysErrorInit, 'message' | 'code' | 'details' | 'errors' | 'contextId'> {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const code = str(body.code) ?? str(body.error);
  const msg = str(body.message) ?? str(body.error_description) ?? str(body.description);
  const details = Array.isArray(body.details) ? (redactor.redactDeep(body.details) as unknown[]) : undefined;
  const errors = Array.isArray(body.errors) ? (redactor.redactDeep(body.errors) as unknown[]) : undefined;
  // 400s often say little in `message`: summarise details and nested errors so the log line is actionable.
  const extra: string[] = [];
  for (const d of (details ?? []).slice(0, 3)) {
    if (d && typeof d === 'object') {
      const r = d as Record<string, unknown>;
      const parts = [
        str(r.errorCode),
        str(r.fieldName) && `field ${str(r.fieldName)}`,
        str(r.entityName) ?? str(r.entityId)
      ];
      const s = parts.filter(Boolean).join(' ');
      if (s) extra.push(s);
    }
  }
  for (const e of (errors ?? []).slice(0, 3)) {
    if (e && typeof e === 'object') {
      const s = str((e as Record<string, unknown>).message) ?? str((e as Record<string, unknown>).code);
      if (s) extra.push(s);
    }
  }
  const message = redactor.redact(
    oneLine(
      `${head}${code ? ` ${code}` : ''}${msg ? `: ${msg}` : ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`,
      600
    )
  );
  return { message, code, details, errors, contextId: str(body.contextId) };
}
