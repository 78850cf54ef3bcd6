// The two baselines the bench compares against, driven over the same GenesysClient and the same emulator: the common
// tutorial loop (publish one flow, poll every 5 s doubling to 60 s, then the next flow) and the Terraform provider's
// fixed 15 s poll. Both are sequential, bake each stage for the same time and run the same analytics check rounds,
// but take no snapshot, read nothing back and export nothing — strictly less work than the action does.
import type { Clock } from '../../src/common/clock.ts';
import { GenesysClient } from '../../src/genesys/client.ts';
import type { BenchRelease } from './bench-fixture.ts';

export interface Strategy {
  name: string;
  label: string;
  /** Delay before poll number `n` (1-based) after the upload. */
  delay: (n: number) => number;
}

export const STRATEGIES: Strategy[] = [
  { name: 'doubling', label: 'poll 5 s doubling to 60 s', delay: (n) => Math.min(60_000, 5000 * 2 ** (n - 1)) },
  { name: 'fixed15', label: 'poll every 15 s', delay: () => 15_000 }
];

export interface BaselineRun {
  strategy: string;
  startedAt: number;
  endedAt: number;
  stageEnds: number[];
  failures: string[];
}

export async function runBaseline(
  rel: BenchRelease,
  strategy: Strategy,
  emu: { baseUrl: string; clientId: string; clientSecret: string },
  clock: Clock,
  checkIntervalMs: (bakeMs: number) => number
): Promise<BaselineRun> {
  const api = new GenesysClient({
    apiUrl: emu.baseUrl,
    loginUrl: emu.baseUrl,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    clock
  });
  const startedAt = clock.now();
  const failures: string[] = [];
  const stageEnds: number[] = [];
  try {
    const ids = new Map((await api.listFlows('inboundcall')).map((f) => [f.name, f.id]));
    for (const stage of rel.stages) {
      const stageStart = clock.now();
      for (const flow of stage.flows) {
        const reg = await api.registerArchitectJob();
        await api.uploadArchitectJobFile(reg, flow.yaml);
        for (let n = 1; ; n++) {
          await clock.sleep(strategy.delay(n));
          const job = await api.getArchitectJob(reg.id);
          if (job.status === 'Success') break;
          if (job.status === 'Failure') {
            failures.push(`${flow.name}: job failed`);
            break;
          }
        }
      }
      // Bake with the same check rounds as the action: one analytics query per flow per round, the last at the end.
      const bakeStart = clock.now();
      const interval = checkIntervalMs(stage.bakeMs);
      for (let round = 1; ; round++) {
        const next = Math.min(bakeStart + round * interval, bakeStart + stage.bakeMs);
        const wait = next - clock.now();
        if (wait > 0) await clock.sleep(wait);
        for (const flow of stage.flows) {
          const since = Math.floor((stageStart - 60_000) / 60_000) * 60_000;
          await api.queryFlowAggregates({
            interval: `${new Date(since).toISOString()}/${new Date(clock.now()).toISOString()}`,
            groupBy: ['flowVersion'],
            filter: { type: 'and', predicates: [{ dimension: 'flowId', value: ids.get(flow.name) ?? '' }] },
            metrics: ['nFlowOutcome', 'nFlowOutcomeFailed']
          });
        }
        if (clock.now() >= bakeStart + stage.bakeMs) break;
      }
      stageEnds.push(clock.now());
    }
  } finally {
    await api.close();
  }
  return { strategy: strategy.name, startedAt, endedAt: clock.now(), stageEnds, failures };
}
