import { afterEach, describe, expect, it } from '@jest/globals';
import { getToken, harness } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('OAuth and rate limits', () => {
  it('issues client-credentials tokens and rejects bad clients with invalid_client', async () => {
    h = await harness({ client: { id: 'cid', secret: 'a-long-secret' }, tokenLifetimeSeconds: 3600 });
    const ok = await getToken(h.em);
    expect(await ok.json()).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(ok.headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await getToken(h.em, 'cid', 'wrong-secret');
    expect(bad.status).toBe(401);
    const body = await bad.json();
    expect(body).toMatchObject({ error: 'invalid_client' });
    expect(JSON.stringify(body)).not.toContain('a-long-secret');
    const noGrant = await fetch(`${h.em.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('cid:a-long-secret').toString('base64')}` },
      body: 'grant_type=password'
    });
    expect(await noGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers 401 without a bearer token, with an unknown one, and after token-expiry', async () => {
    h = await harness({ flows: [{ name: 'A', type: 'workflow' }] });
    const none = await fetch(`${h.em.baseUrl}/api/v2/flows`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ status: 401, code: 'authentication.required' });
    const unknown = await fetch(`${h.em.baseUrl}/api/v2/flows`, { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(200);
    h.em.addFault({ kind: 'token-expiry', seconds: 30 });
    h.clock.advance(29_000);
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(200);
    h.clock.advance(1_000);
    const expired = await h.api('GET', '/api/v2/flows');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('bad.credentials');
    const fresh = ((await (await getToken(h.em)).json()) as { access_token: string }).access_token;
    const again = await fetch(`${h.em.baseUrl}/api/v2/flows`, { headers: { authorization: `Bearer ${fresh}` } });
    expect(again.status).toBe(200);
  });

  it('allows perMinute requests per token, then 429 with Retry-After and inin-ratelimit-* headers', async () => {
    h = await harness({ rateLimit: { perMinute: 5 } });
    for (let i = 1; i <= 5; i += 1) {
      const ok = await h.api('GET', '/api/v2/flows');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('inin-ratelimit-count')).toBe(String(i));
      expect(ok.headers.get('inin-ratelimit-allowed')).toBe('5');
    }
    // uploads, downloads, login and admin calls do not count
    await fetch(`${h.em.baseUrl}/__emulator/state`);
    await getToken(h.em);
    h.clock.advance(20_000);
    const limited = await h.api('GET', '/api/v2/flows');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.headers.get('inin-ratelimit-reset')).toBe('40');
    expect(limited.body).toMatchObject({ status: 429, code: 'too.many.requests', limit: { value: 5 } });
    h.clock.advance(40_000);
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(200);
  });

  it('rate-limit storms: N 429s with Retry-After in seconds or as an HTTP date', async () => {
    h = await harness();
    h.em.addFault({ kind: 'rate-limit', count: 2, retryAfter: 7, path: '/api/v2/flows' });
    const a = await h.api('GET', '/api/v2/flows');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(429);
    expect((await h.api('GET', '/api/v2/flows')).status).toBe(200);
    h.em.addFault({ kind: 'rate-limit', count: 1, retryAfter: 90, retryAfterFormat: 'http-date' });
    const dated = await h.api('GET', '/api/v2/flows');
    expect(dated.status).toBe(429);
    expect(Date.parse(dated.headers.get('retry-after') ?? '')).toBe(h.clock.now() + 90_000);
  });
});
