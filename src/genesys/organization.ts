// GET /api/v2/organizations/me: the org a token belongs to (the SDK's `Organization`). Read by `command: doctor` to
// name the org it checked; the org id is what a ledger would key a target by.
import { z } from 'zod';
import type { GenesysRest } from './rest.ts';

export const Organization = z.object({
  id: z.string(),
  name: z.string().optional(),
  domain: z.string().optional(),
  state: z.string().optional(),
  defaultLanguage: z.string().optional()
});
export type Organization = z.infer<typeof Organization>;

export async function getOrganization(rest: GenesysRest): Promise<Organization> {
  return rest.getJson(Organization, '/api/v2/organizations/me');
}
