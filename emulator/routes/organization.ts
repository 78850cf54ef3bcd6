// GET /api/v2/organizations/me: the org the token belongs to (Organization in the SDK: id, name, domain, state, …).
// Read-only; what `command: doctor` reads to name the org it checked. The id is stable per client, so two emulator
// runs with the same client id are "the same org".
import { createHash } from 'node:crypto';
import type { Router } from '../http.ts';
import type { RouteEnv } from './env.ts';

/** A UUID-shaped id derived from the client id (stable across restarts, like a real org's id). */
function orgId(clientId: string): string {
  const h = createHash('sha256').update(`emulator-org:${clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function organizationRoutes(router: Router, env: RouteEnv): void {
  router.add('GET', '/api/v2/organizations/me', {}, () => {
    const id = orgId(env.clientId);
    return {
      status: 200,
      body: {
        id,
        name: 'Emulator Org',
        defaultLanguage: 'en-us',
        domain: 'emulator',
        state: 'active',
        version: 1,
        selfUri: `/api/v2/organizations/${id}`
      }
    };
  });
}
