// OAuth client-credentials tokens for Genesys Cloud. Genesys issues no refresh token: a new token is requested shortly
// before the cached one expires, and once more when an API call answers 401. The client secret, the Basic header value
// and every token are registered with the redactor (and handed to `onSecret`, i.e. core.setSecret) the moment they
// exist, so no later log line can carry them.
import type { Clock } from '../common/clock.ts';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';
import { GenesysError, isGenesysError } from './errors.ts';
import type { HttpClient } from './http.ts';
import { TokenResponse } from './models.ts';
import { assertSafeUrl } from './regions.ts';

export interface AuthOptions {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  http: HttpClient;
  clock: Clock;
  logger?: Logger;
  /** Called at once with the Basic header value and the secret, and with every new token (wire to core.setSecret). */
  onSecret?: (value: string) => void;
}

interface CachedToken {
  value: string;
  renewAt: number;
  expiresAt: number;
}

/** How long before expiry a token is renewed: max(60 s, 10 %), but never more than half its lifetime. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(Math.max(60_000, lifetimeMs * 0.1), lifetimeMs / 2);
}

export class TokenProvider {
  private readonly tokenUrl: string;
  private readonly basic: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly onSecret?: (value: string) => void;
  private cached?: CachedToken;
  private inflight?: Promise<string>;
  private lifetimeSeconds?: number;

  constructor(options: AuthOptions) {
    if (!options.clientId.trim()) {
      throw new GenesysError({ kind: 'config', message: 'client-id is empty: set it to the OAuth client id' });
    }
    if (!options.clientSecret) {
      throw new GenesysError({ kind: 'config', message: 'client-secret is empty: pass it from a repository secret' });
    }
    // Mask first, before anything else can fail and log.
    this.basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
    redactor.addBasic(options.clientId, options.clientSecret);
    options.onSecret?.(options.clientSecret);
    options.onSecret?.(this.basic);
    const login = assertSafeUrl(options.loginUrl, 'login-url');
    this.tokenUrl = `${login.protocol}//${login.host}${login.pathname.replace(/\/+$/, '')}/oauth/token`;
    this.http = options.http;
    this.clock = options.clock;
    this.logger = options.logger;
    this.onSecret = options.onSecret;
  }

  /** A valid access token: the cached one, or a new one (concurrent callers share one in-flight request). */
  async getToken(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.renewAt) return this.cached.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The lifetime (`expires_in`, seconds) of the last token issued, once one was (for `command: doctor`). */
  lastLifetimeSeconds(): number | undefined {
    return this.lifetimeSeconds;
  }

  /** Drops `token` if it is still the cached one (after a 401), so the next getToken() requests a new one. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const requestedAt = this.clock.now();
    let json: unknown;
    try {
      const res = await this.http.request({
        method: 'POST',
        url: this.tokenUrl,
        headers: {
          authorization: `Basic ${this.basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json'
        },
        body: 'grant_type=client_credentials',
        // Asking for a token twice changes nothing: safe to re-send after a gateway error or a reset.
        idempotent: true,
        endpoint: 'POST /oauth/token'
      });
      json = res.json;
    } catch (e) {
      throw this.mapTokenError(e);
    }
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) {
      throw new GenesysError({
        kind: 'shape',
        method: 'POST',
        path: '/oauth/token',
        message:
          'POST /oauth/token returned a body without access_token/token_type/expires_in; check that login-url points at the Genesys Cloud login host (https://login.<region>)'
      });
    }
    const token = parsed.data.access_token;
    redactor.add(token);
    this.onSecret?.(token);
    const lifetime = Math.max(0, parsed.data.expires_in * 1000);
    this.lifetimeSeconds = parsed.data.expires_in;
    this.cached = {
      value: token,
      expiresAt: requestedAt + lifetime,
      renewAt: requestedAt + lifetime - renewalMargin(lifetime)
    };
    this.logger?.info(`Genesys Cloud: obtained an access token (valid for ${Math.round(lifetime / 1000)} s)`);
    return token;
  }

  private mapTokenError(e: unknown): unknown {
    if (!isGenesysError(e) || e.kind !== 'http' || e.status === undefined) return e;
    if (e.status >= 500) return e;
    const code = e.code;
    const base = { method: 'POST', path: '/oauth/token', status: e.status, code, correlationId: e.correlationId };
    if (code === 'invalid_client' || (e.status === 401 && code === undefined)) {
      return new GenesysError({
        ...base,
        kind: 'auth',
        message: `Genesys Cloud rejected the client credentials (HTTP ${e.status}${code ? ` ${code}` : ''}). Check that client-id and client-secret belong to the same OAuth client, that the OAuth client uses the Client Credentials grant, and that region (or login-url) is your org's region`
      });
    }
    if (code === 'unauthorized_client' || code === 'unsupported_grant_type') {
      return new GenesysError({
        ...base,
        kind: 'auth',
        message: `Genesys Cloud refused the token request (HTTP ${e.status} ${code}): the OAuth client must use the Client Credentials grant type (Admin > Integrations > OAuth)`
      });
    }
    return new GenesysError({
      ...base,
      kind: 'auth',
      message: `Genesys Cloud token request failed: ${e.message}. Check client-id, client-secret and region`
    });
  }
}
