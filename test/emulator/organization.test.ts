// GET /api/v2/organizations/me: each emulator is one org; a scenario can name its id, else each start draws its own.
import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.ts';

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

async function orgOf(e: Emulator): Promise<{ status: number; body: Record<string, unknown> }> {
  const basic = Buffer.from(`${e.clientId}:${e.clientSecret}`).toString('base64');
  const login = await fetch(`${e.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials'
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${e.baseUrl}/api/v2/organizations/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('emulator organization', () => {
  it('answers with the org the scenario names', async () => {
    const id = '6c1b9a8e-2f0d-4e7a-9b1c-3d5e7f9a1b2c';
    const e = await startEmulator({ scenario: { organization: { id, name: 'Prod Org' } } });
    started.push(e);
    const { status, body } = await orgOf(e);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, name: 'Prod Org', selfUri: `/api/v2/organizations/${id}` });
  });

  it('gives two emulators without a named org two different ids, stable per emulator', async () => {
    const a = await startEmulator({});
    const b = await startEmulator({});
    started.push(a, b);
    const [a1, a2, b1] = [await orgOf(a), await orgOf(a), await orgOf(b)];
    expect(a1.body.id).toEqual(a2.body.id);
    expect(a1.body.id).not.toEqual(b1.body.id);
  });

  it('needs a token like every API route', async () => {
    const e = await startEmulator({});
    started.push(e);
    const res = await fetch(`${e.baseUrl}/api/v2/organizations/me`);
    expect(res.status).toBe(401);
  });
});
