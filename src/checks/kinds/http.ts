// `kind: http` — GET a URL (a status page, a dependency's health endpoint) and expect a status (and a body text).
import { z } from 'zod';
import { errorText } from '../../genesys/errors.ts';
import { durationWithin } from '../../fields/schema.ts';
import { describeStatus } from '../text.ts';
import { defineCheckKind } from '../types.ts';
import type { CheckContext, FlowMeasurement } from '../types.ts';

export interface HttpCheck {
  kind: 'http';
  name: string;
  url: string;
  expectStatus: number;
  expectBody?: string;
  timeoutMs: number;
}

const DEFAULTS = { expectStatus: 200, timeoutMs: 10_000 } as const;

const schema = z.strictObject({
  kind: z.literal('http'),
  url: z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        const p = new URL(u).protocol;
        return p === 'https:' || p === 'http:';
      } catch {
        return false;
      }
    }, 'must be an absolute http(s) URL'),
  'expect-status': z.number().int('must be a whole number').min(100).max(599).optional(),
  'expect-body': z.string().optional(),
  timeout: durationWithin(1000, 600_000, 'timeout').optional()
});

export const httpCheck = defineCheckKind<HttpCheck, z.infer<typeof schema>>({
  kind: 'http',
  schema,
  defaults: DEFAULTS,
  toSpec: (checkName, d) => ({
    kind: 'http',
    name: checkName,
    url: d.url,
    expectStatus: d['expect-status'] ?? DEFAULTS.expectStatus,
    ...(d['expect-body'] !== undefined ? { expectBody: d['expect-body'] } : {}),
    timeoutMs: d.timeout ?? DEFAULTS.timeoutMs
  }),
  run: (ctx, spec, { round }) => probe(ctx, spec, round),
  describe: (m, kit) => describeStatus('HTTP', m, kit)
});

async function probe(ctx: CheckContext, check: HttpCheck, round: number): Promise<FlowMeasurement[]> {
  const expected: Record<string, unknown> = { status: check.expectStatus };
  if (check.expectBody !== undefined) expected.bodyContains = check.expectBody;
  const base = { check: check.name, kind: 'http', round, expected };
  const started = ctx.clock.now();
  try {
    const res = await ctx.httpGet(check.url, check.timeoutMs);
    const bodyOk = check.expectBody === undefined || res.body.includes(check.expectBody);
    const ok = res.status === check.expectStatus && bodyOk;
    const measured: Record<string, unknown> = {
      url: check.url,
      status: res.status,
      durationMs: ctx.clock.now() - started
    };
    if (check.expectBody !== undefined) measured.bodyContains = bodyOk;
    return [
      {
        ...base,
        result: ok ? 'pass' : 'fail',
        measured,
        message: `GET ${check.url} → ${res.status}${check.expectBody !== undefined ? `, body ${bodyOk ? 'contains' : 'lacks'} "${check.expectBody}"` : ''}.`
      }
    ];
  } catch (e) {
    return [
      {
        ...base,
        result: 'fail',
        measured: { url: check.url, error: errorText(e) },
        message: `GET ${check.url} failed: ${errorText(e)}`
      }
    ];
  }
}
