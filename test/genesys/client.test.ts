import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { renewalMargin } from '../../src/genesys/auth.ts';
import { createGenesysClient, GenesysClient } from '../../src/genesys/client.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { API, buildZip, isToken, json, LOGIN, mockGenesys, STORAGE, tokenIssuer } from './helpers.ts';
import type { Reply, SeenRequest } from './helpers.ts';

const CLIENT_ID = 'client-id-1';
const SECRET = 'S3cr3t-value-xyz';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');

function setup(
  handler: (r: SeenRequest) => Reply,
  opts: { expiresIn?: number; token?: (r: SeenRequest) => Reply } = {}
) {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const tokens = tokenIssuer(opts.expiresIn);
  const secrets: string[] = [];
  const mock = mockGenesys((r) => (isToken(r) ? (opts.token ?? tokens.reply)(r) : handler(r)), clock);
  const client = new GenesysClient({
    apiUrl: API,
    loginUrl: LOGIN,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    clock,
    logger,
    dispatcher: mock.agent,
    rateLimitPerMinute: 0,
    random: () => 1,
    onSecret: (v) => secrets.push(v)
  });
  const api = () => mock.requests.filter((r) => !isToken(r));
  const tokenRequests = () => mock.requests.filter(isToken);
  return { clock, logger, client, tokens, secrets, requests: mock.requests, api, tokenRequests };
}

async function failure(p: Promise<unknown>): Promise<GenesysError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GenesysError);
    return e as GenesysError;
  }
  throw new Error('expected a GenesysError');
}

const flow = (id: string, name: string, type = 'INBOUNDCALL') => ({ id, name, type, publishedVersion: { id: '3.0' } });

describe('token', () => {
  it('requests a client-credentials token with Basic auth once and reuses it', async () => {
    const t = setup(() => json(200, flow('f1', 'A')));
    await t.client.getFlow('f1');
    await t.client.getFlow('f1');
    const [tok] = t.tokenRequests();
    expect(t.tokenRequests()).toHaveLength(1);
    expect(tok?.method).toBe('POST');
    expect(tok?.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(tok?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tok?.body).toBe('grant_type=client_credentials');
    expect(t.api().map((r) => r.headers.authorization)).toEqual(['Bearer tok-1-abcdefgh', 'Bearer tok-1-abcdefgh']);
    // Secrets are handed to the masker at once: secret and Basic value before any request, then the token.
    expect(t.secrets).toEqual([SECRET, BASIC, 'tok-1-abcdefgh']);
  });

  it('renews when less than max(60 s, 10 %) of the lifetime remains', async () => {
    const t = setup(() => json(200, flow('f1', 'A')), { expiresIn: 3600 });
    expect(renewalMargin(3_600_000)).toBe(360_000);
    expect(renewalMargin(86_400_000)).toBe(8_640_000);
    expect(renewalMargin(300_000)).toBe(60_000);
    expect(renewalMargin(30_000)).toBe(15_000); // a very short token is still used for half its life
    await t.client.getFlow('f1');
    t.clock.advance(3_600_000 - 360_000 - 1);
    await t.client.getFlow('f1');
    expect(t.tokenRequests()).toHaveLength(1);
    t.clock.advance(2);
    await t.client.getFlow('f1');
    expect(t.tokenRequests()).toHaveLength(2);
    expect(t.api()[2]?.headers.authorization).toBe('Bearer tok-2-abcdefgh');
  });

  it('shares one in-flight token request among concurrent callers', async () => {
    const t = setup(() => json(200, flow('f1', 'A')));
    await Promise.all([t.client.getFlow('f1'), t.client.getFlow('f2'), t.client.getFlow('f3')]);
    expect(t.tokenRequests()).toHaveLength(1);
  });

  it('on a 401 drops the token, renews once and retries once', async () => {
    const t = setup((r) =>
      r.headers.authorization === 'Bearer tok-1-abcdefgh'
        ? json(401, { message: 'Authentication failed', code: 'authentication.required', status: 401 })
        : json(200, flow('f1', 'A'))
    );
    const f = await t.client.getFlow('f1');
    expect(f.id).toBe('f1');
    expect(t.tokenRequests()).toHaveLength(2);
    expect(t.api()).toHaveLength(2);
    expect(t.client.stats()).toMatchObject({ calls: 4, retries: 1 });
    expect(t.logger.text()).toContain('401 Unauthorized; renewing the access token and retrying once');
  });

  it('a second 401 is an auth error, not a loop', async () => {
    const t = setup(() => json(401, { message: 'Authentication failed', code: 'authentication.required' }));
    const e = await failure(t.client.publishFlow('f1'));
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/freshly issued token was rejected too/);
    expect(t.tokenRequests()).toHaveLength(2);
    expect(t.api()).toHaveLength(2);
  });

  it('invalid_client fails fast with a fix-it message', async () => {
    const t = setup(() => json(200, {}), {
      token: () =>
        json(401, { error: 'invalid_client', description: 'client not found', error_description: 'client not found' })
    });
    const e = await failure(t.client.getFlow('f1'));
    expect(e.kind).toBe('auth');
    expect(e.code).toBe('invalid_client');
    expect(e.message).toMatch(/client-id and client-secret/);
    expect(e.message).toMatch(/Client Credentials grant/);
    expect(e.message).toMatch(/region/);
    expect(t.tokenRequests()).toHaveLength(1);
    expect(t.api()).toHaveLength(0);
  });

  it('a token response without access_token is a shape error', async () => {
    const t = setup(() => json(200, {}), { token: () => json(200, { token_type: 'bearer' }) });
    expect((await failure(t.client.getFlow('f1'))).kind).toBe('shape');
  });
});

describe('endpoints', () => {
  it('maps an unknown enum value to a typed shape error naming the endpoint and the field', async () => {
    const t = setup(() => json(200, { id: 'j1', status: 'Queued' }));
    const e = await failure(t.client.getArchitectJob('j1'));
    expect(e.kind).toBe('shape');
    expect(e.message).toContain('GET /api/v2/flows/jobs/{id}');
    expect(e.message).toContain('unknown value "Queued" at status');
    expect(e.message).toContain('Registered, Started, Success, Failure');
  });

  it('names nested paths and missing fields', async () => {
    const t = setup(() => json(200, { entities: [flow('a', 'A'), { id: 'b' }], pageCount: 1 }));
    const e = await failure(t.client.listFlows());
    expect(e.message).toContain('missing string at entities[1].name');
  });

  it('findFlowsByName reads every page and filters by exact name and (UPPERCASE) type', async () => {
    const t = setup((r) => {
      const q = new URL(r.path, API).searchParams;
      const page = Number(q.get('pageNumber'));
      const pages = [
        [flow('1', 'Support IVR'), flow('2', 'Support IVR 2'), flow('3', 'Support IVR', 'INBOUNDCHAT')],
        [flow('4', 'support ivr'), flow('5', 'Support IVR')]
      ];
      return json(200, { entities: pages[page - 1] ?? [], pageNumber: page, pageSize: 100, pageCount: 2, total: 5 });
    });
    const found = await t.client.findFlowsByName('Support IVR', 'inboundcall');
    expect(found.map((f) => f.id)).toEqual(['1', '5']);
    const queries = t.api().map((r) => Object.fromEntries(new URL(r.path, API).searchParams));
    expect(queries).toEqual([
      { name: 'Support IVR', type: 'inboundcall', pageSize: '100', pageNumber: '1' },
      { name: 'Support IVR', type: 'inboundcall', pageSize: '100', pageNumber: '2' }
    ]);
  });

  it('pages versions until a short page when pageCount is absent', async () => {
    const t = setup((r) => {
      const page = Number(new URL(r.path, API).searchParams.get('pageNumber'));
      const n = page === 1 ? 100 : 3;
      return json(200, { entities: Array.from({ length: n }, (_, i) => ({ id: `${page}.${i}` })) });
    });
    const versions = await t.client.listFlowVersions('f1');
    expect(versions).toHaveLength(103);
    expect(t.api()[0]?.path).toMatch(/^\/api\/v2\/flows\/f1\/versions\?/);
  });

  it('sends publish and unlock as query parameters without a body, and DELETE', async () => {
    const t = setup((r) => {
      if (r.path.startsWith('/api/v2/flows/actions/publish'))
        return json(200, { id: 'op1', complete: false, actionName: 'PUBLISH', actionStatus: 'STARTED' });
      if (r.path.startsWith('/api/v2/flows/actions/unlock')) return json(200, flow('f 1', 'A'));
      return { status: 204 };
    });
    const op = await t.client.publishFlow('f 1', '4.0');
    expect(op.actionStatus).toBe('STARTED');
    await t.client.unlockFlow('f 1');
    await t.client.deleteFlow('f 1');
    expect(t.api().map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual([
      'POST /api/v2/flows/actions/publish?flow=f%201&version=4.0 ',
      'POST /api/v2/flows/actions/unlock?flow=f%201 ',
      'DELETE /api/v2/flows/f%201 '
    ]);
  });

  it('exports explicit versions as Yaml and polls the job with messages', async () => {
    const t = setup((r) =>
      r.method === 'POST'
        ? json(200, { id: 'ex1', status: 'Registered', totalFlows: 2 })
        : json(200, { id: 'ex1', status: 'Success', downloadUrl: `${STORAGE}/exports/ex1.zip?X-Amz-Signature=abc` })
    );
    await t.client.registerExportJob([
      { flowId: 'f1', version: '3.0' },
      { flowId: 'f2', version: '7.0' }
    ]);
    expect(JSON.parse(t.api()[0]?.body ?? '')).toEqual({
      flows: [
        { flow: { id: 'f1', version: '3.0' }, exportType: 'Yaml' },
        { flow: { id: 'f2', version: '7.0' }, exportType: 'Yaml' }
      ]
    });
    const job = await t.client.getExportJob('ex1');
    expect(job.downloadUrl).toContain('ex1.zip');
    expect(t.api()[1]?.path).toBe('/api/v2/flows/export/jobs/ex1?expand=messages');
  });

  it('registers validate jobs, launches executions and queries aggregates with the documented bodies', async () => {
    const t = setup((r) => {
      if (r.path === '/api/v2/flows/validate/jobs') return json(200, { id: 'v1', status: 'Registered' });
      if (r.path === '/api/v2/flows/executions') return json(200, { id: 'e1', flowVersion: { id: '2.0' } });
      if (r.path === '/api/v2/flows/executions/e1')
        return json(200, { id: 'e1', status: 'COMPLETED', outputData: { ok: true } });
      if (r.path.startsWith('/api/v2/flows/validate/jobs/v1'))
        return json(200, { id: 'v1', status: 'Success', messages: [] });
      return json(200, {
        results: [
          {
            group: { flowVersion: '2.0' },
            data: [{ interval: 'a/b', metrics: [{ metric: 'nFlowOutcome', stats: { count: 4 } }] }]
          }
        ]
      });
    });
    await t.client.registerValidateJob([{ flowId: 'f1' }, { flowId: 'f2', version: '2.0' }]);
    expect((await t.client.getValidateJob('v1')).status).toBe('Success');
    await t.client.launchExecution({ flowId: 'f1', inputData: { customerId: 'c1' } });
    expect((await t.client.getExecution('e1')).outputData).toEqual({ ok: true });
    const agg = await t.client.queryFlowAggregates({
      interval: '2026-01-01T00:00:00Z/2026-01-01T01:00:00Z',
      groupBy: ['flowVersion'],
      filter: { type: 'and', predicates: [{ dimension: 'flowId', value: 'f1' }] },
      metrics: ['nFlowOutcome']
    });
    expect(agg.results?.[0]?.data?.[0]?.metrics[0]?.stats.count).toBe(4);
    const bodies = t.api().map((r) => (r.body ? JSON.parse(r.body) : undefined));
    expect(bodies[0]).toEqual({ flows: [{ flow: { id: 'f1' } }, { flow: { id: 'f2', version: '2.0' } }] });
    expect(bodies[2]).toEqual({ flowId: 'f1', inputData: { customerId: 'c1' } });
    expect(t.api()[4]?.path).toBe('/api/v2/analytics/flows/aggregates/query');
  });

  it('rejects an unknown metric in an aggregates response', async () => {
    const t = setup(() =>
      json(200, { results: [{ data: [{ interval: 'a/b', metrics: [{ metric: 'nBogus', stats: {} }] }] }] })
    );
    const e = await failure(
      t.client.queryFlowAggregates({ interval: 'a/b', filter: { type: 'and', predicates: [] }, metrics: ['nFlow'] })
    );
    expect(e.kind).toBe('shape');
    expect(e.message).toContain('unknown value "nBogus" at results[0].data[0].metrics[0].metric');
  });

  it('adds the roles hint to a 403', async () => {
    const t = setup(() => json(403, { message: 'Missing permission', code: 'missing.permissions' }));
    const e = await failure(t.client.registerArchitectJob());
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/roles lack a permission/);
  });
});

describe('presigned upload and export download', () => {
  it('PUTs the YAML with exactly the returned headers and no Authorization', async () => {
    const t = setup((r) => {
      if (r.path === '/api/v2/flows/jobs')
        return json(200, {
          id: 'j1',
          presignedUrl: `${STORAGE}/upload/j1?X-Amz-Signature=sig123`,
          headers: { 'x-amz-meta-job': 'j1', 'content-type': 'application/octet-stream' }
        });
      return { status: 200 };
    });
    const job = await t.client.registerArchitectJob();
    await t.client.uploadArchitectJobFile(job, 'inboundCall:\n  name: Support IVR\n');
    const put = t.requests.find((r) => r.method === 'PUT');
    expect(put?.origin).toBe(STORAGE);
    expect(put?.path).toBe('/upload/j1?X-Amz-Signature=sig123');
    expect(put?.headers.authorization).toBeUndefined();
    expect(put?.headers['x-amz-meta-job']).toBe('j1');
    expect(put?.headers['content-type']).toBe('application/octet-stream');
    expect(put?.body).toBe('inboundCall:\n  name: Support IVR\n');
    expect(t.client.stats().callsByEndpoint['PUT {presignedUrl}']).toBe(1);
  });

  it('fails on anything but 200, without the signature in the message; refuses unsafe URLs and oversize files', async () => {
    const t = setup(() => ({
      status: 403,
      body: '<Error><SignatureProvided>sig123</SignatureProvided></Error>',
      headers: { 'content-type': 'application/xml' }
    }));
    const job = { id: 'j1', presignedUrl: `${STORAGE}/upload/j1?X-Amz-Signature=sig123`, headers: {} };
    const e = await failure(t.client.uploadArchitectJobFile(job, 'x: 1'));
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/presigned URL may have expired/);
    expect(e.message).not.toContain('sig123');
    const t2 = setup(() => ({ status: 204 }));
    expect((await failure(t2.client.uploadArchitectJobFile(job, 'x: 1'))).message).toMatch(
      /answered 204, expected 200/
    );
    const insecure = await failure(
      t.client.uploadArchitectJobFile({ ...job, presignedUrl: 'http://storage.example.com/u' }, 'x')
    );
    expect(insecure.kind).toBe('config');
    const big = await failure(t.client.uploadArchitectJobFile(job, 'x'.repeat(512_001)));
    expect(big.message).toMatch(/512001 bytes/);
    expect(t.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('downloads a zip of several flows and a plain YAML body, without Authorization', async () => {
    const zip = buildZip([
      { name: 'Support IVR.yaml', content: 'inboundCall:\n  name: Support IVR\n', method: 8 },
      { name: 'Callback.yaml', content: 'workflow:\n  name: Callback\n', method: 0 }
    ]);
    const t = setup((r): Reply =>
      r.path.startsWith('/exports/many')
        ? { status: 200, body: zip, headers: { 'content-type': 'application/zip' } }
        : {
            status: 200,
            body: 'workflow:\n  name: Callback\n',
            headers: {
              'content-type': 'application/octet-stream',
              'content-disposition': 'attachment; filename="Callback.yaml"'
            }
          }
    );
    const many = await t.client.downloadExport(`${STORAGE}/exports/many.zip?sig=1`);
    expect(many).toEqual([
      { fileName: 'Support IVR.yaml', content: 'inboundCall:\n  name: Support IVR\n' },
      { fileName: 'Callback.yaml', content: 'workflow:\n  name: Callback\n' }
    ]);
    const one = await t.client.downloadExport(`${STORAGE}/exports/one?sig=2`);
    expect(one).toEqual([{ fileName: 'Callback.yaml', content: 'workflow:\n  name: Callback\n' }]);
    expect(t.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(t.tokenRequests()).toHaveLength(0);
  });

  it('a corrupt zip or an HTML page is a shape error', async () => {
    const zip = buildZip([{ name: 'a.yaml', content: 'a: 1', method: 0 }], { corruptCrcOf: 'a.yaml' });
    const t = setup((r) =>
      r.path.startsWith('/z')
        ? { status: 200, body: zip }
        : { status: 200, body: '<html>expired</html>', headers: { 'content-type': 'text/html' } }
    );
    expect((await failure(t.client.downloadExport(`${STORAGE}/z`))).message).toMatch(/CRC mismatch/);
    expect((await failure(t.client.downloadExport(`${STORAGE}/h`))).kind).toBe('shape');
  });
});

describe('createGenesysClient', () => {
  it('resolves the region and refuses bad targets before any request', () => {
    const clock = new FakeClock();
    const c = createGenesysClient({ region: 'usw2.pure.cloud', clientId: 'id', clientSecret: 'secret-1', clock });
    expect(c.apiUrl).toBe('https://api.usw2.pure.cloud');
    expect(() =>
      createGenesysClient({ region: 'nowhere.cloud', clientId: 'id', clientSecret: 'secret-1', clock })
    ).toThrow(/unknown Genesys Cloud region/);
    expect(() =>
      createGenesysClient({
        apiUrl: 'http://10.0.0.5',
        loginUrl: 'http://10.0.0.5',
        clientId: 'id',
        clientSecret: 'secret-1',
        clock
      })
    ).toThrow(/plain http/);
    expect(() => new GenesysClient({ apiUrl: API, loginUrl: LOGIN, clientId: '', clientSecret: 'x', clock })).toThrow(
      /client-id is empty/
    );
  });
});
