// POST /oauth/token: client credentials with HTTP Basic auth, answered like the Genesys login service.
import { randomBytes } from 'node:crypto';
import { safeEqual } from '../http.ts';
import type { Ctx, Reply, Router } from '../http.ts';
import type { RouteEnv } from './env.ts';

const oauthError = (status: number, error: string, description: string): Reply => ({
  status,
  body: { error, description, error_description: description }
});

function login(env: RouteEnv, ctx: Ctx): Reply {
  const match = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (!match?.[1]) return oauthError(401, 'invalid_client', 'client authentication is required (HTTP Basic)');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  const id = sep >= 0 ? decoded.slice(0, sep) : decoded;
  const secret = sep >= 0 ? decoded.slice(sep + 1) : '';
  if (!safeEqual(id, env.clientId) || !safeEqual(secret, env.clientSecret)) {
    return oauthError(401, 'invalid_client', 'client not found or the client secret is wrong');
  }
  const grant = new URLSearchParams(ctx.body.toString('utf8')).get('grant_type');
  if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required');
  if (grant !== 'client_credentials')
    return oauthError(400, 'unsupported_grant_type', `unsupported grant type: ${grant}`);
  const token = randomBytes(48).toString('base64url');
  env.gate.issue(token, ctx.now);
  return {
    status: 200,
    body: { access_token: token, token_type: 'bearer', expires_in: env.scenario.tokenLifetimeSeconds }
  };
}

export function authRoutes(router: Router, env: RouteEnv): void {
  router.add('POST', '/oauth/token', { api: false }, (ctx) => login(env, ctx));
}
