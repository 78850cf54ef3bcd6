// The manifest's YAML shape in zod (kebab-case keys, exactly as users write them). Objects are strict: an unknown key
// is an error that names the key, so a typo such as `bake-time:` never silently falls back to a default.
// Checks are validated per kind, each by its own schema (src/checks/kinds/), so a wrong `kind` gets one clear issue
// instead of a union dump; here a check is only a named mapping.
import { z } from 'zod';
import { custom, durationWithin, name } from '../fields/schema.ts';
import { FLOW_TYPES } from '../genesys/models.ts';
import { DEFAULTS } from './defaults.ts';
import { checkFlowFilePath, checkFlowName } from './paths.ts';

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
  'check-interval': durationWithin(DEFAULTS.minCheckIntervalMs, 24 * 3_600_000, 'check-interval').optional(),
  checks: z.array(name).optional()
});

export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 32;

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
          `must be a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY} (got ${n}); the default is ${DEFAULTS.concurrency}`,
          `set concurrency to ${MIN_CONCURRENCY}..${MAX_CONCURRENCY} (flows published at once within a stage; requests are paced below the API rate limit at any value), or omit it`
        );
      }
    })
    .optional(),
  'job-timeout': durationWithin(10_000, 6 * 3_600_000, 'job-timeout').optional(),
  /** Flows no longer managed here, to delete from the org after everything else succeeded (restorable from the ledger). */
  retired: z.array(z.strictObject({ name, type: z.enum(FLOW_TYPES) })).optional()
});

export type RawManifest = z.infer<typeof manifestSchema>;
export type RawFlow = z.infer<typeof flowSchema>;
export type RawStage = z.infer<typeof stageSchema>;
