// The durable-state scenarios (issue 10 item 8): kill -9 at every mutation point of a fixed release followed by
// deploy, rollback and plan; concurrent deploys; a deploy and a rollback at once; a run killed holding the lock
// (takeover); a third party pushing to the state branch mid-run; a corrupted ledger. Each is judged by the Durable
// checks of fault-kill.ts (live content against every claim, last known-good content against the state branch) on
// top of the four invariants every scenario gets.
//
// Written against the engine's ledger contract (docs/state.md): inputs `state-branch`, `takeover-lock`,
// `on-unfinished`, `rollback-to`; the ledger at `orgs/<org id>/ledger.json` on `flow-release-state` of origin. An
// action without the ledger fails these scenarios, each failure saying what evidence is missing.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionRun } from './action-runner.ts';
import { HEALTHY, ivrYaml, journalOf, slug, World, type WorldOptions } from './fault-harness.ts';
import {
  Durable,
  killPoints,
  norm,
  readLedger,
  releaseIdOf,
  shown,
  STATE_BRANCH,
  stateHead,
  type KillPoint
} from './fault-kill.ts';
import type { FaultScenario } from './fault-scenarios.ts';
import { tempDir } from './temp.ts';

export const ORG = { id: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', name: 'Fault Suite Org' };
const OTHER_ORG = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const FOUR = ['Alpha IVR', 'Beta IVR', 'Gamma IVR', 'Delta IVR'];
/** The fixed release of the kill points: two flows in stage 1, one in stage 2. */
const KILL_FLOWS = FOUR.slice(0, 3);
const FAST = { jobMs: 15, exportMs: 10, validateMs: 10, publishMs: 15, executionMs: 10 };

const contentOf = (stamp: string, names = FOUR): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, ivrYaml(n, `${n} ${stamp}`)]));
const flowPath = (name: string) => `genesys/flows/${slug(name)}.yaml`;
const failuresOf = (w: World): string[] => [
  ...(w.durableFigures?.misreports ?? []),
  ...(w.durableFigures?.lkgLost ?? [])
];
const expectThat = (cond: boolean, msg: string): string[] => (cond ? [] : [msg]);

/**
 * The fixed release of the kill points: 3 flows in 2 stages (Alpha and Beta at once, then Gamma), stage 2's analytics
 * check fails on Gamma's first publish (so the undisturbed run publishes 3 flows and rolls all 3 back, newest first),
 * short latencies, no bakes. Small on purpose: the action's own job polling (≈ 3 s a job) sets a run's wall time.
 */
export function killWorld(): WorldOptions {
  return {
    organization: ORG,
    org: FOUR.map((name) => ({ name, versions: 1, traffic: HEALTHY })),
    latency: FAST,
    manifest: {
      flows: KILL_FLOWS.map((name) => ({ name, yaml: contentOf('kill-release', KILL_FLOWS)[name] })),
      stages: [
        { name: 'stage-1', flows: KILL_FLOWS.slice(0, 2), bake: '0s' },
        { name: 'stage-2', flows: KILL_FLOWS.slice(2), bake: '0s', checks: ['failures'] }
      ],
      checks: 'failures: { kind: analytics, metric: outcome-failure-rate, max: 0.05, min-samples: 20 }'
    },
    faults: [{ kind: 'unhealthy', flow: 'Gamma IVR', failureRatio: 0.5, initial: 50 }]
  };
}

/** M: the mutating requests of the fixed release in an undisturbed run (and its outcome, for the record). */
export async function calibrateKillRelease(): Promise<{ m: number; outcome?: string }> {
  const w = new World(killWorld());
  try {
    await w.start();
    const run = await w.deploy();
    return { m: w.em.mutatingRequests().length, outcome: run.outputs.outcome };
  } finally {
    await w.close().catch(() => undefined);
    w.dispose();
  }
}

function killScenario(point: KillPoint, i: number, m: number): FaultScenario {
  return {
    id: `K${String(i + 1).padStart(3, '0')}-n${String(point.n).padStart(2, '0')}-${point.when}`,
    issue: 10,
    faultClass: 'kill-points',
    title: `kill -9 at mutating call ${point.n}/${m} (${point.when}), then deploy (takeover), rollback, plan`,
    world: killWorld,
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      const content = contentOf('kill-release', KILL_FLOWS);
      await d.killed('killed run', point);
      // The operator knows the killed run is dead: the next deploy takes its lock over (docs/state.md).
      await d.run('deploy after the kill', 'deploy', content, { inputs: { 'takeover-lock': 'true' } });
      await d.run('rollback', 'rollback', content);
      await d.run('plan', 'plan', content);
    },
    expect: failuresOf
  };
}

/** The kill-point scenarios for a release of M mutating calls: every N before and after, then seeded random ones. */
export function killScenarios(m: number, total: number, seed: number): FaultScenario[] {
  return killPoints(m, total, seed).map((p, i) => killScenario(p, i, m));
}

// ------------------------------------------------------------------------------------------------ git helpers

/**
 * Commits `files` onto the state branch of the bare remote with plumbing (a temp index), as another writer would:
 * a compare-and-swap update of the branch from `parent` (none: a new branch). Returns the new commit.
 */
export function commitToStateBranch(w: World, files: Record<string, string>, message: string, parent?: string): string {
  const dir = tempDir('flow-release-fault-index-');
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(dir, 'index'),
    GIT_AUTHOR_NAME: 'Third Party',
    GIT_AUTHOR_EMAIL: 'third-party@example.com',
    GIT_COMMITTER_NAME: 'Third Party',
    GIT_COMMITTER_EMAIL: 'third-party@example.com'
  };
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: w.repo.remote, env, encoding: 'utf8', input }).trim();
  try {
    if (parent) git(['read-tree', parent]);
    for (const [path, content] of Object.entries(files)) {
      const sha = git(['hash-object', '-w', '--stdin'], content);
      git(['update-index', '--add', '--cacheinfo', `100644,${sha},${path}`]);
    }
    const tree = git(['write-tree']);
    const commit = git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message]);
    git(['update-ref', `refs/heads/${STATE_BRANCH}`, commit, parent ?? '']);
    return commit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isAncestor = (w: World, a: string, b: string): boolean => {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', a, b], { cwd: w.repo.remote, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Versions created in the org since `counts` (flow name → versions then), with their normalised content. */
function newVersions(w: World, counts: Map<string, number>): { flow: string; hash: string }[] {
  return w.em.org.flows.flatMap((f) =>
    f.versions.slice(counts.get(f.name) ?? 0).map((v) => ({ flow: f.name, hash: norm(v.yaml) }))
  );
}
const versionCounts = (w: World) => new Map(w.em.org.flows.map((f) => [f.name, f.versions.length]));
const mutatingSince = (w: World, seq: number) => w.em.mutatingRequests().filter((r) => r.seq > seq).length;
const lastSeq = (w: World) => Math.max(0, ...w.em.requests().map((r) => r.seq));

/**
 * Two runs at once: exactly one may change the org; the other must fail before any change, naming the holder (the
 * winner's release id). `changed[i]`: the versions run i made (attributed by content).
 */
function judgePair(w: World, runs: [ActionRun, ActionRun], changed: [number, number], what: string): string[] {
  const out: string[] = [];
  const both = changed[0] > 0 && changed[1] > 0;
  if (both) {
    w.durableFigures!.bothChanged++;
    out.push(`${what}: both runs changed the org (${changed[0]} and ${changed[1]} new versions): no org lock held`);
  }
  const winners = [0, 1].filter((i) => changed[i]! > 0);
  if (winners.length === 0) out.push(`${what}: neither run changed the org (${runs.map((r) => r.outputs.outcome)})`);
  if (winners.length === 1) {
    const loser = runs[1 - winners[0]!] as ActionRun;
    const holder = releaseIdOf(runs[winners[0]!] as ActionRun);
    out.push(
      ...expectThat(
        loser.exitCode !== 0 && loser.outputs.outcome === 'failed',
        `${what}: the other run ended ${loser.outputs.outcome}/${loser.exitCode}, not failed`
      ),
      ...expectThat(
        !!holder && shown(loser).includes(holder),
        `${what}: the other run does not name the holder (${holder ?? 'no release id'})`
      )
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ scenarios

const twoFlowWorld = (stamp: string): WorldOptions => ({
  organization: ORG,
  org: FOUR.map((name) => ({ name, versions: 1, traffic: HEALTHY })),
  latency: { ...FAST, jobMs: 300 },
  manifest: {
    flows: FOUR.slice(0, 2).map((name) => ({ name, yaml: contentOf(stamp)[name] })),
    stages: [{ name: 'only', flows: FOUR.slice(0, 2), bake: '0s' }]
  }
});

export const DURABLE_SCENARIOS: FaultScenario[] = [
  {
    id: 'D01-concurrent-deploys',
    issue: 10,
    faultClass: 'durable-concurrency',
    title: 'two deploys at once (different flows, one org): exactly one changes the org, the other names the holder',
    world: () => twoFlowWorld('concurrent'),
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      const other = w.clone('work-b');
      const content = contentOf('concurrent', FOUR.slice(0, 2));
      const before = versionCounts(w);
      const [a, b] = await Promise.all([
        d.run(
          'run A',
          'deploy',
          { 'Alpha IVR': content['Alpha IVR']! },
          { inputs: { flows: 'Alpha IVR' }, env: { GITHUB_RUN_ID: '2001' } }
        ),
        d.run(
          'run B',
          'deploy',
          { 'Beta IVR': content['Beta IVR']! },
          { inputs: { flows: 'Beta IVR' }, env: { GITHUB_RUN_ID: '2002' }, workspace: other }
        )
      ]);
      const made = newVersions(w, before);
      const changed: [number, number] = [
        made.filter((v) => v.flow === 'Alpha IVR').length,
        made.filter((v) => v.flow === 'Beta IVR').length
      ];
      w.durableFigures!.notes.push(...judgePair(w, [a, b], changed, 'concurrent deploys'));
    },
    expect: (w) => [...failuresOf(w), ...(w.durableFigures?.notes ?? [])]
  },
  {
    id: 'D02-concurrent-deploy-and-rollback',
    issue: 10,
    faultClass: 'durable-concurrency',
    title: 'a rollback while a deploy is mid-release: exactly one changes the org, the other names the holder',
    world: () => twoFlowWorld('release-1'),
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      const names = FOUR.slice(0, 2);
      await d.run('release 1', 'deploy', contentOf('release-1', names));
      const other = w.clone('work-b');
      const v2 = contentOf('release-2', names);
      for (const n of names) writeFileSync(join(other, flowPath(n)), v2[n]!);
      execFileSync('git', ['-c', 'user.name=B', '-c', 'user.email=b@example.com', 'commit', '-qam', 'release 2'], {
        cwd: other
      });
      const before = versionCounts(w);
      // The rollback starts at the deploy's first mutating call: the two runs provably overlap (D01 starts its two
      // at the same instant instead, racing for the lock itself).
      let rollback: Promise<ActionRun> | undefined;
      w.hooks = {
        received: () => {
          rollback ??= d.run('rollback', 'rollback', contentOf('release-1', names), { env: { GITHUB_RUN_ID: '2102' } });
        }
      };
      const dep = await d.run('deploy', 'deploy', v2, { workspace: other, env: { GITHUB_RUN_ID: '2101' } });
      w.hooks = {};
      const rb = await (rollback ?? d.run('rollback', 'rollback', contentOf('release-1', names)));
      const made = newVersions(w, before);
      const v2Hashes = new Set(Object.values(v2).map(norm));
      const changed: [number, number] = [
        made.filter((v) => v2Hashes.has(v.hash)).length,
        made.filter((v) => !v2Hashes.has(v.hash)).length
      ];
      w.durableFigures!.notes.push(...judgePair(w, [dep, rb], changed, 'deploy + rollback'));
    },
    expect: (w) => [...failuresOf(w), ...(w.durableFigures?.notes ?? [])]
  },
  {
    id: 'D03-killed-lock-holder-takeover',
    issue: 10,
    faultClass: 'lease',
    title: 'a run killed holding the lock: the next run stops naming it; takeover-lock: true proceeds and journals it',
    world: killWorld,
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      const content = contentOf('kill-release', KILL_FLOWS);
      const killed = await d.killed('killed holder', { n: 1, when: 'after' });
      const holder = releaseIdOf(killed.run);
      const seq = lastSeq(w);
      const blocked = await d.run('run without takeover', 'deploy', content);
      const notes = w.durableFigures!.notes;
      notes.push(
        ...expectThat(
          mutatingSince(w, seq) === 0,
          `run without takeover: ${mutatingSince(w, seq)} mutating call(s) while the killed run holds the lock`
        ),
        ...expectThat(
          blocked.exitCode !== 0 && blocked.outputs.outcome === 'failed',
          `run without takeover ended ${blocked.outputs.outcome}/${blocked.exitCode}, not failed`
        ),
        ...expectThat(
          !!holder && shown(blocked).includes(holder),
          `run without takeover does not name the holder ${holder ?? '(killed run has no release id)'}`
        )
      );
      const taker = await d.run('takeover run', 'deploy', content, { inputs: { 'takeover-lock': 'true' } });
      const ledger = readLedger(w, ORG.id);
      // Journaled = an event (not the run's own start, which may echo its inputs) that names the previous holder.
      const journaled =
        !!holder &&
        journalOf(taker).events.some((e) => e.type !== 'release-started' && JSON.stringify(e).includes(holder));
      notes.push(
        ...expectThat(journaled, `takeover run: no journal event names the previous holder ${holder ?? '(unknown)'}`),
        ...expectThat(
          JSON.stringify(ledger.doc ?? {}).includes('takenOver') ||
            JSON.stringify(ledger.doc?.history ?? []).includes('recover'),
          `takeover run: the ledger records no takeover or recovery (${ledger.error ?? 'document without it'})`
        )
      );
      notes.push('lease expiry: the engine has no lease input (30 min default), so takeover is tested, not expiry');
    },
    expect: (w) => [...failuresOf(w), ...(w.durableFigures?.notes ?? []).filter((n) => !n.startsWith('lease expiry'))]
  },
  {
    id: 'D04-ledger-push-race',
    issue: 10,
    faultClass: 'ledger-race',
    title:
      'another writer pushes to the state branch mid-run: the run re-reads and proceeds or stops, never overwrites',
    world: () => ({ ...killWorld(), faults: [] }),
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      let raced: string | undefined;
      let raceNote = '';
      let count = 0;
      w.hooks = {
        received: () => {
          if (++count !== 2) return;
          const head = stateHead(w);
          if (!head) {
            raceNote = `no ${STATE_BRANCH} branch at the 2nd mutating call: nothing to race`;
            return;
          }
          const doc = { history: [], inProgress: null, lock: null, org: { id: OTHER_ORG }, version: 1 };
          raced = commitToStateBranch(
            w,
            { [`orgs/${OTHER_ORG}/ledger.json`]: `${JSON.stringify(doc, null, 2)}\n` },
            `ledger ${OTHER_ORG}: third party`,
            head
          );
        }
      };
      const run = await d.run('raced run', 'deploy', contentOf('kill-release', KILL_FLOWS));
      w.hooks = {};
      const head = stateHead(w);
      const id = releaseIdOf(run);
      const recorded = JSON.stringify(readLedger(w, ORG.id).doc?.history ?? []).includes(id ?? '\u0000');
      const stopped = run.outputs.outcome === 'failed' && /flow-release-state|ledger/i.test(shown(run));
      w.durableFigures!.notes.push(
        ...expectThat(
          !raced || (!!head && isAncestor(w, raced, head)),
          `the third party's commit ${raced} was overwritten (head ${head})`
        ),
        ...expectThat(
          recorded || stopped,
          `the raced run neither recorded its release in the ledger nor stopped naming the state branch (${raceNote || readLedger(w, ORG.id).error || 'no history entry'})`
        )
      );
    },
    expect: (w) => [...failuresOf(w), ...(w.durableFigures?.notes ?? [])]
  },
  {
    id: 'D05-corrupted-ledger',
    issue: 10,
    faultClass: 'ledger-corruption',
    title: 'a corrupted ledger: the run stops before any change with a clear error, the branch is not overwritten',
    world: () => ({ ...killWorld(), faults: [] }),
    run: async (w) => {
      const d = new Durable(w, ORG.id);
      d.begin();
      const path = `orgs/${ORG.id}/ledger.json`;
      const corrupt = commitToStateBranch(
        w,
        {
          'README.md': '# Flow Release state\n\nWritten by the fault suite.\n',
          [path]: '{"version": 1, "org": {"id": "'
        },
        'a corrupted ledger'
      );
      const run = await d.run('run on a corrupted ledger', 'deploy', contentOf('kill-release', KILL_FLOWS));
      w.durableFigures!.notes.push(
        ...expectThat(
          w.em.mutatingRequests().length === 0,
          `${w.em.mutatingRequests().length} mutating call(s) despite an unreadable ledger`
        ),
        ...expectThat(
          run.exitCode !== 0 && run.outputs.outcome === 'failed',
          `the run ended ${run.outputs.outcome}/${run.exitCode}, not failed`
        ),
        ...expectThat(shown(run).includes(path), `the error does not name ${path}`),
        ...expectThat(stateHead(w) === corrupt, `the state branch moved from ${corrupt} to ${stateHead(w)}`)
      );
    },
    expect: (w) => [...failuresOf(w), ...(w.durableFigures?.notes ?? [])]
  }
];
