// The in-process mutation hooks (the fault suite's kill points): `received` sees each mutating request once its body
// is read and before any work, and may drop it; `answered` sees it right after its answer. Reads are not observed.
import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator, type RequestRecord } from '../../emulator/server.ts';

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

async function tokenOf(e: Emulator): Promise<string> {
  const basic = Buffer.from(`${e.clientId}:${e.clientSecret}`).toString('base64');
  const login = await fetch(`${e.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials'
  });
  return ((await login.json()) as { access_token: string }).access_token;
}

describe('emulator mutation hooks', () => {
  it('observes mutating requests before and after their answer, and drops one on request', async () => {
    const seen: string[] = [];
    let drop = true;
    const e = await startEmulator({
      hooks: {
        received: (r: RequestRecord) => {
          seen.push(`received ${r.key}`);
          if (drop) {
            drop = false;
            return 'drop';
          }
          return undefined;
        },
        answered: (r: RequestRecord) => {
          seen.push(`answered ${r.key} ${r.status}`);
        }
      }
    });
    started.push(e);
    const auth = { authorization: `Bearer ${await tokenOf(e)}`, 'content-type': 'application/json' };
    const register = () =>
      fetch(`${e.baseUrl}/api/v2/flows/jobs`, { method: 'POST', headers: auth, body: '{}' }).then((r) => r.status);
    await expect(register()).rejects.toThrow();
    expect(e.state().jobs).toHaveLength(0);
    expect(await register()).toBe(200);
    expect(e.state().jobs).toHaveLength(1);
    expect((await fetch(`${e.baseUrl}/api/v2/flows`, { headers: auth })).status).toBe(200);
    expect(seen).toEqual([
      'received POST /api/v2/flows/jobs',
      'received POST /api/v2/flows/jobs',
      'answered POST /api/v2/flows/jobs 200'
    ]);
    expect(e.mutatingRequests().map((r) => r.reset ?? false)).toEqual([true, false]);
  });
});
