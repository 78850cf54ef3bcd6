// The one HTTP layer between the action and Genesys Cloud (undici). It owns: per-request timeouts, client-side pacing
// under the 300 requests/min/token limit, retries (429 honouring Retry-After; 502/503/504 and network errors with
// capped exponential backoff and jitter) inside a total time budget, the rule that a POST whose outcome is unknown is
// never re-sent, content-type checks before JSON parsing, mapping of Genesys error bodies to GenesysError, and the
// call counters. Everything it logs or puts in an error message passes through the process-wide redactor.
// The pieces live next to it: URL helpers (http-urls.ts), pacing (http-limiter.ts), failure classification and error
// mapping (http-failures.ts), and the retry decisions (http-retry.ts).
import { EnvHttpProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Clock } from '../common/clock.ts';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';
import type { ApiStats } from './api.ts';
import { GenesysError } from './errors.ts';
import { classify, isJsonType, oneLine, TimeoutSignal } from './http-failures.ts';
import type { ErrorBase, RawResponse } from './http-failures.ts';
import { SlidingWindowLimiter } from './http-limiter.ts';
import { fmtSeconds, IDEMPOTENT, retryAfterFailure, retryAfterStatus } from './http-retry.ts';
import type { CallContext, Retry, RetryPolicy } from './http-retry.ts';
import { endpointKey, pathOf, safeUrl } from './http-urls.ts';

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

/** One logical call in flight. */
interface Call extends CallContext {
  req: HttpRequest;
  endpoint: string;
}

/** What one attempt came to: the response to return, or the retry to make (anything else throws). */
type Attempt = { response: HttpResponse } | { retry: Retry };

function normaliseHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
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
  private readonly policy: RetryPolicy;
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
    this.policy = {
      maxAttempts: this.maxAttempts,
      timeoutMs: this.timeoutMs,
      now: () => this.clock.now(),
      backoffDelay: (n) => this.backoffDelay(n)
    };
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
    const call = this.begin(req);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(call, attempt);
      if ('response' in outcome) return outcome.response;
      this.logger?.info(outcome.retry.note);
      await this.clock.sleep(outcome.retry.wait);
    }
  }

  private begin(req: HttpRequest): Call {
    return {
      req,
      endpoint: req.endpoint ?? endpointKey(req.method, req.url),
      shown: `${req.method} ${safeUrl(req.url)}`,
      idempotent: req.idempotent ?? IDEMPOTENT.has(req.method),
      budgetMs: req.budgetMs ?? this.budgetMs,
      // The budget starts with the first send: time queued behind client-side pacing is not Genesys being slow.
      deadline: Number.POSITIVE_INFINITY,
      base: { method: req.method, path: redactor.redact(pathOf(req.url)) }
    };
  }

  /** Paces, counts and sends the request once, then decodes the response or decides on a retry. */
  private async attempt(call: Call, attempt: number): Promise<Attempt> {
    // Pacing is awaited here, not in a helper: the send must follow the limiter's grant without yielding again.
    if (this.limiter) {
      const waited = await this.limiter.acquire();
      if (waited > 0)
        this.logger?.debug(`pacing: waited ${fmtSeconds(waited)} before ${call.shown} (client-side rate limit)`);
    }
    if (attempt === 1) call.deadline = this.clock.now() + call.budgetMs;
    this.count(call.endpoint, attempt);
    const sentAt = this.clock.now();
    let res: RawResponse;
    try {
      res = await this.send(call.req);
    } catch (e) {
      return {
        retry: retryAfterFailure(
          call,
          attempt,
          classify(e, this.ownsDispatcher ? call.req.url : undefined),
          this.policy
        )
      };
    }
    const correlationId = res.headers['inin-correlation-id'];
    this.logger?.debug(`${call.shown} → ${res.status} (${this.clock.now() - sentAt} ms)`);
    if (res.status >= 200 && res.status < 300) {
      return { response: this.success(call.req, res, call.shown, call.base, correlationId) };
    }
    if (res.status === 429) this.counters.throttled++;
    return { retry: retryAfterStatus(call, attempt, res, correlationId, this.policy) };
  }

  private count(endpoint: string, attempt: number): void {
    this.counters.calls++;
    this.counters.callsByEndpoint[endpoint] = (this.counters.callsByEndpoint[endpoint] ?? 0) + 1;
    if (attempt > 1) this.counters.retries++;
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

  private success(
    req: HttpRequest,
    res: RawResponse,
    shown: string,
    base: ErrorBase,
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
}
