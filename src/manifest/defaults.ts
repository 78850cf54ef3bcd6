// Every default of the manifest, set once, here, where the manifest is loaded: the engine receives final values and
// applies no fallback of its own. Check kinds keep their own defaults in their module (`defaults` of the kind), so
// a new kind touches no shared file.
import type { CheckSpec } from '../checks/types.ts';
import type { FlowSpec, ReleaseManifest, StageSpec } from './types.ts';
import type { RawManifest, RawStage } from './schema.ts';

export const DEFAULTS = {
  /** The one stage of a manifest without `stages:`, holding every flow. */
  stageName: 'release',
  bakeMs: 0,
  /** Check rounds come every min(bake, this) when `check-interval` is omitted. */
  checkIntervalMs: 30_000,
  /** Check rounds never come more often than this (also the floor of `check-interval`). */
  minCheckIntervalMs: 1000,
  // 16 flows at once keeps a 50-flow release within 10% of the platform floor (npm run bench); requests are paced
  // below the 300/min per-token limit whatever the concurrency, so a higher value never trips it.
  concurrency: 16,
  jobTimeoutMs: 16 * 60_000,
  forceUnlock: false,
  rollback: { automatic: true, newFlows: 'delete' },
  artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' }
} as const;

/**
 * The interval the bake runs its checks at: `check-interval`, else min(bake, 30 s); never beyond the bake (the last
 * round comes at its end) and never below 1 s (a bake of 0 runs its checks once).
 */
export function checkIntervalMs(bakeMs: number, configuredMs: number | undefined): number {
  const interval = configuredMs ?? (Math.min(bakeMs, DEFAULTS.checkIntervalMs) || DEFAULTS.minCheckIntervalMs);
  return Math.max(DEFAULTS.minCheckIntervalMs, bakeMs > 0 ? Math.min(interval, bakeMs) : interval);
}

export function stageWithDefaults(s: RawStage): StageSpec {
  const bakeMs = s.bake ?? DEFAULTS.bakeMs;
  return {
    name: s.name,
    flows: s.flows,
    bakeMs,
    checkIntervalMs: checkIntervalMs(bakeMs, s['check-interval']),
    checks: s.checks ?? []
  };
}

/** A manifest without `stages:` releases every flow in one stage, without bake or checks. */
export function defaultStage(flows: readonly { name: string }[]): StageSpec {
  return stageWithDefaults({ name: DEFAULTS.stageName, flows: flows.map((f) => f.name) });
}

export function manifestWithDefaults(
  path: string,
  t: RawManifest,
  parts: { flows: FlowSpec[]; stages: StageSpec[]; checks: Record<string, CheckSpec> }
): ReleaseManifest {
  return {
    version: 1,
    path,
    ...parts,
    rollback: {
      automatic: t.rollback?.automatic ?? DEFAULTS.rollback.automatic,
      newFlows: t.rollback?.['new-flows'] ?? DEFAULTS.rollback.newFlows
    },
    artifacts: {
      dir: t.artifacts?.dir ?? DEFAULTS.artifacts.dir,
      message: t.artifacts?.message ?? DEFAULTS.artifacts.message
    },
    jobTimeoutMs: t['job-timeout'] ?? DEFAULTS.jobTimeoutMs,
    concurrency: t.concurrency ?? DEFAULTS.concurrency,
    ...(t.retired?.length ? { retired: t.retired.map((r) => ({ name: r.name, type: r.type })) } : {})
  };
}
