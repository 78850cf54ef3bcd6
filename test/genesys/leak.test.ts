// A whole client session with a known secret and known tokens, including a server that echoes credentials back in its
// error bodies: neither the secret, the tokens, nor the Basic header value may appear in any log line or error.
import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { FakeClock } from '../../src/common/clock.ts';
import { GenesysClient } from '../../src/genesys/client.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { API, isToken, json, LOGIN, mockGenesys, STORAGE } from './helpers.ts';
import type { Reply, SeenRequest } from './helpers.ts';

const CLIENT_ID = 'leak-test-client';
const SECRET = 'Leak-Secret-9f8e7d6c5b4a';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
const TOKENS = ['eyJhbGciOiJIUzI1NiJ9.LEAKTOKEN-ONE.sig1', 'eyJhbGciOiJIUzI1NiJ9.LEAKTOKEN-TWO.sig2'];
const SIGNATURE = 'X-Amz-Signature=deadbeefcafe0123';

describe('no secret leaks', () => {
  it('keeps the secret, the Basic value and every token out of all log lines and errors of a session', async () => {
    const clock = new FakeClock();
    const logger = new MemoryLogger();
    let issued = 0;
    let configCalls = 0;
    let listCalls = 0;
    const handler = (r: SeenRequest): Reply => {
      if (isToken(r))
        return json(200, { access_token: TOKENS[issued++ % 2], token_type: 'bearer', expires_in: 86_400 });
      const auth = r.headers.authorization ?? '';
      if (r.path.startsWith('/api/v2/flows?')) {
        // One throttled answer first, then a page.
        if (listCalls++ === 0) return json(429, { message: 'rate limited' }, { 'retry-after': '2' });
        return json(200, { entities: [{ id: 'f1', name: 'Support IVR', type: 'INBOUNDCALL' }], pageCount: 1 });
      }
      if (r.path === '/api/v2/flows/f1') return json(200, { id: 'f1', name: 'Support IVR', type: 'INBOUNDCALL' });
      if (r.path === '/api/v2/flows/bad') {
        // A hostile/buggy server echoing the credentials it received.
        return json(
          400,
          {
            message: `bad request for ${auth} (token ${auth.replace('Bearer ', '')})`,
            code: 'bad.request',
            details: [{ errorCode: 'echo', fieldName: auth }],
            errors: [{ message: `secret was ${SECRET} basic ${BASIC}` }]
          },
          { 'inin-correlation-id': 'corr-1' }
        );
      }
      if (r.path.startsWith('/api/v2/flows/f1/versions/1.0/configuration')) {
        // The first token is revoked server-side: exactly one renewal follows.
        if (configCalls++ === 0)
          return json(401, { message: `token ${auth} expired`, code: 'authentication.required' });
        return json(200, { flowSequenceItemList: [] });
      }
      if (r.path === '/api/v2/flows/executions') return json(504, { message: `gateway timeout for ${auth}` });
      if (r.path === '/api/v2/flows/jobs') {
        return json(200, { id: 'j1', presignedUrl: `${STORAGE}/upload/j1?${SIGNATURE}`, headers: {} });
      }
      if (r.origin === STORAGE)
        return { status: 500, body: `failed ${SIGNATURE} ${SECRET}`, headers: { 'content-type': 'text/plain' } };
      return json(404, { message: 'not found' });
    };
    const mock = mockGenesys(handler, clock);
    const client = new GenesysClient({
      apiUrl: API,
      loginUrl: LOGIN,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      clock,
      logger,
      dispatcher: mock.agent,
      rateLimitPerMinute: 0,
      random: () => 0.5,
      onSecret: (v) => logger.setSecret(v)
    });

    const errors: unknown[] = [];
    const attempt = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(e);
      }
    };
    await client.getFlow('f1');
    await client.findFlowsByName('Support IVR', 'inboundcall');
    await attempt(client.getFlow('bad'));
    await client.getFlowVersionConfiguration('f1', '1.0');
    await attempt(client.launchExecution({ flowId: 'f1' }));
    const job = await client.registerArchitectJob();
    await attempt(client.uploadArchitectJobFile(job, 'inboundCall:\n  name: Support IVR\n'));

    // A second client whose token endpoint rejects it and echoes the Basic header back.
    const badMock = mockGenesys(
      (r) => json(401, { error: 'invalid_client', error_description: `bad credentials ${r.headers.authorization}` }),
      clock
    );
    const bad = new GenesysClient({
      apiUrl: API,
      loginUrl: LOGIN,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      clock,
      logger,
      dispatcher: badMock.agent,
      rateLimitPerMinute: 0,
      onSecret: (v) => logger.setSecret(v)
    });
    await attempt(bad.getFlow('f1'));

    // The session really happened: renewal, throttling, the failures and the masking calls.
    expect(issued).toBe(2);
    expect(errors).toHaveLength(4);
    expect(client.stats().throttled).toBe(1);
    expect(logger.secrets).toEqual(expect.arrayContaining([SECRET, BASIC, ...TOKENS]));
    expect(mock.requests.some((r) => r.headers.authorization === `Bearer ${TOKENS[1]}`)).toBe(true);

    const texts = [
      logger.text(),
      ...errors.flatMap((e) => [
        String((e as Error).message),
        JSON.stringify(e),
        String((e as Error).stack),
        inspect(e, { depth: 5 })
      ])
    ];
    const forbidden = [SECRET, BASIC, ...TOKENS, 'LEAKTOKEN', SIGNATURE, encodeURIComponent(SECRET)];
    for (const text of texts) {
      for (const f of forbidden) expect(text).not.toContain(f);
    }
    // The errors still say what happened.
    expect(errors).toEqual([
      expect.objectContaining({ kind: 'http', status: 400, code: 'bad.request', correlationId: 'corr-1' }),
      expect.objectContaining({ status: 504, outcomeUnknown: true }),
      expect.objectContaining({ status: 500, method: 'PUT' }),
      expect.objectContaining({ kind: 'auth', code: 'invalid_client' })
    ]);
    expect(logger.text().length).toBeGreaterThan(0);
  });
});
