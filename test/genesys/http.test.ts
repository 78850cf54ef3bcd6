import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { FakeClock } from '../../src/common/clock.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import { HttpClient } from '../../src/genesys/http.ts';
import { parseRetryAfter } from '../../src/genesys/http-retry.ts';
import { endpointKey } from '../../src/genesys/http-urls.ts';
import type { HttpOptions } from '../../src/genesys/http.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import { API, json, mockGenesys, netError } from './helpers.ts';
import type { Handler } from './helpers.ts';

function setup(handler: Handler, opts: Partial<HttpOptions> = {}) {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const mock = mockGenesys(handler, clock);
  const http = new HttpClient({
    clock,
    logger,
    dispatcher: mock.agent,
    rateLimitPerMinute: 0,
    random: () => 1,
    ...opts
  });
  return { clock, logger, http, requests: mock.requests, start: clock.now() };
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

const ok = () => json(200, { id: 'x' });

describe('429 handling', () => {
  it('waits Retry-After given in seconds, then succeeds', async () => {
    let n = 0;
    const t = setup(() => (++n === 1 ? json(429, { message: 'slow down' }, { 'retry-after': '3' }) : ok()));
    const res = await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/abc` });
    expect(res.json).toEqual({ id: 'x' });
    expect(t.clock.sleeps).toEqual([3000]);
    expect(t.http.stats()).toMatchObject({ calls: 2, retries: 1, throttled: 1 });
    expect(t.logger.text()).toMatch(/rate-limited \(429\); waiting 3 s \(Retry-After\)/);
  });

  it('waits Retry-After given as an HTTP-date, relative to the clock', async () => {
    let n = 0;
    const clockStart = new FakeClock().now();
    const date = new Date(clockStart + 7000).toUTCString();
    const t = setup(() => (++n === 1 ? json(429, {}, { 'retry-after': date }) : ok()));
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows` });
    expect(t.clock.sleeps).toEqual([7000]);
  });

  it('falls back to inin-ratelimit-reset, then to backoff', async () => {
    let n = 0;
    const t = setup(() => {
      n++;
      if (n === 1) return json(429, {}, { 'inin-ratelimit-reset': '4' });
      if (n === 2) return json(429, {});
      return ok();
    });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows` });
    // Second 429 has no hint: backoff for retry #2 = min(cap, 500 * 2) with random() = 1.
    expect(t.clock.sleeps).toEqual([4000, 1000]);
    expect(t.http.stats().throttled).toBe(2);
  });

  it('fails fast with kind budget when Retry-After exceeds the remaining budget, without waiting', async () => {
    const t = setup(() => json(429, {}, { 'retry-after': '300' }), { budgetMs: 120_000 });
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.kind).toBe('budget');
    expect(e.status).toBe(429);
    expect(e.message).toContain('300 s');
    expect(e.message).toContain('120 s');
    expect(t.requests).toHaveLength(1);
    expect(t.clock.sleeps).toEqual([]);
    expect(t.clock.now() - t.start).toBe(0);
  });

  it('spends the budget on earlier waits and fails at the first wait that no longer fits', async () => {
    const t = setup(() => json(429, {}, { 'retry-after': '50' }), { budgetMs: 120_000 });
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.kind).toBe('budget');
    expect(t.clock.sleeps).toEqual([50_000, 50_000]);
    expect(t.clock.now() - t.start).toBe(100_000);
    expect(e.message).toMatch(/only 20 s of the 120 s budget remain/);
    expect(t.requests).toHaveLength(3);
  });

  it('retries a POST on 429 (the request was rejected, not processed)', async () => {
    let n = 0;
    const t = setup(() => (++n === 1 ? json(429, {}, { 'retry-after': '1' }) : ok()));
    await t.http.request({ method: 'POST', url: `${API}/api/v2/flows/jobs` });
    expect(t.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it('parses Retry-After forms', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('5xx and network retries', () => {
  it('backs off exponentially up to the cap, then gives up with the last status', async () => {
    const t = setup(() => json(503, { message: 'unavailable', code: 'service.unavailable' }), {
      maxAttempts: 9,
      budgetMs: 10 * 60_000
    });
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows/abc` }));
    expect(t.clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    expect(e.kind).toBe('http');
    expect(e.status).toBe(503);
    expect(e.message).toContain('gave up after 9 attempt(s)');
    expect(t.http.stats()).toMatchObject({ calls: 9, retries: 8, throttled: 0 });
  });

  it('applies jitter between half and all of the exponential delay', async () => {
    const low = setup(() => json(502, {}), { maxAttempts: 4, random: () => 0 });
    await failure(low.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(low.clock.sleeps).toEqual([250, 500, 1000]);
  });

  it('stops retrying when the next backoff would exceed the budget', async () => {
    const t = setup(() => json(504, {}), { maxAttempts: 20, budgetMs: 10_000 });
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    // 500 + 1000 + 2000 + 4000 = 7500 spent; the next 8000 does not fit in 10 s.
    expect(t.clock.sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(e.status).toBe(504);
  });

  it('retries GET after a connection reset', async () => {
    let n = 0;
    const t = setup(() => {
      if (++n === 1) throw netError('ECONNRESET', 'socket hang up');
      return ok();
    });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/abc` });
    expect(t.requests).toHaveLength(2);
    expect(t.logger.text()).toMatch(/ECONNRESET; retrying in 0\.5 s/);
  });

  it('does not retry a 500 (only 502/503/504 are transient)', async () => {
    const t = setup(() => json(500, { message: 'boom' }));
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.status).toBe(500);
    expect(t.requests).toHaveLength(1);
  });
});

describe('ambiguous POSTs are never re-sent', () => {
  it('a POST answered 504 fails with outcomeUnknown after exactly one request', async () => {
    const t = setup(() => json(504, { message: 'gateway timeout' }));
    const e = await failure(t.http.request({ method: 'POST', url: `${API}/api/v2/flows/actions/publish?flow=f1` }));
    expect(e.outcomeUnknown).toBe(true);
    expect(e.status).toBe(504);
    expect(e.message).toMatch(/not re-sent/);
    expect(t.requests).toHaveLength(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it('a POST whose connection is reset after sending fails with outcomeUnknown after one request', async () => {
    const t = setup(() => {
      throw netError('ECONNRESET', 'other side closed');
    });
    const e = await failure(t.http.request({ method: 'POST', url: `${API}/api/v2/flows/executions`, body: '{}' }));
    expect(e.outcomeUnknown).toBe(true);
    expect(e.kind).toBe('network');
    expect(t.requests).toHaveLength(1);
  });

  it('a POST refused before sending (ECONNREFUSED) is retried', async () => {
    let n = 0;
    const t = setup(() => {
      if (++n === 1) throw netError('ECONNREFUSED', 'connect ECONNREFUSED');
      return ok();
    });
    await t.http.request({ method: 'POST', url: `${API}/api/v2/flows/jobs` });
    expect(t.requests).toHaveLength(2);
  });

  it('a POST marked idempotent (a query) is retried on 503', async () => {
    let n = 0;
    const t = setup(() => (++n === 1 ? json(503, {}) : ok()));
    await t.http.request({ method: 'POST', url: `${API}/api/v2/analytics/flows/aggregates/query`, idempotent: true });
    expect(t.requests).toHaveLength(2);
  });

  it('over a real socket: the server reads the POST and drops the connection → one request, outcomeUnknown', async () => {
    let seen = 0;
    const server = createServer((req) => {
      seen++;
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dispatcher = new Agent();
    try {
      const http = new HttpClient({ clock: new FakeClock(), dispatcher, rateLimitPerMinute: 0 });
      const e = await failure(
        http.request({
          method: 'POST',
          url: `http://127.0.0.1:${port}/api/v2/flows/executions`,
          body: '{"flowId":"f"}'
        })
      );
      expect(e.outcomeUnknown).toBe(true);
      expect(seen).toBe(1);
    } finally {
      await dispatcher.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('over a real socket: a timeout after sending a POST is outcomeUnknown; a GET is retried then fails with kind timeout', async () => {
    let seen = 0;
    const server = createServer(() => {
      seen++; // never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dispatcher = new Agent();
    try {
      // The per-request timeout is a real timer (it guards real I/O). After the process was descheduled for longer
      // than it, the timer fires before the loop reads the socket: 400 ms leaves a loaded machine that margin.
      const http = new HttpClient({
        clock: new FakeClock(),
        dispatcher,
        rateLimitPerMinute: 0,
        timeoutMs: 400,
        maxAttempts: 2
      });
      const post = await failure(http.request({ method: 'POST', url: `http://127.0.0.1:${port}/api/v2/flows/jobs` }));
      expect(post.kind).toBe('timeout');
      expect(post.outcomeUnknown).toBe(true);
      expect(seen).toBe(1);
      const get = await failure(http.request({ method: 'GET', url: `http://127.0.0.1:${port}/api/v2/flows` }));
      expect(get.kind).toBe('timeout');
      expect(get.outcomeUnknown).toBe(false);
      expect(seen).toBe(3);
    } finally {
      await dispatcher.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('over a real socket: a refused connection is retried (even for a POST) and ends as kind network', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const dispatcher = new Agent();
    const clock = new FakeClock();
    try {
      const http = new HttpClient({ clock, dispatcher, rateLimitPerMinute: 0, maxAttempts: 3, random: () => 1 });
      const e = await failure(http.request({ method: 'POST', url: `http://127.0.0.1:${port}/oauth/token` }));
      expect(e.kind).toBe('network');
      expect(e.outcomeUnknown).toBe(false);
      expect(e.message).toContain('ECONNREFUSED');
      expect(clock.sleeps).toEqual([500, 1000]);
    } finally {
      await dispatcher.close();
    }
  });
});

describe('responses and error mapping', () => {
  it('maps an HTML error page to kind http with the status and a short message, no HTML', async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'<p>nginx</p>'.repeat(200)}</body></html>`;
    const t = setup(() => ({ status: 500, body: page, headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.kind).toBe('http');
    expect(e.status).toBe(500);
    expect(e.message).toContain('HTML page');
    expect(e.message).toContain('502 Bad Gateway');
    expect(e.message).not.toContain('<p>');
    expect(e.message.length).toBeLessThan(400);
  });

  it('maps a non-JSON 200 to kind shape before parsing', async () => {
    const t = setup(() => ({
      status: 200,
      body: '<html>login portal</html>',
      headers: { 'content-type': 'text/html' }
    }));
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.kind).toBe('shape');
    expect(e.status).toBe(200);
    expect(e.message).toContain('instead of JSON');
    expect(e.message).not.toContain('login portal');
  });

  it('maps a JSON content type with an invalid body to kind shape', async () => {
    const t = setup(() => ({ status: 200, body: '{"id":', headers: { 'content-type': 'application/json' } }));
    const e = await failure(t.http.request({ method: 'GET', url: `${API}/api/v2/flows` }));
    expect(e.kind).toBe('shape');
  });

  it('maps a Genesys error body: status, code, message, details, errors, contextId and ININ-Correlation-Id', async () => {
    const body = {
      message: 'The request could not be understood by the server due to malformed syntax.',
      code: 'bad.request',
      status: 400,
      contextId: 'ctx-123',
      details: [{ errorCode: 'flow.name.invalid', fieldName: 'name', entityId: 'f1' }],
      errors: [{ message: 'name must not be empty', code: 'empty' }]
    };
    const t = setup(() => json(400, body, { 'ININ-Correlation-Id': 'corr-789' }));
    const e = await failure(t.http.request({ method: 'POST', url: `${API}/api/v2/flows/validate/jobs`, body: '{}' }));
    expect(e).toMatchObject({
      kind: 'http',
      status: 400,
      code: 'bad.request',
      contextId: 'ctx-123',
      correlationId: 'corr-789',
      method: 'POST',
      path: '/api/v2/flows/validate/jobs',
      details: body.details,
      errors: body.errors
    });
    expect(e.message).toContain('bad.request');
    expect(e.message).toContain('flow.name.invalid field name');
    expect(e.message).toContain('name must not be empty');
    expect(e.toJSON()).toMatchObject({ correlationId: 'corr-789', code: 'bad.request' });
  });

  it('does not follow redirects', async () => {
    const t = setup((r) =>
      r.path.startsWith('/elsewhere')
        ? ok()
        : { status: 302, headers: { location: 'https://evil.example.com/elsewhere?sig=abc' } }
    );
    const e = await failure(
      t.http.request({ method: 'GET', url: `${API}/api/v2/flows`, headers: { authorization: 'Bearer t' } })
    );
    expect(e.status).toBe(302);
    expect(e.message).toContain('not followed');
    expect(e.message).not.toContain('sig=abc');
    expect(t.requests).toHaveLength(1);
  });

  it('returns raw bytes and discards bodies on request', async () => {
    const t = setup(() => ({
      status: 200,
      body: Buffer.from('a: 1\n'),
      headers: { 'content-type': 'application/octet-stream' }
    }));
    const r = await t.http.request({ method: 'GET', url: `${API}/x`, responseType: 'bytes' });
    expect(r.bytes?.toString()).toBe('a: 1\n');
    const n = await t.http.request({ method: 'DELETE', url: `${API}/api/v2/flows/f1`, responseType: 'none' });
    expect(n.status).toBe(200);
    expect(n.json).toBeUndefined();
  });
});

describe('counters and pacing', () => {
  it('templates endpoint keys', () => {
    expect(endpointKey('GET', `${API}/api/v2/flows/1b2c3d4e-aaaa-bbbb-cccc-1234567890ab`)).toBe(
      'GET /api/v2/flows/{id}'
    );
    expect(endpointKey('GET', `${API}/api/v2/flows/abc/versions/14.0/configuration`)).toBe(
      'GET /api/v2/flows/{id}/versions/{id}/configuration'
    );
    expect(endpointKey('POST', `${API}/api/v2/flows/actions/publish?flow=x`)).toBe(
      'POST /api/v2/flows/actions/publish'
    );
    expect(endpointKey('GET', `${API}/api/v2/flows/export/jobs/job-1?expand=messages`)).toBe(
      'GET /api/v2/flows/export/jobs/{id}'
    );
    expect(endpointKey('GET', `${API}/api/v2/flows/jobs/j9`)).toBe('GET /api/v2/flows/jobs/{id}');
    expect(endpointKey('GET', `${API}/api/v2/flows/executions/e1`)).toBe('GET /api/v2/flows/executions/{id}');
  });

  it('counts calls by endpoint template', async () => {
    const t = setup(() => ok());
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/a1` });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/b2` });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows?name=x` });
    expect(t.http.stats().callsByEndpoint).toEqual({ 'GET /api/v2/flows/{id}': 2, 'GET /api/v2/flows': 1 });
    expect(t.http.stats().calls).toBe(3);
  });

  function maxInAnyMinute(times: number[]): number {
    let max = 0;
    for (const t0 of times) max = Math.max(max, times.filter((t) => t >= t0 && t < t0 + 60_000).length);
    return max;
  }

  it('paces sequential calls to at most N per sliding minute on the clock', async () => {
    const t = setup(() => ok(), { rateLimitPerMinute: 10 });
    for (let i = 0; i < 25; i++) await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/f${i}` });
    const times = t.requests.map((r) => r.at);
    expect(times).toHaveLength(25);
    expect(maxInAnyMinute(times)).toBe(10);
    // Without pacing all 25 would have gone at once; with it the last batch starts two minutes in.
    expect((times[24] as number) - t.start).toBeGreaterThanOrEqual(120_000);
  });

  it('starts the retry budget after pacing, so a queued call still gets its full budget', async () => {
    let n = 0;
    const t = setup(() => (++n === 2 ? json(429, {}, { 'retry-after': '5' }) : ok()), {
      rateLimitPerMinute: 1,
      budgetMs: 10_000
    });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/a` });
    await t.http.request({ method: 'GET', url: `${API}/api/v2/flows/b` });
    expect(t.clock.sleeps).toEqual([60_000, 5000, 55_000]);
    expect(t.requests).toHaveLength(3);
  });

  it('shares the window among concurrent calls', async () => {
    const t = setup(() => ok(), { rateLimitPerMinute: 7 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.http.request({ method: 'GET', url: `${API}/api/v2/flows/f${i}` }))
    );
    expect(t.requests).toHaveLength(20);
    expect(maxInAnyMinute(t.requests.map((r) => r.at))).toBeLessThanOrEqual(7);
  });
});

describe('default dispatcher', () => {
  it('honours HTTP_PROXY / NO_PROXY from the environment', async () => {
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"via":"proxy"}');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as AddressInfo).port;
    const saved = {
      HTTP_PROXY: process.env.HTTP_PROXY,
      http_proxy: process.env.http_proxy,
      NO_PROXY: process.env.NO_PROXY,
      no_proxy: process.env.no_proxy
    };
    delete process.env.http_proxy;
    delete process.env.no_proxy;
    process.env.HTTP_PROXY = `http://127.0.0.1:${port}`;
    process.env.NO_PROXY = '';
    const http = new HttpClient({ clock: new FakeClock(), rateLimitPerMinute: 0, maxAttempts: 1 });
    try {
      // Nothing listens on 127.0.0.2:9; only the proxy can answer.
      const res = await http.request({ method: 'GET', url: 'http://127.0.0.2:9/api/v2/flows' });
      expect(res.json).toEqual({ via: 'proxy' });
      expect(seen).toEqual(['http://127.0.0.2:9/api/v2/flows']);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await http.close();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });
});
