// The one HTTP layer between the action and Genesys Cloud (undici). It owns: per-request timeouts, client-side pacing
// under the 300 requests/min/token limit, retries (429 honouring Retry-After; 502/503/504 and network errors with
// capped exponential backoff and jitter) inside a total time budget, the rule that a POST whose outcome is unknown is
// never re-sent, content-type checks before JSON parsing, mapping of Genesys error bodies to GenesysError, and the
// call counters. Everything it logs or puts in an error message passes through the process-wide redactor.
import { EnvHttpProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { redactor } from '../redact.ts';
import type { ApiStats } from './api.ts';
import { GenesysError } from './errors.ts';
import type { GenesysErrorInit } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export interface HttpOptions {
  clock: Clock;
  logger?: Logger;
  /** Default: a new EnvHttpProxyAgent, so HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured. */
  dispatcher?: Dispatcher;
  /** Per attempt, from sending to the last body byte. Default 30 s. */
  timeoutMs?: number;
  /** Total time one logical call may take, retries and their waits included. Default 120 s. */
  budgetMs?: number;
  /** Attempts per logical call, the first included. Default 6. */
  maxAttempts?: number;
  /** Capped exponential backoff for 5xx/network retries (and 429 without a hint). Default 500 ms / 20 s. */
  backoff?: BackoffOptions;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /**
   * Client-side pacing: at most this many requests in any sliding minute (on the clock), shared by every call made
   * through this instance, so a concurrent release stays under the 300/min/token limit. Default 280; 0 disables it.
   */
  rateLimitPerMinute?: number;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** 'json' (default): a JSON content type is required and parsed; 'bytes': raw body; 'none': body discarded. */
  responseType?: 'json' | 'bytes' | 'none';
  /**
   * Whether the request may be re-sent after it may have reached the server (5xx gateway errors, resets, timeouts).
   * Default: true for GET/PUT/DELETE/HEAD, false for POST. Set true for POSTs that change nothing (token, queries).
   */
  idempotent?: boolean;
  /** Counter and log label; default `METHOD /path/{id}` templated from the URL. */
  endpoint?: string;
  /** Overrides the instance budget for this call. */
  budgetMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON when responseType is 'json'. */
  json?: unknown;
  /** Raw body when responseType is 'bytes'. */
  bytes?: Buffer;
  correlationId?: string;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);
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

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Retry-After as seconds or an HTTP-date (relative to `now`), in ms; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Sliding-window pacing on the injected clock. Check and record happen synchronously, so concurrent callers share it. */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly clock: Clock;
  constructor(limit: number, windowMs: number, clock: Clock) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
  }
  /** Resolves when a request may be sent now; returns how long it waited. */
  async acquire(): Promise<number> {
    const started = this.clock.now();
    for (;;) {
      const now = this.clock.now();
      while (this.sent.length > 0 && (this.sent[0] as number) <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return now - started;
      }
      await this.clock.sleep((this.sent[0] as number) + this.windowMs - now);
    }
  }
}

interface NetFailure {
  code: string;
  message: string;
  beforeSend: boolean;
  timeout: boolean;
  transient: boolean;
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

class TimeoutSignal extends Error {
  constructor() {
    super('request timed out');
    this.name = 'TimeoutSignal';
  }
}

function normaliseHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function isJsonType(ct: string): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(ct.trim()) || /^text\/json\b/i.test(ct.trim());
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export class HttpClient {
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private dispatcherValue?: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly budgetMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly limiter?: SlidingWindowLimiter;
  private readonly counters: ApiStats = { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 };

  constructor(options: HttpOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.dispatcherValue = options.dispatcher;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.budgetMs = options.budgetMs ?? 120_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 6);
    this.backoff = options.backoff ?? { baseMs: 500, capMs: 20_000 };
    this.random = options.random ?? Math.random;
    const perMinute = options.rateLimitPerMinute ?? 280;
    if (perMinute > 0) this.limiter = new SlidingWindowLimiter(perMinute, 60_000, this.clock);
  }

  private get dispatcher(): Dispatcher {
    // Created lazily so constructing a client (e.g. to validate inputs) opens nothing.
    this.dispatcherValue ??= new EnvHttpProxyAgent();
    return this.dispatcherValue;
  }

  stats(): ApiStats {
    return { ...this.counters, callsByEndpoint: { ...this.counters.callsByEndpoint } };
  }

  /** Counts a retry made by a layer above (the one re-send after a 401 and token renewal). */
  noteRetry(): void {
    this.counters.retries++;
  }

  /** Closes the dispatcher if this instance created it. */
  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcherValue) await this.dispatcherValue.close();
  }

  /** Delay before retry `n` (1 = first retry): capped exponential with "equal jitter" (between half and all of it). */
  backoffDelay(n: number): number {
    const exp = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** (n - 1));
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const endpoint = req.endpoint ?? endpointKey(req.method, req.url);
    const shown = `${req.method} ${safeUrl(req.url)}`;
    const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
    const budgetMs = req.budgetMs ?? this.budgetMs;
    // The budget starts with the first send: time queued behind client-side pacing is not Genesys being slow.
    let deadline = Number.POSITIVE_INFINITY;
    const base: Pick<GenesysErrorInit, 'method' | 'path'> = {
      method: req.method,
      path: redactor.redact(pathOf(req.url))
    };

    for (let attempt = 1; ; attempt++) {
      if (this.limiter) {
        const waited = await this.limiter.acquire();
        if (waited > 0)
          this.logger?.debug(`pacing: waited ${fmtSeconds(waited)} before ${shown} (client-side rate limit)`);
      }
      if (attempt === 1) deadline = this.clock.now() + budgetMs;
      this.counters.calls++;
      this.counters.callsByEndpoint[endpoint] = (this.counters.callsByEndpoint[endpoint] ?? 0) + 1;
      if (attempt > 1) this.counters.retries++;
      const sentAt = this.clock.now();

      let raw: RawResponse | undefined;
      let failure: NetFailure | undefined;
      try {
        raw = await this.send(req);
      } catch (e) {
        failure = this.classify(e);
      }
      const last = attempt >= this.maxAttempts;

      if (failure) {
        const init: GenesysErrorInit = {
          ...base,
          kind: failure.timeout ? 'timeout' : 'network',
          message: failure.timeout
            ? `${shown} timed out after ${fmtSeconds(this.timeoutMs)}`
            : `${shown} failed: ${failure.code} ${failure.message}`,
          cause: new Error(`${failure.code}: ${failure.message}`)
        };
        if (!failure.transient) throw new GenesysError(init);
        if (!failure.beforeSend && !idempotent) {
          throw new GenesysError({
            ...init,
            outcomeUnknown: true,
            message: `${init.message} after the request was sent; it may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
          });
        }
        const wait = this.backoffDelay(attempt);
        if (last || this.clock.now() + wait > deadline) {
          throw new GenesysError({ ...init, message: `${init.message} (gave up after ${attempt} attempt(s))` });
        }
        this.logger?.info(
          redactor.redact(
            `${shown}: ${failure.code}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${this.maxAttempts})`
          )
        );
        await this.clock.sleep(wait);
        continue;
      }

      const res = raw as RawResponse;
      const correlationId = res.headers['inin-correlation-id'];
      this.logger?.debug(`${shown} → ${res.status} (${this.clock.now() - sentAt} ms)`);

      if (res.status >= 200 && res.status < 300) return this.success(req, res, shown, base, correlationId);

      if (res.status === 429) {
        this.counters.throttled++;
        const now = this.clock.now();
        const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
        const resetHeader = res.headers['inin-ratelimit-reset'];
        const reset =
          resetHeader !== undefined && /^\d+(\.\d+)?$/.test(resetHeader.trim())
            ? Number(resetHeader) * 1000
            : undefined;
        const wait = retryAfter ?? reset ?? this.backoffDelay(attempt);
        const source =
          retryAfter !== undefined ? 'Retry-After' : reset !== undefined ? 'inin-ratelimit-reset' : 'backoff';
        if (last) {
          throw this.errorFrom(res, shown, base, correlationId, `still rate-limited (429) after ${attempt} attempts`);
        }
        const remaining = deadline - now;
        if (wait > remaining) {
          throw new GenesysError({
            ...base,
            kind: 'budget',
            status: 429,
            correlationId,
            message: `${shown} was rate-limited (429) and Genesys Cloud asked to wait ${fmtSeconds(wait)} (${source}), but only ${fmtSeconds(Math.max(0, remaining))} of the ${fmtSeconds(budgetMs)} budget remain; failing now instead of waiting (another client may be sharing this OAuth client's token limit)`
          });
        }
        this.logger?.info(
          `${shown}: rate-limited (429); waiting ${fmtSeconds(wait)} (${source}) before attempt ${attempt + 1}/${this.maxAttempts}`
        );
        await this.clock.sleep(wait);
        continue;
      }

      if (RETRYABLE_STATUS.has(res.status)) {
        const err = this.errorFrom(res, shown, base, correlationId);
        if (!idempotent) {
          throw err.with({
            outcomeUnknown: true,
            message: `${err.message} — the request reached a gateway and may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
          });
        }
        const wait = this.backoffDelay(attempt);
        if (last || this.clock.now() + wait > deadline) {
          throw err.with({ message: `${err.message} (gave up after ${attempt} attempt(s))` });
        }
        this.logger?.info(
          `${shown}: HTTP ${res.status}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${this.maxAttempts})`
        );
        await this.clock.sleep(wait);
        continue;
      }

      throw this.errorFrom(res, shown, base, correlationId);
    }
  }

  private async send(req: HttpRequest): Promise<RawResponse> {
    const controller = new AbortController();
    // A real timer: the per-request timeout guards real I/O, which a virtual clock cannot advance.
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), this.timeoutMs);
    timer.unref?.();
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        signal: controller.signal
      });
      const headers = normaliseHeaders(res.headers);
      if (req.responseType === 'none' && res.statusCode >= 200 && res.statusCode < 300) {
        await res.body.dump();
        return { status: res.statusCode, headers, body: Buffer.alloc(0) };
      }
      return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
    } catch (e) {
      if (controller.signal.aborted && controller.signal.reason instanceof TimeoutSignal)
        throw controller.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(e: unknown): NetFailure {
    if (e instanceof TimeoutSignal) {
      return { code: 'TIMEOUT', message: 'timed out', beforeSend: false, timeout: true, transient: true };
    }
    const code = errorCode(e) ?? 'UNKNOWN';
    const message = redactor.redact(oneLine(e instanceof Error ? e.message : String(e), 200));
    if (BEFORE_SEND_CODES.has(code)) return { code, message, beforeSend: true, timeout: false, transient: true };
    if (AFTER_SEND_CODES.has(code)) {
      const timeout = code.includes('TIMEOUT') || code === 'ETIMEDOUT';
      return { code, message, beforeSend: false, timeout, transient: true };
    }
    // TLS/certificate problems, invalid arguments, unknown failures: retrying will not help.
    return { code, message, beforeSend: false, timeout: false, transient: false };
  }

  private success(
    req: HttpRequest,
    res: RawResponse,
    shown: string,
    base: Pick<GenesysErrorInit, 'method' | 'path'>,
    correlationId: string | undefined
  ): HttpResponse {
    const out: HttpResponse = { status: res.status, headers: res.headers, correlationId };
    const type = req.responseType ?? 'json';
    if (type === 'none') return out;
    if (type === 'bytes') return { ...out, bytes: res.body };
    const ct = res.headers['content-type'] ?? '';
    if (!isJsonType(ct)) {
      throw new GenesysError({
        ...base,
        kind: 'shape',
        status: res.status,
        correlationId,
        message: `${shown} returned ${res.status} with content type "${oneLine(ct, 60) || 'none'}" instead of JSON (${res.body.length} bytes); a proxy or gateway may have answered instead of Genesys Cloud — check api-url and proxy settings`
      });
    }
    try {
      return { ...out, json: JSON.parse(res.body.toString('utf8')) };
    } catch {
      throw new GenesysError({
        ...base,
        kind: 'shape',
        status: res.status,
        correlationId,
        message: `${shown} returned ${res.status} with a JSON content type but a body that is not valid JSON (${res.body.length} bytes)`
      });
    }
  }

  private errorFrom(
    res: RawResponse,
    shown: string,
    base: Pick<GenesysErrorInit, 'method' | 'path'>,
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
