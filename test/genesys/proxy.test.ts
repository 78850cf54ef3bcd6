import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../src/common/clock.ts';
import { GenesysError } from '../../src/genesys/errors.ts';
import { proxyFor } from '../../src/genesys/http-failures.ts';
import { HttpClient } from '../../src/genesys/http.ts';

describe('proxyFor', () => {
  it('names the proxy and the variable, never its credentials', () => {
    const env = { HTTPS_PROXY: 'http://alice:pa55word@proxy.corp:3128' };
    expect(proxyFor('https://api.mypurecloud.com/api/v2/flows', env)).toBe(
      'through the proxy proxy.corp:3128 from HTTPS_PROXY'
    );
  });

  it('follows the order undici reads: https_proxy, HTTPS_PROXY, then http_proxy / HTTP_PROXY', () => {
    expect(proxyFor('https://a.example/x', { HTTP_PROXY: 'http://p:1' })).toBe('through the proxy p:1 from HTTP_PROXY');
    expect(proxyFor('http://a.example/x', { HTTPS_PROXY: 'http://p:1' })).toBeUndefined();
    expect(proxyFor('https://a.example/x', { https_proxy: 'http://q:2', HTTPS_PROXY: 'http://p:1' })).toBe(
      'through the proxy q:2 from https_proxy'
    );
  });

  it('honours NO_PROXY (exact host, domain suffix, port, *)', () => {
    const url = 'https://api.mypurecloud.com/api/v2/flows';
    const proxy = { HTTPS_PROXY: 'http://p:1' };
    expect(proxyFor(url, { ...proxy, NO_PROXY: 'api.mypurecloud.com' })).toBeUndefined();
    expect(proxyFor(url, { ...proxy, NO_PROXY: '.mypurecloud.com' })).toBeUndefined();
    expect(proxyFor(url, { ...proxy, NO_PROXY: 'mypurecloud.com:8443' })).toBeDefined();
    expect(proxyFor(url, { ...proxy, NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFor(url, { ...proxy, NO_PROXY: 'other.example' })).toBeDefined();
  });
});

describe('a dead proxy', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('is reported as the proxy from HTTPS_PROXY, without its credentials', async () => {
    delete process.env.https_proxy;
    delete process.env.no_proxy;
    delete process.env.NO_PROXY;
    process.env.HTTPS_PROXY = 'http://alice:pa55word@127.0.0.1:9';
    const http = new HttpClient({ clock: new FakeClock(), rateLimitPerMinute: 0, maxAttempts: 1 });
    let error: unknown;
    try {
      await http.request({ method: 'GET', url: 'https://api.mypurecloud.com/api/v2/flows' });
    } catch (e) {
      error = e;
    } finally {
      await http.close();
    }
    expect(error).toBeInstanceOf(GenesysError);
    const message = (error as Error).message;
    expect(message).toContain('through the proxy 127.0.0.1:9 from HTTPS_PROXY');
    expect(message).not.toContain('pa55word');
    expect(message).not.toContain('alice');
  });
});
