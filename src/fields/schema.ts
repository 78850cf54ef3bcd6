// The zod building blocks the manifest is written with: durations, names, JSON objects, ratios, and issues that carry
// a fix hint. The manifest schema and every check kind's schema use these, so a duration or a name reads and fails
// the same way wherever it appears.
import { z } from 'zod';
import { parseDuration } from './duration.ts';

/** Marks an issue with a fix hint that the loader copies into ValidationIssue.fix. */
export function custom(ctx: z.RefinementCtx, message: string, fix: string): void {
  ctx.addIssue({ code: 'custom', message, params: { fix } });
}

/** A duration string (`90s`, `2m`...) → milliseconds. */
export const duration = z.unknown().transform((value, ctx) => {
  const r = parseDuration(value);
  if (r.ok) return r.ms;
  custom(ctx, r.message, r.fix);
  return z.NEVER;
});

/** A duration within [minMs, maxMs]; `label` names the field in the message. */
export function durationWithin(minMs: number, maxMs: number, label: string) {
  return duration.pipe(
    z.number().superRefine((ms, ctx) => {
      if (ms < minMs || ms > maxMs)
        custom(
          ctx,
          `${label} must be between ${formatMs(minMs)} and ${formatMs(maxMs)}`,
          `use e.g. ${formatMs(Math.max(minMs, 1000))}`
        );
    })
  );
}

/** Milliseconds in the manifest's own notation (`2m`, `90s`, `500ms`). */
export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Names show up in logs, summaries, commit messages and file names: refuse control characters outright. */
export const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127),
    'must not contain control characters (newlines, tabs, ...)'
  );

/** A mapping of arbitrary JSON-like values (inputs, expected outputs). */
export const jsonObject = z.record(z.string(), z.unknown());

/** A share between 0 and 1. */
export const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
