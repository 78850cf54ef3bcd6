// GET /api/v2/organizations/me: the org this emulator is, shaped like the SDK's `Organization` model.
import { randomUUID } from 'node:crypto';
import type { Router } from '../http.ts';
import type { RouteEnv } from './env.ts';

export function organizationRoutes(router: Router, env: RouteEnv): void {
  const id = env.scenario.organization.id ?? randomUUID();
  const { name } = env.scenario.organization;
  router.add('GET', '/api/v2/organizations/me', {}, () => ({
    status: 200,
    body: {
      id,
      name,
      defaultLanguage: 'en-us',
      domain: name.toLowerCase().replace(/[^a-z0-9]+/g, ''),
      version: 1,
      state: 'active',
      selfUri: `/api/v2/organizations/${id}`
    }
  }));
}
