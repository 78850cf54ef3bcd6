// The manifest's YAML shape in zod (kebab-case keys, exactly as users write them). Objects are strict: an unknown key
// is an error that names the key, so a typo such as `bake-time:` never silently falls back to a default.
// Checks are validated per kind (see CHECK_SCHEMAS) so a wrong `kind` gets one clear issue instead of a union dump.
import { z } from 'zod';
import { FLOW_TYPES } from '../genesys/models.ts';
import { parseDuration } from './duration.ts';
import { checkFlowFilePath, checkFlowName } from './paths.ts';

/** Marks an issue with a fix hint that the loader copies into ValidationIssue.fix. */
function custom(ctx: z.RefinementCtx, message: string, fix: string): void {
  ctx.addIssue({ code: 'custom', message, params: { fix } });
}

const duration = z.unknown().transform((value, ctx) => {
  const r = parseDuration(value);
  if (r.ok) return r.ms;
  custom(ctx, r.message, r.fix);
  return z.NEVER;
});

function durationWithin(minMs: number, maxMs: number, label: string) {
  return duration.pipe(
    z.number().superRefine((ms, ctx) => {
      if (ms < minMs || ms > maxMs)
        custom(
          ctx,
          `${label} must be between ${fmt(minMs)} and ${fmt(maxMs)}`,
          `use e.g. ${fmt(Math.max(minMs, 1000))}`
        );
    })
  );
}

function fmt(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Names show up in logs, summaries, commit messages and file names: refuse control characters outright. */
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127),
    'must not contain control characters (newlines, tabs, ...)'
  );

/** A flow's own name: the exact Genesys Cloud name, which also becomes the exported file's name. */
const flowName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .superRefine((s, ctx) => {
    const problem = checkFlowName(s);
    if (problem) custom(ctx, problem.message, problem.fix);
  });

const scalarValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const flowSchema = z.strictObject({
  name: flowName,
  type: z.enum(FLOW_TYPES),
  file: z
    .string()
    .min(1, 'must not be empty')
    .superRefine((s, ctx) => {
      const problem = checkFlowFilePath(s);
      if (problem) custom(ctx, problem.message, problem.fix);
    })
    .optional(),
  source: z.enum(['draft', 'file']).optional(),
  substitutions: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'substitution keys are letters, digits, _ . - (start with a letter)'),
      scalarValue
    )
    .optional(),
  'force-unlock': z.boolean().optional()
});

export const stageSchema = z.strictObject({
  name,
  flows: z.array(name).min(1, 'a stage needs at least one flow'),
  bake: durationWithin(0, 24 * 3_600_000, 'bake').optional(),
  'check-interval': durationWithin(1000, 24 * 3_600_000, 'check-interval').optional(),
  checks: z.array(name).optional()
});

// 16 flows at once keeps a 50-flow release within 10% of the platform floor (npm run bench); requests are paced
// below the 300/min per-token limit whatever the concurrency, so a higher value never trips it.
export const DEFAULT_CONCURRENCY = 16;
export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 32;

const jsonObject = z.record(z.string(), z.unknown());

export const executionCheckSchema = z.strictObject({
  kind: z.literal('execution'),
  flow: name,
  input: jsonObject.optional(),
  expect: z
    .strictObject({
      status: z.enum(['COMPLETED', 'FAILED', 'ERROR', 'TERMINATED']).optional(),
      output: jsonObject.optional()
    })
    .optional(),
  timeout: durationWithin(1000, 3_600_000, 'timeout').optional()
});

const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const analyticsCheckSchema = z.strictObject({
  kind: z.literal('analytics'),
  metric: z.enum(['outcome-failure-rate']),
  flows: z.array(name).min(1, 'list at least one flow, or omit flows to measure every flow of the stage').optional(),
  max: ratio,
  'min-samples': z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
  'on-insufficient-data': z.enum(['fail', 'pass-with-warning']).optional(),
  'compare-to-previous': z.strictObject({ 'max-increase': ratio }).optional()
});

export const httpCheckSchema = z.strictObject({
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

export const CHECK_KINDS = ['execution', 'analytics', 'http'] as const;
export const CHECK_SCHEMAS = {
  execution: executionCheckSchema,
  analytics: analyticsCheckSchema,
  http: httpCheckSchema
} as const;

export const manifestSchema = z.strictObject({
  version: z.literal(1),
  flows: z.array(z.unknown()).min(1, 'list at least one flow'),
  stages: z
    .array(z.unknown())
    .min(1, 'list at least one stage, or omit stages to release every flow at once')
    .optional(),
  checks: z.record(name, z.unknown()).optional(),
  rollback: z
    .strictObject({ automatic: z.boolean().optional(), 'new-flows': z.enum(['delete', 'keep']).optional() })
    .optional(),
  artifacts: z
    .strictObject({
      dir: z.string().min(1, 'must not be empty').optional(),
      message: z
        .string()
        .max(500)
        .superRefine((s, ctx) => {
          if (s.trim() === '')
            custom(
              ctx,
              'must not be empty or blank',
              'write a commit message such as "release: {{release}}", or omit it'
            );
        })
        .optional()
    })
    .optional(),
  concurrency: z
    .number()
    .superRefine((n, ctx) => {
      if (!Number.isInteger(n) || n < MIN_CONCURRENCY || n > MAX_CONCURRENCY) {
        custom(
          ctx,
          `must be a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY} (got ${n}); the default is ${DEFAULT_CONCURRENCY}`,
          `set concurrency to ${MIN_CONCURRENCY}..${MAX_CONCURRENCY} (flows published at once within a stage; requests are paced below the API rate limit at any value), or omit it`
        );
      }
    })
    .optional(),
  'job-timeout': durationWithin(10_000, 6 * 3_600_000, 'job-timeout').optional()
});

export type RawManifest = z.infer<typeof manifestSchema>;
export type RawFlow = z.infer<typeof flowSchema>;
export type RawStage = z.infer<typeof stageSchema>;
