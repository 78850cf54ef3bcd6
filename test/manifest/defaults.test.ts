// The loader hands the engine final values: the check interval is exactly what the bake used to compute from the
// loader's former value, so moving the computation changed no bake.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkIntervalMs, DEFAULTS } from '../../src/manifest/defaults.ts';
import { FC_RUNS, FC_SEED } from './fc-settings.ts';

const settings = { seed: FC_SEED, numRuns: FC_RUNS };

/** The loader's former value (check-interval, else min(bake, 30 s); 0 for the implicit stage)... */
const formerLoader = (bakeMs: number, configured: number | undefined, implicit: boolean): number =>
  implicit ? 0 : (configured ?? Math.min(bakeMs, 30_000));
/** ...and what the engine's bake made of it. */
const formerEngine = (bakeMs: number, loaded: number): number =>
  Math.max(1000, Math.min(loaded || bakeMs || 1000, bakeMs || Infinity));

describe('checkIntervalMs', () => {
  it('equals the interval the engine computed from the former loader value', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 24 * 3_600_000 })),
        fc.option(fc.integer({ min: 1000, max: 24 * 3_600_000 }), { nil: undefined }),
        (bakeMs, configured) => {
          expect(checkIntervalMs(bakeMs, configured)).toBe(
            formerEngine(bakeMs, formerLoader(bakeMs, configured, false))
          );
        }
      ),
      settings
    );
    // The implicit stage (no `stages:`): no bake, no interval configured.
    expect(checkIntervalMs(0, undefined)).toBe(formerEngine(0, formerLoader(0, undefined, true)));
  });

  it('is a fixed point of the engine formula, so an engine that still applies it changes nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 3_600_000 }),
        fc.option(fc.integer({ min: 1000, max: 24 * 3_600_000 }), { nil: undefined }),
        (bakeMs, configured) => {
          const final = checkIntervalMs(bakeMs, configured);
          expect(formerEngine(bakeMs, final)).toBe(final);
        }
      ),
      settings
    );
  });

  it('defaults to min(bake, 30 s), at least 1 s', () => {
    expect(checkIntervalMs(120_000, undefined)).toBe(DEFAULTS.checkIntervalMs);
    expect(checkIntervalMs(10_000, undefined)).toBe(10_000);
    expect(checkIntervalMs(500, undefined)).toBe(DEFAULTS.minCheckIntervalMs);
    expect(checkIntervalMs(60_000, 120_000)).toBe(60_000);
  });
});
