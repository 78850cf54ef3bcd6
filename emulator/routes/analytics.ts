// POST /api/v2/analytics/flows/aggregates/query: flow aggregates from each version's traffic model (../analytics.ts).
import { queryFlowAggregates } from '../analytics.ts';
import { parseJson } from '../http.ts';
import type { Router } from '../http.ts';
import type { RouteEnv } from './env.ts';

export function analyticsRoutes(router: Router, env: RouteEnv): void {
  router.add('POST', '/api/v2/analytics/flows/aggregates/query', {}, (ctx) => ({
    status: 200,
    body: queryFlowAggregates(env.org, parseJson(ctx))
  }));
}
