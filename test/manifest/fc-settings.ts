// fast-check settings shared by the property tests: a fixed seed in CI, overridable to replay or to explore more.
//   FC_SEED=123 FC_RUNS=20000 npm test -- test/manifest test/inputs
import fc from 'fast-check';

export const FC_SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_240_611;
export const FC_RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000;

/** Runs fc.assert with the seed and run count, printing how to replay on failure. */
export async function check<Ts extends unknown[]>(name: string, property: fc.IAsyncProperty<Ts>): Promise<void> {
  try {
    await fc.assert(property, { seed: FC_SEED, numRuns: FC_RUNS });
  } catch (e) {
    console.error(
      `property '${name}' failed with FC_SEED=${FC_SEED} FC_RUNS=${FC_RUNS}; replay with: FC_SEED=${FC_SEED} npm test -- test/manifest test/inputs`
    );
    throw e;
  }
}
