// Faults injected into requests (rather than into the org's work): connection resets at three points, 429 storms,
// injected HTTP errors before or after the work is done, and malformed 200s.
import type { Verdict } from './api-gate.ts';
import { tooManyRequests } from './api-gate.ts';
import type { FaultRecord } from './faults.ts';
import { pathPatternMatches } from './faults.ts';
import { errorBody, JSON_TYPE, rateLimitHeaders } from './http.ts';
import type { Ctx, Reply, Route } from './http.ts';
import type { Org } from './org.ts';
import type { Scenario } from './scenario.ts';

type MalformMode = 'html' | 'truncated-json' | 'missing-field' | 'unknown-enum';
export type ResetPoint = 'before-body' | 'after-body' | 'after-processing';
interface RequestTarget {
  method?: string | undefined;
  path?: string | undefined;
  flow?: string | undefined;
}

const SERVICE_UNAVAILABLE_HTML =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>The service is temporarily unavailable.</h1></body></html>';

/** Replaces every enum-like value (statuses, action names, version and message types) with an unknown one. */
function scrambleEnums(node: unknown, parentKey?: string): void {
  if (Array.isArray(node)) return node.forEach((n) => scrambleEnums(n, parentKey));
  if (!node || typeof node !== 'object') return;
  const rec = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (
      typeof v === 'string' &&
      (k === 'status' ||
        k === 'actionStatus' ||
        k === 'actionName' ||
        (k === 'type' && (parentKey?.endsWith('Version') || parentKey === 'messages')))
    ) {
      rec[k] = 'EMULATOR_UNKNOWN_VALUE';
    } else scrambleEnums(v, k);
  }
}

/** A broken version of a successful JSON reply. */
export function malform(reply: Reply, mode: MalformMode): Reply {
  if (mode === 'html') return { status: 200, contentType: 'text/html', raw: SERVICE_UNAVAILABLE_HTML };
  const text = JSON.stringify(reply.body ?? {});
  if (mode === 'truncated-json')
    return { ...reply, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))), contentType: JSON_TYPE };
  const copy = JSON.parse(text) as unknown;
  if (mode === 'missing-field') {
    if (copy && typeof copy === 'object')
      for (const k of ['id', 'status', 'name', 'entities', 'access_token']) delete (copy as Record<string, unknown>)[k];
    return { ...reply, body: copy };
  }
  scrambleEnums(copy);
  return { ...reply, body: copy };
}

export class RequestFaults {
  /** `ratio` storms: each matching request adds `ratio`; see `storm`. */
  private readonly ratioAccumulators = new WeakMap<object, number>();
  private readonly org: Org;
  private readonly scenario: Scenario;

  constructor(org: Org, scenario: Scenario) {
    this.org = org;
    this.scenario = scenario;
  }

  /** Whether a request fault aims at this request (method, path or route template, and the flow it concerns). */
  matches(spec: RequestTarget, route: Route | undefined, ctx: Ctx): boolean {
    if (spec.method !== undefined && spec.method !== ctx.method) return false;
    if (spec.path !== undefined) {
      if (!pathPatternMatches(spec.path, ctx.path) && !(route && pathPatternMatches(spec.path, route.template)))
        return false;
    } else if (!route?.api) {
      return false; // without a path, faults hit the platform API only (not login, uploads or downloads)
    }
    if (spec.flow !== undefined) {
      const flow = this.org.findFlowByName(spec.flow, true);
      if (!flow || !(ctx.path.includes(flow.id) || ctx.query.get('flow') === flow.id || ctx.body.includes(flow.id)))
        return false;
    }
    return true;
  }

  /** A `connection-reset` fault for this point of the request, consumed. */
  reset(when: ResetPoint, route: Route | undefined, ctx: Ctx): boolean {
    return !!this.org.faults.take('connection-reset', (s) => s.when === when && this.matches(s, route, ctx));
  }

  /**
   * A `rate-limit` fault's 429. With `ratio`, each matching request adds `ratio` to the fault's accumulator and is
   * throttled when it crosses a whole number, so exactly ⌊n·ratio⌋ of n matching requests get a 429, evenly spread
   * and reproducible.
   */
  storm(route: Route, ctx: Ctx): Verdict | undefined {
    const storm = this.org.faults.take('rate-limit', (s) => {
      if (!this.matches(s, route, ctx)) return false;
      if (s.ratio === undefined) return true;
      const before = this.ratioAccumulators.get(s) ?? 0;
      this.ratioAccumulators.set(s, before + s.ratio);
      return Math.floor(before + s.ratio) > Math.floor(before);
    });
    if (!storm) return undefined;
    const seconds = storm.spec.retryAfter;
    const retryAfter =
      storm.spec.retryAfterFormat === 'http-date' ? new Date(ctx.now + seconds * 1000).toUTCString() : String(seconds);
    const allowed = this.scenario.rateLimit.perMinute;
    return {
      reject: tooManyRequests(allowed, ctx.correlationId),
      headers: { 'Retry-After': retryAfter, ...rateLimitHeaders(allowed + 1, allowed, seconds) }
    };
  }

  /** An `http-error` fault that answers instead of the route (`afterProcessing: false`). */
  httpErrorBefore(route: Route, ctx: Ctx): Reply | undefined {
    const fault = this.org.faults.take('http-error', (s) => !s.afterProcessing && this.matches(s, route, ctx));
    return fault && this.errorReply(fault, ctx);
  }

  /** What the route's reply becomes after `afterProcessing` http errors and `malformed-response` faults. */
  afterProcessing(result: Reply, route: Route, ctx: Ctx): Reply {
    const late = this.org.faults.take('http-error', (s) => !!s.afterProcessing && this.matches(s, route, ctx));
    if (late) result = this.errorReply(late, ctx);
    if (result.status < 400 && result.raw === undefined) {
      const bad = this.org.faults.take('malformed-response', (s) => this.matches(s, route, ctx));
      if (bad) result = malform(result, bad.spec.mode);
    }
    return result;
  }

  private errorReply(f: FaultRecord<'http-error'>, ctx: Ctx): Reply {
    return {
      status: f.spec.status,
      body:
        f.spec.body ??
        errorBody(
          f.spec.status,
          f.spec.status >= 500 ? 'internal.server.error' : 'bad.request',
          `Injected HTTP ${f.spec.status} (emulator fault).`,
          ctx.correlationId
        )
    };
  }
}
