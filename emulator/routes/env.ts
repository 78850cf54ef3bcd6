// What the route modules share: the org, the scenario, the API gate that knows the issued tokens, the client the
// login accepts, and the server's base URL (known once it listens) for presigned URLs.
import type { ApiGate } from '../api-gate.ts';
import type { Router } from '../http.ts';
import type { Org } from '../org.ts';
import type { Scenario } from '../scenario.ts';

export interface RouteEnv {
  org: Org;
  scenario: Scenario;
  gate: ApiGate;
  clientId: string;
  clientSecret: string;
  baseUrl(): string;
}

/** A route module: adds its routes to the router. */
export type RouteModule = (router: Router, env: RouteEnv) => void;

/** The id in a `{id}` path segment. */
export const param = (params: string[], index = 0) => params[index] ?? '';
