import { describe, expect, it } from '@jest/globals';
import { GenesysError } from '../../src/genesys/errors.ts';
import { assertSafeUrl, isLoopbackHost, REGION_DOMAINS, resolveEndpoints } from '../../src/genesys/regions.ts';

function configError(fn: () => unknown): GenesysError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GenesysError);
    expect((e as GenesysError).kind).toBe('config');
    return e as GenesysError;
  }
  throw new Error('expected a config error');
}

describe('regions', () => {
  it('knows the 18 region domains and maps each to api. and login. over https', () => {
    expect(REGION_DOMAINS).toHaveLength(18);
    expect(new Set(REGION_DOMAINS).size).toBe(18);
    for (const d of REGION_DOMAINS) {
      expect(resolveEndpoints({ region: d })).toEqual({
        region: d,
        apiUrl: `https://api.${d}`,
        loginUrl: `https://login.${d}`
      });
    }
    expect(resolveEndpoints({ region: 'edee1.eusc-pure.cloud' }).apiUrl).toBe('https://api.edee1.eusc-pure.cloud');
    expect(resolveEndpoints({ region: 'use2.us-gov-pure.cloud' }).loginUrl).toBe(
      'https://login.use2.us-gov-pure.cloud'
    );
  });

  it('accepts pasted forms of a region', () => {
    expect(resolveEndpoints({ region: ' https://api.MyPureCloud.de/ ' }).apiUrl).toBe('https://api.mypurecloud.de');
    expect(resolveEndpoints({ region: 'login.usw2.pure.cloud' }).loginUrl).toBe('https://login.usw2.pure.cloud');
  });

  it('rejects an unknown region with a message listing every valid domain', () => {
    const e = configError(() => resolveEndpoints({ region: 'mypurecloud.fr' }));
    expect(e.message).toContain('unknown Genesys Cloud region "mypurecloud.fr"');
    for (const d of REGION_DOMAINS) expect(e.message).toContain(d);
  });

  it('requires a target', () => {
    expect(configError(() => resolveEndpoints({})).message).toMatch(/set region/);
  });

  it('uses overrides, allowing plain http only to loopback', () => {
    expect(resolveEndpoints({ apiUrl: 'http://127.0.0.1:8080/', loginUrl: 'http://localhost:8080' })).toEqual({
      region: undefined,
      apiUrl: 'http://127.0.0.1:8080',
      loginUrl: 'http://localhost:8080'
    });
    expect(resolveEndpoints({ apiUrl: 'http://[::1]:9000', loginUrl: 'http://[::1]:9000' }).apiUrl).toBe(
      'http://[::1]:9000'
    );
    expect(
      resolveEndpoints({
        region: 'mypurecloud.com',
        apiUrl: 'https://gw.corp.example/genesys',
        loginUrl: 'https://gw.corp.example/login'
      })
    ).toEqual({
      region: 'mypurecloud.com',
      apiUrl: 'https://gw.corp.example/genesys',
      loginUrl: 'https://gw.corp.example/login'
    });
  });

  it('refuses http to a non-loopback host, embedded credentials and other schemes', () => {
    const http = configError(() =>
      resolveEndpoints({ apiUrl: 'http://gw.corp.example', loginUrl: 'https://login.mypurecloud.com' })
    );
    expect(http.message).toMatch(/api-url .*plain http to a non-loopback host/);
    expect(http.message).toContain('https://');
    const creds = configError(() => assertSafeUrl('https://user:hunter2pass@api.mypurecloud.com', 'api-url'));
    expect(creds.message).toMatch(/user:password@/);
    expect(creds.message).not.toContain('hunter2pass');
    expect(configError(() => assertSafeUrl('ftp://api.mypurecloud.com', 'login-url')).message).toMatch(
      /unsupported scheme "ftp:"/
    );
    expect(configError(() => assertSafeUrl('not a url', 'api-url')).message).toMatch(/not a valid absolute URL/);
    expect(configError(() => assertSafeUrl('http://127.evil.example', 'x')).kind).toBe('config');
  });

  it('derives the other URL from a Genesys api./login. host, else requires both', () => {
    expect(resolveEndpoints({ apiUrl: 'https://api.euw2.pure.cloud' })).toEqual({
      region: 'euw2.pure.cloud',
      apiUrl: 'https://api.euw2.pure.cloud',
      loginUrl: 'https://login.euw2.pure.cloud'
    });
    expect(resolveEndpoints({ loginUrl: 'https://login.mypurecloud.jp' }).apiUrl).toBe('https://api.mypurecloud.jp');
    expect(configError(() => resolveEndpoints({ apiUrl: 'https://gw.corp.example' })).message).toMatch(
      /set login-url too/
    );
    expect(configError(() => resolveEndpoints({ loginUrl: 'http://127.0.0.1:1' })).message).toMatch(/set api-url too/);
  });

  it('recognises loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.5.6.7', 'localhost', '[::1]', '::1', 'app.localhost'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['128.0.0.1', 'localhost.evil.com', '10.0.0.1', '127.0.0.1.nip.io'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
