// Probes of the platform itself: login and region, the org, rate-limit headers, the flows listing's page size, and
// the permissions no read-only call can prove.
import { errorText } from '../genesys/errors.ts';
import { fail, failedCall, ok, skipped, warn, type DoctorContext, type Probe } from './types.ts';

const RATE_HEADERS = ['inin-ratelimit-count', 'inin-ratelimit-allowed', 'inin-ratelimit-reset'];
/** What issue 15's listing would like to ask for; the server may answer with less. */
const WANTED_PAGE_SIZE = 500;

function lifetimeText(seconds: number): string {
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

/** Login (token and region) and the org: GET /api/v2/organizations/me is the first call, so it also logs in. */
export async function probeLoginAndOrg(ctx: DoctorContext): Promise<{ probes: Probe[]; loggedIn: boolean }> {
  const where = ctx.region ? `region ${ctx.region} (${ctx.apiUrl})` : ctx.apiUrl;
  try {
    const org = await ctx.api.getOrganization();
    const lifetime = ctx.api.tokenLifetimeSeconds();
    const token =
      lifetime !== undefined && lifetime < 600
        ? warn(
            'token',
            `login works at ${where}; token lifetime ${lifetimeText(lifetime)}`,
            'raise the OAuth client token lifetime (Admin > OAuth) above the longest bake: the action renews tokens, but a very short lifetime costs a login per few calls',
            { required: true }
          )
        : ok(
            'token',
            `login works at ${where}; token lifetime ${lifetime === undefined ? 'unknown' : lifetimeText(lifetime)}`,
            {
              required: true,
              expected: 'a client-credentials token (default lifetime 24 h)'
            }
          );
    const orgProbe = ok('organization', `org "${org.name ?? '(no name)'}" id ${org.id}`, { required: true });
    return { probes: [token, orgProbe], loggedIn: true };
  } catch (e) {
    if (ctx.api.tokenLifetimeSeconds() === undefined) {
      return {
        probes: [
          fail(
            'token',
            `login failed at ${where}: ${errorText(e)}`,
            'check client-id, client-secret (same OAuth client, Client Credentials grant) and that region is the org’s region'
          )
        ],
        loggedIn: false
      };
    }
    const probe = failedCall(
      'organization',
      e,
      'the token works but GET /api/v2/organizations/me failed: check the OAuth client’s roles and api-url',
      true
    );
    return { probes: [ok('token', `login works at ${where}`, { required: true }), probe], loggedIn: true };
  }
}

/** `inin-ratelimit-*` on the last response (the action paces itself at 280 requests/min either way). */
export function probeRateLimitHeaders(ctx: DoctorContext): Probe {
  const headers = ctx.api.lastResponseHeaders() ?? {};
  const seen = RATE_HEADERS.filter((h) => headers[h] !== undefined);
  const shown = seen.map((h) => `${h}: ${headers[h]}`).join(', ');
  const expected = '300 requests/min per token; inin-ratelimit-count/-allowed/-reset (genesys-api.md)';
  if (seen.length === RATE_HEADERS.length) return ok('rate-limit-headers', shown, { expected });
  return warn(
    'rate-limit-headers',
    seen.length ? `only ${shown}` : 'no inin-ratelimit-* header on a successful response',
    'nothing to do: the action paces itself at 280 requests/min; the headers were expected on every response, record what you see in docs/platform.md',
    { expected }
  );
}

/** The page size GET /api/v2/flows accepts: ask for 500 and report what comes back. */
export async function probePageSize(ctx: DoctorContext): Promise<Probe> {
  const name = 'flows-page-size';
  const expected = `pageSize ${WANTED_PAGE_SIZE} honoured (the action pages by 100)`;
  try {
    const page = await ctx.api.listFlowsPage({ pageSize: WANTED_PAGE_SIZE });
    const got = page.pageSize;
    const observed = `asked for pageSize ${WANTED_PAGE_SIZE}: pageSize ${got ?? '(absent)'}, ${page.entities.length} flow(s) on page 1 of ${page.pageCount ?? '?'}, total ${page.total ?? '?'}`;
    if (got === WANTED_PAGE_SIZE) return ok(name, observed, { expected });
    return warn(
      name,
      observed,
      'nothing to do for releases (they page by 100); record the accepted maximum in docs/platform.md',
      {
        expected
      }
    );
  } catch (e) {
    return failedCall(
      name,
      e,
      `pageSize ${WANTED_PAGE_SIZE} was refused: keep pages of 100 (what the action uses)`,
      false
    );
  }
}

/** Permissions that only a change could prove: said so, never tried. */
export function unobservablePermissions(ctx: DoctorContext): Probe[] {
  const kinds = new Set(Object.values(ctx.manifest.checks).map((c) => c.kind));
  const probes = [
    skipped(
      'permission:architect:flow:publish',
      'not observable read-only (publishing is a change); the first plan/deploy shows it: a 403 names the missing permission'
    )
  ];
  if (kinds.has('execution')) {
    probes.push(
      skipped(
        'permission:architect:flow:launch',
        'not observable read-only (launching an execution runs the workflow); execution checks need it'
      )
    );
  }
  return probes;
}
