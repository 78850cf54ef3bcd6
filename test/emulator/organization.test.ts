// GET /api/v2/organizations/me: the token's org (read-only, authenticated, counted, not mutating).
import { afterEach, describe, expect, it } from '@jest/globals';
import { harness } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('GET /api/v2/organizations/me', () => {
  it('names the org with a stable UUID-shaped id, rate-limit headers, and no mutation', async () => {
    h = await harness();
    const a = await h.api('GET', '/api/v2/organizations/me');
    const b = await h.api('GET', '/api/v2/organizations/me');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ name: 'Emulator Org', state: 'active' });
    expect(a.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.body.id).toBe(a.body.id);
    expect(a.headers.get('inin-ratelimit-allowed')).toBeTruthy();
    expect(h.em.counts()['GET /api/v2/organizations/me']).toBe(2);
    expect(h.em.mutatingRequests()).toEqual([]);
  });

  it('needs a bearer token', async () => {
    h = await harness();
    const res = await fetch(`${h.em.baseUrl}/api/v2/organizations/me`);
    expect(res.status).toBe(401);
  });
});
