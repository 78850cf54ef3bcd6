// Retry policy of the HTTP layer: which requests may be re-sent, Retry-After and backoff, and the decision after a
// failed attempt — wait and try again (429 honouring Retry-After; 502/503/504 and network errors with capped
// exponential backoff) inside the call's time budget, or the GenesysError to throw. A POST whose outcome is unknown is
// never re-sent.
import { redactor } from '../common/redact.ts';
import { GenesysError } from './errors.ts';
import type { GenesysErrorInit } from './errors.ts';
import { errorFrom } from './http-failures.ts';
import type { ErrorBase, NetFailure, RawResponse } from './http-failures.ts';
import type { HttpMethod } from './http.ts';

export const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);

/** One logical call: what its attempts and every message about it share. */
export interface CallContext {
  /** `METHOD url` with the URL made safe to show. */
  shown: string;
  idempotent: boolean;
  budgetMs: number;
  /** When the budget runs out; set when the first attempt is sent. */
  deadline: number;
  base: ErrorBase;
}

/** What the decisions need from the client. */
export interface RetryPolicy {
  maxAttempts: number;
  timeoutMs: number;
  now(): number;
  /** Delay before retry `n` (1 = first retry). */
  backoffDelay(n: number): number;
}

/** A decision to try again: how long to wait first, and the line to log. */
export interface Retry {
  wait: number;
  note: string;
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

export function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** After a request that produced no response: the retry to make, or throws. */
export function retryAfterFailure(call: CallContext, attempt: number, failure: NetFailure, policy: RetryPolicy): Retry {
  const init: GenesysErrorInit = {
    ...call.base,
    kind: failure.timeout ? 'timeout' : 'network',
    message: failure.timeout
      ? `${call.shown} timed out after ${fmtSeconds(policy.timeoutMs)}`
      : `${call.shown} failed: ${failure.code} ${failure.message}`,
    cause: new Error(`${failure.code}: ${failure.message}`)
  };
  if (!failure.transient) throw new GenesysError(init);
  if (!failure.beforeSend && !call.idempotent) {
    throw new GenesysError({
      ...init,
      outcomeUnknown: true,
      message: `${init.message} after the request was sent; it may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
    });
  }
  const wait = policy.backoffDelay(attempt);
  if (attempt >= policy.maxAttempts || policy.now() + wait > call.deadline) {
    throw new GenesysError({ ...init, message: `${init.message} (gave up after ${attempt} attempt(s))` });
  }
  return {
    wait,
    note: redactor.redact(
      `${call.shown}: ${failure.code}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${policy.maxAttempts})`
    )
  };
}

/** After a non-2xx response: the retry to make (429, 502/503/504), or throws. */
export function retryAfterStatus(
  call: CallContext,
  attempt: number,
  res: RawResponse,
  correlationId: string | undefined,
  policy: RetryPolicy
): Retry {
  if (res.status === 429) return retryAfterThrottle(call, attempt, res, correlationId, policy);
  if (RETRYABLE_STATUS.has(res.status)) return retryAfterGateway(call, attempt, res, correlationId, policy);
  throw errorFrom(res, call.shown, call.base, correlationId);
}

function retryAfterThrottle(
  call: CallContext,
  attempt: number,
  res: RawResponse,
  correlationId: string | undefined,
  policy: RetryPolicy
): Retry {
  const now = policy.now();
  const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
  const resetHeader = res.headers['inin-ratelimit-reset'];
  const reset =
    resetHeader !== undefined && /^\d+(\.\d+)?$/.test(resetHeader.trim()) ? Number(resetHeader) * 1000 : undefined;
  const wait = retryAfter ?? reset ?? policy.backoffDelay(attempt);
  const source = retryAfter !== undefined ? 'Retry-After' : reset !== undefined ? 'inin-ratelimit-reset' : 'backoff';
  if (attempt >= policy.maxAttempts) {
    throw errorFrom(res, call.shown, call.base, correlationId, `still rate-limited (429) after ${attempt} attempts`);
  }
  const remaining = call.deadline - now;
  if (wait > remaining) {
    throw new GenesysError({
      ...call.base,
      kind: 'budget',
      status: 429,
      correlationId,
      message: `${call.shown} was rate-limited (429) and Genesys Cloud asked to wait ${fmtSeconds(wait)} (${source}), but only ${fmtSeconds(Math.max(0, remaining))} of the ${fmtSeconds(call.budgetMs)} budget remain; failing now instead of waiting (another client may be sharing this OAuth client's token limit)`
    });
  }
  return {
    wait,
    note: `${call.shown}: rate-limited (429); waiting ${fmtSeconds(wait)} (${source}) before attempt ${attempt + 1}/${policy.maxAttempts}`
  };
}

function retryAfterGateway(
  call: CallContext,
  attempt: number,
  res: RawResponse,
  correlationId: string | undefined,
  policy: RetryPolicy
): Retry {
  const err = errorFrom(res, call.shown, call.base, correlationId);
  if (!call.idempotent) {
    throw err.with({
      outcomeUnknown: true,
      message: `${err.message} — the request reached a gateway and may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
    });
  }
  const wait = policy.backoffDelay(attempt);
  if (attempt >= policy.maxAttempts || policy.now() + wait > call.deadline) {
    throw err.with({ message: `${err.message} (gave up after ${attempt} attempt(s))` });
  }
  return {
    wait,
    note: `${call.shown}: HTTP ${res.status}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${policy.maxAttempts})`
  };
}
