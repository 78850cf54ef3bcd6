// GET /api/v2/organizations/me: the org id keys the release ledger, so its response is checked like every other.
import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { GenesysClient } from '../../src/genesys/client.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { API, isToken, json, LOGIN, mockGenesys, tokenIssuer } from './helpers.ts';
import type { Reply, SeenRequest } from './helpers.ts';

function setup(handler: (r: SeenRequest) => Reply) {
  const clock = new FakeClock();
  const tokens = tokenIssuer();
  const mock = mockGenesys((r) => (isToken(r) ? tokens.reply() : handler(r)), clock);
  const client = new GenesysClient({
    apiUrl: API,
    loginUrl: LOGIN,
    clientId: 'client-id-org',
    clientSecret: 'S3cr3t-org-value',
    clock,
    logger: new MemoryLogger(),
    dispatcher: mock.agent,
    rateLimitPerMinute: 0,
    random: () => 1
  });
  return { client, api: () => mock.requests.filter((r) => !isToken(r)) };
}

describe('getOrganization', () => {
  it('reads the org id and name from GET /api/v2/organizations/me with the bearer token', async () => {
    const t = setup(() => json(200, { id: 'org-123', name: 'Acme', domain: 'acme', thirdPartyOrgName: 'x' }));
    await expect(t.client.getOrganization()).resolves.toEqual({ id: 'org-123', name: 'Acme' });
    const [req] = t.api();
    expect(t.api()).toHaveLength(1);
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/api/v2/organizations/me');
    expect(req?.headers.authorization).toBe('Bearer tok-1-abcdefgh');
  });

  it('returns only the id when the org has no name', async () => {
    const t = setup(() => json(200, { id: 'org-123' }));
    await expect(t.client.getOrganization()).resolves.toEqual({ id: 'org-123' });
  });

  it.each([{ name: 'Acme' }, { id: '' }, { id: 42 }])('a body without a usable id (%j) is a shape error', async (b) => {
    const t = setup(() => json(200, b));
    const e = await t.client.getOrganization().then(
      () => undefined,
      (x: unknown) => x
    );
    expect(e).toBeInstanceOf(GenesysError);
    expect((e as GenesysError).kind).toBe('shape');
    expect((e as GenesysError).message).toContain('/api/v2/organizations/me');
  });

  it('a 403 is a typed http error', async () => {
    const t = setup(() => json(403, { status: 403, code: 'missing.permissions', message: 'no' }));
    const e = await t.client.getOrganization().then(
      () => undefined,
      (x: unknown) => x
    );
    expect(e).toBeInstanceOf(GenesysError);
    expect((e as GenesysError).status).toBe(403);
  });
});
