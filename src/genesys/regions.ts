// Genesys Cloud regions and base-URL safety. Every URL the client will send the client secret, a token or flow content
// to passes `assertSafeUrl` first: https only, except plain http to a loopback host (the emulator).
import { GenesysError } from './errors.ts';

/** Region domains, from the official SDK's PureCloudRegionHosts.js. API `https://api.<d>`, login `https://login.<d>`. */
export const REGION_DOMAINS = [
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
  'mxc1.pure.cloud',
  'apse1.pure.cloud',
  'edee1.eusc-pure.cloud'
] as const;
export type RegionDomain = (typeof REGION_DOMAINS)[number];

export interface Endpoints {
  region?: string;
  apiUrl: string;
  loginUrl: string;
}

export interface EndpointInput {
  region?: string;
  apiUrl?: string;
  loginUrl?: string;
}

export function regionEndpoints(domain: RegionDomain): Endpoints {
  return { region: domain, apiUrl: `https://api.${domain}`, loginUrl: `https://login.${domain}` };
}

function normaliseRegion(region: string): string {
  // Accept what people paste: "https://api.mypurecloud.de/", "login.usw2.pure.cloud", "MyPureCloud.com".
  let r = region.trim().toLowerCase();
  r = r.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  r = r.replace(/^(api|login|apps)\./, '');
  return r;
}

function isRegionDomain(d: string): d is RegionDomain {
  return (REGION_DOMAINS as readonly string[]).includes(d);
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Parses `url` and refuses anything a secret or token must not be sent to: a non-http(s) scheme, embedded
 * credentials, or plain http to a non-loopback host. `what` names the setting in the message (e.g. "api-url").
 * The message never echoes credentials or query strings.
 */
export function assertSafeUrl(url: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GenesysError({ kind: 'config', message: `${what} is not a valid absolute URL; expected https://host` });
  }
  const shown = `${u.protocol}//${u.host}${u.pathname}`;
  if (u.username || u.password) {
    throw new GenesysError({
      kind: 'config',
      message: `${what} must not contain user:password@ credentials; remove them (client credentials are sent only as a Basic header to the login URL)`
    });
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:') {
    if (isLoopbackHost(u.hostname)) return u;
    throw new GenesysError({
      kind: 'config',
      message: `${what} ${shown} uses plain http to a non-loopback host; refused because the client secret and tokens would travel unencrypted. Use https:// (plain http is only allowed for 127.0.0.1, localhost or [::1], e.g. the emulator)`
    });
  }
  throw new GenesysError({
    kind: 'config',
    message: `${what} uses the unsupported scheme "${u.protocol}"; only https:// (or http:// to a loopback host) is allowed`
  });
}

function trimBase(u: URL): string {
  // Keep a path prefix (gateways may mount the API under one) but never a trailing slash, query or fragment.
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** If `u` is `api.<region>` / `login.<region>` of a known region, the region domain. */
function genesysRegionOf(u: URL): RegionDomain | undefined {
  const m = /^(api|login)\.(.+)$/.exec(u.hostname.toLowerCase());
  const d = m?.[2];
  return d !== undefined && isRegionDomain(d) ? d : undefined;
}

/**
 * Resolves the API and login base URLs from a region domain and/or explicit overrides. Overrides win over the region.
 * With only one override, the other is derived when the given one is a Genesys `api.`/`login.` host; otherwise both
 * are required (a gateway or emulator cannot be guessed).
 */
export function resolveEndpoints(input: EndpointInput): Endpoints {
  const region = input.region?.trim() ? input.region.trim() : undefined;
  const apiOverride = input.apiUrl?.trim() ? input.apiUrl.trim() : undefined;
  const loginOverride = input.loginUrl?.trim() ? input.loginUrl.trim() : undefined;

  let fromRegion: Endpoints | undefined;
  if (region !== undefined) {
    const d = normaliseRegion(region);
    if (!isRegionDomain(d)) {
      throw new GenesysError({
        kind: 'config',
        message: `unknown Genesys Cloud region "${region}". Use the domain of your org's region, one of: ${REGION_DOMAINS.join(', ')} (or set api-url and login-url for a gateway or the emulator)`
      });
    }
    fromRegion = regionEndpoints(d);
  }

  const api = apiOverride !== undefined ? assertSafeUrl(apiOverride, 'api-url') : undefined;
  const login = loginOverride !== undefined ? assertSafeUrl(loginOverride, 'login-url') : undefined;

  if (api && login) return { region: fromRegion?.region, apiUrl: trimBase(api), loginUrl: trimBase(login) };

  if (api || login) {
    const given = (api ?? login) as URL;
    const derivedRegion = genesysRegionOf(given);
    if (derivedRegion) {
      const derived = regionEndpoints(derivedRegion);
      return {
        region: fromRegion?.region ?? derivedRegion,
        apiUrl: api ? trimBase(api) : derived.apiUrl,
        loginUrl: login ? trimBase(login) : derived.loginUrl
      };
    }
    throw new GenesysError({
      kind: 'config',
      message: api
        ? 'api-url is set but login-url is not, and api-url is not a Genesys Cloud api.<region> host, so the login URL cannot be derived: set login-url too'
        : 'login-url is set but api-url is not, and login-url is not a Genesys Cloud login.<region> host, so the API URL cannot be derived: set api-url too'
    });
  }

  if (fromRegion) return fromRegion;
  throw new GenesysError({
    kind: 'config',
    message: `no Genesys Cloud target: set region (one of ${REGION_DOMAINS.join(', ')}) or both api-url and login-url`
  });
}
