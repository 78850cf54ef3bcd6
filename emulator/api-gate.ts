// The platform API's gate: bearer tokens (issued by the login route, expiring after the scenario's lifetime or a
// `token-expiry` fault) and the per-token rate limit (`rateLimit.perMinute` calls per 60 s window, then 429).
import { errorBody, rateLimitHeaders } from './http.ts';
import type { Ctx, Reply } from './http.ts';
import type { Org } from './org.ts';
import type { Scenario } from './scenario.ts';

/** A gate's answer: a rejection to send, or the rate-limit headers the eventual reply carries. */
export interface Verdict {
  reject?: Reply;
  headers: Record<string, string>;
}

/** The 429 the platform sends when a token's rate limit is exceeded (also used by `rate-limit` faults). */
export function tooManyRequests(allowed: number, correlationId: string): Reply {
  return {
    status: 429,
    body: errorBody(
      429,
      'too.many.requests',
      `Rate limit exceeded the maximum. [${allowed}] requests for [60] seconds`,
      correlationId,
      [],
      { limit: { key: 'token.rate.per.minute', namespace: 'platform.api', value: allowed } }
    )
  };
}

export class ApiGate {
  private readonly tokens = new Map<string, { issuedAt: number }>();
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly org: Org;
  private readonly scenario: Scenario;

  constructor(org: Org, scenario: Scenario) {
    this.org = org;
    this.scenario = scenario;
  }

  issue(token: string, now: number): void {
    this.tokens.set(token, { issuedAt: now });
  }

  issued(): string[] {
    return [...this.tokens.keys()];
  }

  /** Authenticates the bearer token and counts the call against its window. */
  admit(ctx: Ctx): Verdict {
    const auth = /^Bearer\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
    if (!auth?.[1]) {
      const message = 'No authentication bearer token specified in authorization header.';
      return { reject: this.unauthorized(ctx, 'authentication.required', message), headers: {} };
    }
    const token = auth[1];
    if (!this.valid(token, ctx.now)) {
      return { reject: this.unauthorized(ctx, 'bad.credentials', 'Invalid login credentials.'), headers: {} };
    }
    return this.count(token, ctx);
  }

  private unauthorized(ctx: Ctx, code: string, message: string): Reply {
    return { status: 401, body: errorBody(401, code, message, ctx.correlationId) };
  }

  /** Issued and not expired; a `token-expiry` fault that ended the token counts as fired. */
  private valid(token: string, now: number): boolean {
    const issued = this.tokens.get(token);
    const expiry = this.org.faults.active('token-expiry');
    const lifetime = Math.min(this.scenario.tokenLifetimeSeconds, ...expiry.map((f) => f.spec.seconds)) * 1000;
    if (issued && now - issued.issuedAt < lifetime) return true;
    if (issued) {
      for (const f of expiry) if (now - issued.issuedAt >= f.spec.seconds * 1000) f.fired += 1;
    }
    return false;
  }

  private count(token: string, ctx: Ctx): Verdict {
    const allowed = this.scenario.rateLimit.perMinute;
    let window = this.windows.get(token);
    if (!window || ctx.now - window.start >= 60_000) {
      window = { start: ctx.now, count: 0 };
      this.windows.set(token, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.start + 60_000 - ctx.now) / 1000));
    const headers = rateLimitHeaders(window.count, allowed, resetSeconds);
    if (window.count > allowed) {
      return {
        reject: tooManyRequests(allowed, ctx.correlationId),
        headers: { 'Retry-After': String(resetSeconds), ...headers }
      };
    }
    return { headers };
  }
}
