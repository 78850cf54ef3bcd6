// The fault suite's scenario table (issue 5, scenarios 1–18). Each scenario builds a world (emulator + git fixture),
// runs the action in it one or more times, and returns the failures of its own expectation; the runner then checks
// the four invariants of fault-harness.ts on every world.
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ActionRun } from './action-runner.ts';
import {
  auditFlow,
  auditFlows,
  CLIENT_ID,
  secretForms,
  ivrYaml,
  journalOf,
  type ManifestSpec,
  type OrgFlow,
  type World,
  type WorldOptions,
  HEALTHY
} from './fault-harness.ts';

export type FaultClass =
  | 'throttling'
  | 'transient-errors'
  | 'ambiguous-writes'
  | 'auth'
  | 'malformed-responses'
  | 'jobs'
  | 'staged-rollback'
  | 'rollback-failure'
  | 'snapshot'
  | 'outage'
  | 'concurrency'
  | 'locks'
  | 'scale'
  | 'git'
  | 'hostile-text'
  | 'injection'
  | 'endpoints'
  | 'hostile-files'
  | 'kill-points'
  | 'durable-concurrency'
  | 'lease'
  | 'ledger-race'
  | 'ledger-corruption';

export interface FaultScenario {
  id: string;
  /** The issue's scenario number (1–18; 10 for the durable-state scenarios of issue 10 item 8). */
  issue: number;
  faultClass: FaultClass;
  title: string;
  world: () => WorldOptions;
  /** Runs the action (default: one deploy). */
  run?: (w: World) => Promise<void>;
  /** The scenario's own expectation: the failures (empty = pass). */
  expect: (w: World) => string[];
}

// ------------------------------------------------------------------------------------------------ building blocks

const STAMP = 'v2';
const THREE = ['Alpha IVR', 'Beta IVR', 'Gamma IVR'];

/** Alpha, Beta, Gamma in three one-flow stages, each with new content. */
function threeStages(over: Partial<ManifestSpec> = {}, greeting = STAMP): ManifestSpec {
  return {
    flows: THREE.map((n) => ({ name: n, yaml: ivrYaml(n, `${n} ${greeting}`) })),
    stages: THREE.map((n, i) => ({ name: `stage-${i + 1}`, flows: [n] })),
    ...over
  };
}

const run1 = (w: World): ActionRun => {
  const r = w.runs[0];
  if (!r) throw new Error('no run');
  return r;
};
const outcomeIs = (r: ActionRun, ...want: string[]): string[] =>
  want.includes(r.outputs.outcome ?? '')
    ? []
    : [`outcome ${r.outputs.outcome} (exit ${r.exitCode}), expected ${want.join('|')}`];
const expectThat = (cond: boolean, msg: string): string[] => (cond ? [] : [msg]);
const everything = (r: ActionRun) => `${r.stdout}\n${r.stderr}\n${r.summary}`;
const countKey = (w: World, key: string) => w.em.counts()[key] ?? 0;
const stateFlow = (w: World, name: string) => w.em.state().flows.find((f) => f.name === name && !f.deleted);
const publishCount = (w: World, name: string) => stateFlow(w, name)?.publishCount ?? 0;
const mutations = (w: World) => w.em.mutatingRequests();
const faultFired = (w: World) => w.em.state().faults.reduce((n, f) => n + f.fired, 0);
const allPublished = (w: World, names = THREE) =>
  names.flatMap((n) =>
    auditFlow(run1(w), n)?.status === 'published' ? [] : [`${n}: status ${auditFlow(run1(w), n)?.status}`]
  );
const liveGreeting = (w: World, name: string) => {
  const f = w.em.org.flows.find((x) => x.name === name && !x.deleted);
  const v = f?.versions.find((x) => x.id === f.publishedVersionId);
  return v?.yaml ?? '';
};

/** Deploy, and run `action` once when stdout shows `marker` (e.g. inject a fault mid-release). */
async function deployWhen(w: World, marker: RegExp, action: () => void): Promise<ActionRun> {
  let seen = '';
  let done = false;
  return w.deploy({
    onStdout: (chunk) => {
      if (done) return;
      seen += chunk;
      if (marker.test(seen)) {
        done = true;
        action();
      }
    }
  });
}

function noMutations(w: World): string[] {
  const m = mutations(w);
  return expectThat(
    m.length === 0,
    `expected no mutating call, saw ${m.map((r) => `${r.method} ${r.path}`).join(', ')}`
  );
}

/** The values the action itself may mask. */
const maskable = (w: World) => [...secretForms(CLIENT_ID, w.secret), ...w.em.issuedTokens()];

function noWorkflowCommands(r: ActionRun, secrets: string[]): string[] {
  const bad: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (/^::stop-commands::/.test(line) || /^::set-output/.test(line) || /^::set-env/.test(line))
      bad.push(`workflow command executed: ${line.slice(0, 60)}`);
    // The action masks its own secrets (the client secret, the Basic value, each token): anything else is injected.
    const mask = /^::add-mask::(.*)$/.exec(line);
    const value = mask?.[1]?.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
    if (value !== undefined && !secrets.some((s) => value === s))
      bad.push(`unexpected add-mask: ${line.slice(0, 40)}…`);
  }
  return bad;
}

// ------------------------------------------------------------------------------------------------ scenarios

const HOSTILE =
  "::stop-commands::pwned\n::add-mask::Alpha\n%0A::error::injected <script>alert('x')</script> **bold** [x](http://evil) | pipe";

export const SCENARIOS: FaultScenario[] = [
  // 1 — throttling
  {
    id: 'S01a-429-retry-after-seconds',
    issue: 1,
    faultClass: 'throttling',
    title: '429 storm with Retry-After in seconds converges',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'rate-limit', count: 6, retryAfter: 1, method: 'GET', path: '/api/v2/flows/*' }]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...expectThat(faultFired(w) === 6, `fault fired ${faultFired(w)}/6`),
      ...expectThat(
        Number((run1(w).audit?.api as { throttled?: number } | undefined)?.throttled ?? 0) >= 1,
        'audit api.throttled not counted'
      )
    ]
  },
  {
    id: 'S01b-429-retry-after-http-date',
    issue: 1,
    faultClass: 'throttling',
    title: '429 storm with Retry-After as an HTTP date converges',
    world: () => ({
      manifest: threeStages(),
      faults: [
        { kind: 'rate-limit', count: 4, retryAfter: 2, retryAfterFormat: 'http-date', method: 'POST', path: '*' }
      ]
    }),
    expect: (w) => [...outcomeIs(run1(w), 'succeeded'), ...expectThat(faultFired(w) === 4, 'fault not exercised')]
  },
  {
    id: 'S01c-429-beyond-budget',
    issue: 1,
    faultClass: 'throttling',
    title: 'Retry-After beyond the budget fails fast with a named failure',
    world: () => ({ manifest: threeStages(), faults: [{ kind: 'rate-limit', retryAfter: 3600 }] }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(run1(w).durationMs < 20_000, `took ${run1(w).durationMs} ms`),
      ...expectThat(/budget/i.test(everything(run1(w))), 'no budget message'),
      ...expectThat(/429|rate-limit/i.test(everything(run1(w))), 'failure not named as a rate limit'),
      ...noMutations(w)
    ]
  },
  // 2 — transient errors
  {
    id: 'S02a-5xx-and-resets-on-reads',
    issue: 2,
    faultClass: 'transient-errors',
    title: 'bursts of 502/503/504 and connection resets on reads converge',
    world: () => ({
      manifest: threeStages(),
      faults: [
        { kind: 'http-error', status: 502, method: 'GET', count: 2 },
        { kind: 'http-error', status: 503, method: 'GET', path: '/api/v2/flows/jobs/{id}', count: 2 },
        { kind: 'http-error', status: 504, method: 'GET', path: '/api/v2/flows/{id}', count: 2 },
        { kind: 'connection-reset', method: 'GET', when: 'before-body', count: 3 }
      ]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...allPublished(w),
      ...expectThat(faultFired(w) === 9, `faults fired ${faultFired(w)}/9`)
    ]
  },
  {
    id: 'S02b-4xx-tried-once',
    issue: 2,
    faultClass: 'transient-errors',
    title: 'a non-retryable 4xx on a write is tried once',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'http-error', status: 403, method: 'POST', path: '/api/v2/flows/jobs' }]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed', 'rolled-back'),
      ...expectThat(
        countKey(w, 'POST /api/v2/flows/jobs') === 1,
        `POST jobs sent ${countKey(w, 'POST /api/v2/flows/jobs')}×`
      ),
      ...expectThat(publishCount(w, 'Beta IVR') + publishCount(w, 'Gamma IVR') === 0, 'later stages touched')
    ]
  },
  // 3 — ambiguous writes
  {
    id: 'S03a-upload-reset-after-processing',
    issue: 3,
    faultClass: 'ambiguous-writes',
    title: 'upload dropped after processing: state read back, never published twice',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'connection-reset', method: 'PUT', path: '/__uploads/{id}', when: 'after-processing', count: 1 }]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...THREE.flatMap((n) => expectThat(publishCount(w, n) === 1, `${n} published ${publishCount(w, n)}×`))
    ]
  },
  {
    id: 'S03b-draft-publish-504-after-processing',
    issue: 3,
    faultClass: 'ambiguous-writes',
    title: 'actions/publish answered 504 after publishing: read back, not re-sent',
    world: () => ({
      manifest: { flows: [{ name: 'Draft IVR', source: 'draft' }] },
      faults: [
        {
          kind: 'http-error',
          status: 504,
          method: 'POST',
          path: '/api/v2/flows/actions/publish',
          afterProcessing: true,
          count: 1
        }
      ]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...expectThat(publishCount(w, 'Draft IVR') === 1, `Draft IVR published ${publishCount(w, 'Draft IVR')}×`),
      ...expectThat(
        countKey(w, 'POST /api/v2/flows/actions/publish') === 1,
        `actions/publish sent ${countKey(w, 'POST /api/v2/flows/actions/publish')}×`
      )
    ]
  },
  {
    id: 'S03c-job-register-reset-after-processing',
    issue: 3,
    faultClass: 'ambiguous-writes',
    title: 'job registration dropped after processing: no duplicate publish',
    world: () => ({
      manifest: threeStages(),
      faults: [
        { kind: 'connection-reset', method: 'POST', path: '/api/v2/flows/jobs', when: 'after-processing', count: 1 }
      ]
    }),
    expect: (w) => [
      ...expectThat(
        run1(w).outputs.outcome !== 'succeeded' || publishCount(w, 'Alpha IVR') === 1,
        'Alpha published twice'
      ),
      ...expectThat(faultFired(w) === 1, 'fault not exercised')
    ]
  },
  // 4 — auth
  {
    id: 'S04a-token-expiry-during-polling',
    issue: 4,
    faultClass: 'auth',
    title: 'token expiry mid-run (during job polling): renewed, no loop',
    world: () => ({
      manifest: threeStages(),
      latency: { jobMs: 2500 },
      faults: [{ kind: 'token-expiry', seconds: 2 }]
    }),
    expect: (w) => {
      const tokens = countKey(w, 'POST /oauth/token');
      const maxTokens = Math.ceil(run1(w).durationMs / 2000) + 2;
      const unauthorized = w.em.requests().filter((r) => r.status === 401).length;
      return [
        ...outcomeIs(run1(w), 'succeeded'),
        ...expectThat(tokens >= 2, `no renewal (${tokens} token calls)`),
        ...expectThat(tokens <= maxTokens, `${tokens} token calls > ${maxTokens}: renewal loop`),
        ...expectThat(
          unauthorized <= tokens,
          `${unauthorized} 401s for ${tokens} tokens: a token was retried after 401`
        )
      ];
    }
  },
  {
    id: 'S04b-token-expiry-during-rollback',
    issue: 4,
    faultClass: 'auth',
    title: 'token expiry during the rollback: renewed, rollback verified',
    world: () => ({
      manifest: threeStages(),
      latency: { jobMs: 1500 },
      faults: [
        { kind: 'token-expiry', seconds: 3 },
        { kind: 'job-failure', flow: 'Beta IVR', message: "Unable to find a queue named 'Nope'." }
      ]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'rolled-back'),
      ...expectThat(countKey(w, 'POST /oauth/token') >= 2, 'no renewal'),
      ...expectThat(
        auditFlow(run1(w), 'Alpha IVR')?.status === 'rolled-back',
        `Alpha ${auditFlow(run1(w), 'Alpha IVR')?.status}`
      )
    ]
  },
  {
    id: 'S04c-invalid-client',
    issue: 4,
    faultClass: 'auth',
    title: 'invalid_client fails fast with a fix-it message',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      const wrong = `Wrong+${w.secret.slice(3, 9)}/secret=`;
      w.extraSecrets.push(wrong);
      await w.deploy({ inputs: { 'client-secret': wrong } });
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(countKey(w, 'POST /oauth/token') === 1, `login tried ${countKey(w, 'POST /oauth/token')}×`),
      ...expectThat(/client-id and client-secret/.test(everything(run1(w))), 'no fix-it message'),
      ...expectThat(run1(w).durationMs < 15_000, `took ${run1(w).durationMs} ms`),
      ...noMutations(w)
    ]
  },
  // 5 — malformed responses
  ...(['html', 'truncated-json', 'missing-field', 'unknown-enum'] as const).map((mode): FaultScenario => ({
    id: `S05-malformed-${mode}`,
    issue: 5,
    faultClass: 'malformed-responses',
    title: `malformed 200 (${mode}) on job polling: typed error, never a success`,
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'malformed-response', mode, method: 'GET', path: '/api/v2/flows/jobs/{id}' }]
    }),
    expect: (w) => {
      const a = auditFlow(run1(w), 'Alpha IVR');
      return [
        ...outcomeIs(run1(w), 'failed', 'rolled-back', 'rollback-failed'),
        ...expectThat(a?.status !== 'published' && a?.status !== 'unchanged', `Alpha reported ${a?.status}`),
        ...expectThat(publishCount(w, 'Beta IVR') === 0, 'stage 2 ran after an unknown stage 1')
      ];
    }
  })),
  // 6 — jobs
  {
    id: 'S06a-stuck-job',
    issue: 6,
    faultClass: 'jobs',
    title: 'job stuck in Started past its deadline → rollback, job id in the audit',
    world: () => ({
      manifest: threeStages({ extra: 'job-timeout: 10s' }),
      faults: [{ kind: 'stuck-job', flow: 'Beta IVR' }]
    }),
    expect: (w) => {
      const stuck = w.em.state().jobs.find((j) => j.status === 'Started');
      const auditText = JSON.stringify(run1(w).audit ?? {});
      return [
        ...outcomeIs(run1(w), 'rolled-back'),
        ...expectThat(!!stuck && auditText.includes(stuck.id), 'stuck job id not in the audit'),
        ...expectThat(publishCount(w, 'Gamma IVR') === 0, 'stage 3 touched')
      ];
    }
  },
  {
    id: 'S06b-job-failure-messages',
    issue: 6,
    faultClass: 'jobs',
    title: 'job Failure → its messages in the summary and the audit',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'job-failure', flow: 'Beta IVR', message: "Unable to find a queue named 'Overflow'." }]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'rolled-back'),
      ...expectThat(run1(w).summary.includes('Overflow'), 'message not in the summary'),
      ...expectThat(
        JSON.stringify(run1(w).audit).includes("Unable to find a queue named 'Overflow'."),
        'message not in the audit'
      )
    ]
  },
  // 7 — staged rollback
  {
    id: 'S07a-stage2-check-fails',
    issue: 7,
    faultClass: 'staged-rollback',
    title: 'stage 2 of 3 fails its check → stages 1–2 rolled back newest first, restored versions re-checked',
    world: () => ({
      manifest: threeStages({
        stages: THREE.map((n, i) => ({ name: `stage-${i + 1}`, flows: [n], checks: ['failures'] })),
        checks: 'failures: { kind: analytics, metric: outcome-failure-rate, max: 0.05, min-samples: 20 }'
      }),
      faults: [{ kind: 'unhealthy', flow: 'Beta IVR', failureRatio: 0.5, initial: 50 }]
    }),
    expect: (w) => {
      const { events } = journalOf(run1(w));
      const order = events.filter((e) => e.type === 'rollback-flow').map((e) => e.flow);
      const recheck = events.filter((e) => e.type === 'check-result' && e.details.round === 0);
      return [
        ...outcomeIs(run1(w), 'rolled-back'),
        ...expectThat(
          JSON.stringify(order) === JSON.stringify(['Beta IVR', 'Alpha IVR']),
          `rollback order ${order.join(', ')}`
        ),
        ...expectThat(publishCount(w, 'Gamma IVR') === 0, 'stage 3 touched'),
        ...expectThat(recheck.length > 0, 'restored versions not re-checked'),
        ...['Alpha IVR', 'Beta IVR'].flatMap((n) =>
          expectThat(!liveGreeting(w, n).includes(STAMP), `${n} still runs the new content`)
        )
      ];
    }
  },
  {
    id: 'S07b-inconclusive-check-fails',
    issue: 7,
    faultClass: 'staged-rollback',
    title: 'an inconclusive check never passes unless configured to',
    world: () => ({
      manifest: threeStages({
        stages: [{ name: 'only', flows: THREE, checks: ['failures'] }],
        checks: 'failures: { kind: analytics, metric: outcome-failure-rate, max: 0.05, min-samples: 100000 }'
      })
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'rolled-back'),
      ...expectThat(
        journalOf(run1(w)).events.some((e) => e.type === 'check-result' && e.details.result === 'inconclusive'),
        'no inconclusive check result'
      )
    ]
  },
  {
    id: 'S07c-inconclusive-pass-with-warning',
    issue: 7,
    faultClass: 'staged-rollback',
    title: 'on-insufficient-data: pass-with-warning passes with a warning',
    world: () => ({
      manifest: threeStages({
        stages: [{ name: 'only', flows: THREE, checks: ['failures'] }],
        checks:
          'failures: { kind: analytics, metric: outcome-failure-rate, max: 0.05, min-samples: 100000, on-insufficient-data: pass-with-warning }'
      })
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...expectThat(
        journalOf(run1(w)).events.some((e) => e.type === 'check-result' && e.details.result === 'pass-with-warning'),
        'no pass-with-warning result'
      )
    ]
  },
  // 8 — the rollback fails
  {
    id: 'S08-rollback-fails',
    issue: 8,
    faultClass: 'rollback-failure',
    title: 'the rollback itself fails → 3 attempts, then rollback-failed with expected vs actual',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'job-failure', flow: 'Beta IVR', message: 'Beta is broken' }]
    }),
    run: async (w) => {
      await deployWhen(w, /Published "Alpha IVR"/, () =>
        w.em.addFault({ kind: 'job-failure', flow: 'Alpha IVR', message: 'Rollback job refused' } as never)
      );
    },
    expect: (w) => {
      const rb = journalOf(run1(w)).events.find((e) => e.type === 'rollback-flow' && e.flow === 'Alpha IVR');
      const d = rb?.details as
        { attempts?: number; expected?: { version?: string }; actual?: { version?: string } } | undefined;
      return [
        ...outcomeIs(run1(w), 'rollback-failed'),
        ...expectThat(d?.attempts === 3, `attempts ${d?.attempts}`),
        ...expectThat(!!d?.expected?.version && !!d.actual?.version, 'expected/actual versions missing'),
        ...expectThat(
          /rollback/i.test(run1(w).summary) && run1(w).summary.includes('Alpha IVR'),
          'summary lacks the rollback'
        )
      ];
    }
  },
  // 9 — snapshot export fails
  {
    id: 'S09-snapshot-export-fails',
    issue: 9,
    faultClass: 'snapshot',
    title: 'snapshot export fails before publishing → abort with nothing changed',
    world: () => ({
      manifest: threeStages(),
      faults: [{ kind: 'export-failure', flow: 'Alpha IVR', message: 'export broke' }]
    }),
    expect: (w) => [...outcomeIs(run1(w), 'failed'), ...noMutations(w)]
  },
  // 10 — outage
  {
    id: 'S10-api-outage-mid-release',
    issue: 10,
    faultClass: 'outage',
    title: 'full API outage after stage 1 → no false success, per-flow state, non-zero exit',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      await deployWhen(w, /Published "Alpha IVR"/, () =>
        w.em.addFault({ kind: 'http-error', status: 500, path: '*' } as never)
      );
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed', 'rollback-failed'),
      ...expectThat(run1(w).exitCode !== 0, 'exit 0'),
      ...expectThat(auditFlows(run1(w)).length === 3, 'not every flow reported'),
      ...expectThat(
        auditFlow(run1(w), 'Alpha IVR')?.status !== 'published' || run1(w).outputs.outcome !== 'succeeded',
        'false success'
      )
    ]
  },
  // 11 — concurrency
  {
    id: 'S11-two-releases-at-once',
    issue: 11,
    faultClass: 'concurrency',
    title: 'two releases of the same flow at once: no lost update',
    world: () => ({
      manifest: { flows: [{ name: 'Alpha IVR', yaml: ivrYaml('Alpha IVR', 'from release A') }] },
      latency: { jobMs: 600 }
    }),
    run: async (w) => {
      const other = w.clone('work-b');
      writeFileSync(join(other, 'genesys/flows/alpha-ivr.yaml'), ivrYaml('Alpha IVR', 'from release B'));
      execFileSync('git', ['-c', 'user.name=B', '-c', 'user.email=b@example.com', 'commit', '-qam', 'B'], {
        cwd: other
      });
      const [a, b] = await Promise.all([w.deploy(), w.deploy({ workspace: other })]);
      // w.runs fills in completion order; the expectation below needs run 1 = release A, run 2 = release B.
      w.runs.splice(0, w.runs.length, a, b);
    },
    expect: (w) => {
      // A run that reports Alpha published claims its own content is live: at most one run may, and it must be true.
      const live = liveGreeting(w, 'Alpha IVR');
      const claims = w.runs
        .map((r, i) => ({ i, f: auditFlow(r, 'Alpha IVR') }))
        .filter((x) => x.f?.status === 'published');
      const own = (i: number) => (i === 0 ? 'from release A' : 'from release B');
      const conflicts = w.runs.filter((r) =>
        journalOf(r).events.some((e) => e.type === 'publish-failed' && e.flow === 'Alpha IVR' && e.details.conflict)
      );
      return [
        ...claims.flatMap(({ i, f }) =>
          expectThat(
            live.includes(own(i)),
            `lost update: run ${i + 1} reports Alpha published at ${f?.final.version}, but the live content is the other release's`
          )
        ),
        // Both releases use one OAuth client: when their publishes race, identity cannot tell whose version is whose,
        // and each run reports a conflict naming the other version instead of claiming it (docs/platform.md).
        ...expectThat(
          claims.length >= 1 || conflicts.length >= 1 || !/from release/.test(live),
          'the org changed but no run claims it or reports a conflict'
        )
      ];
    }
  },
  // 12 — locks
  {
    id: 'S12a-locked-by-person',
    issue: 12,
    faultClass: 'locks',
    title: 'a flow locked by a person is refused before any change, naming them',
    world: () => ({ manifest: threeStages(), faults: [{ kind: 'locked', flow: 'Beta IVR', user: 'Jane Doe' }] }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(everything(run1(w)).includes('Jane Doe'), 'the lock holder is not named'),
      ...noMutations(w)
    ]
  },
  {
    id: 'S12b-force-unlock-audited',
    issue: 12,
    faultClass: 'locks',
    title: 'force-unlock only when configured, and audited',
    world: () => ({
      manifest: threeStages({
        flows: THREE.map((n) => ({
          name: n,
          yaml: ivrYaml(n, `${n} ${STAMP}`),
          ...(n === 'Beta IVR' ? { extra: 'force-unlock: true' } : {})
        }))
      }),
      faults: [{ kind: 'locked', flow: 'Beta IVR', user: 'Jane Doe' }]
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded'),
      ...expectThat(
        journalOf(run1(w)).events.some((e) => e.type === 'flow-unlocked' && e.details.lockedBy === 'Jane Doe'),
        'unlock not audited with the holder'
      ),
      ...expectThat(countKey(w, 'POST /api/v2/flows/actions/unlock') === 1, 'not exactly one unlock')
    ]
  },
  // 13 — scale
  {
    id: 'S13-fifty-flows-30pct-throttled',
    issue: 13,
    faultClass: 'scale',
    title: '50 flows with 30% of API requests throttled converge within concurrency and budgets',
    world: () => {
      const names = Array.from({ length: 50 }, (_, i) => `Bulk IVR ${String(i + 1).padStart(2, '0')}`);
      const org: OrgFlow[] = names.slice(0, 25).map((name) => ({ name, versions: 1, traffic: HEALTHY }));
      return {
        org,
        manifest: {
          flows: names.map((n) => ({ name: n, yaml: ivrYaml(n, `${n} ${STAMP}`) })),
          extra: 'concurrency: 4'
        },
        faults: [{ kind: 'rate-limit', ratio: 0.3, retryAfter: 1, path: '/api/v2/*' }]
      };
    },
    expect: (w) => {
      const r = run1(w);
      const published = auditFlows(r).filter((f) => f.status === 'published').length;
      const jobs = w.em
        .requests()
        .filter((q) => q.key === 'POST /api/v2/flows/jobs' || q.key.startsWith('GET /api/v2/flows/jobs'));
      const throttled = w.em.requests().filter((q) => q.status === 429).length;
      const api = w.em.requests().filter((q) => q.path.startsWith('/api/v2/')).length;
      return [
        ...outcomeIs(r, 'succeeded'),
        ...expectThat(published === 50, `${published}/50 published`),
        ...expectThat(throttled / api > 0.25, `only ${throttled}/${api} throttled`),
        ...expectThat(jobs.length > 0, 'no jobs'),
        ...expectThat(maxInFlightJobs(w) <= 4, `${maxInFlightJobs(w)} jobs in flight > concurrency 4`)
      ];
    }
  },
  // 14 — git
  {
    id: 'S14a-non-fast-forward',
    issue: 14,
    faultClass: 'git',
    title: 'non-fast-forward push (someone pushed meanwhile) → rebased, pushed, nothing lost',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      const other = w.clone('work-other');
      writeFileSync(join(other, 'NOTES.md'), 'someone else\n');
      execFileSync('git', ['add', '-A'], { cwd: other });
      execFileSync('git', ['-c', 'user.name=O', '-c', 'user.email=o@example.com', 'commit', '-qm', 'Other change'], {
        cwd: other
      });
      execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: other });
      await w.deploy();
    },
    expect: (w) => {
      const log = w.repo.remoteLog();
      return [
        ...outcomeIs(run1(w), 'succeeded'),
        ...expectThat(run1(w).exitCode === 0, `exit ${run1(w).exitCode}`),
        ...expectThat(log.includes('Other change'), 'the other commit was lost (force-push?)'),
        ...expectThat(log[0]?.startsWith('release:') === true, 'the release commit is not on top')
      ];
    }
  },
  {
    id: 'S14b-rebase-conflict',
    issue: 14,
    faultClass: 'git',
    title: 'rebase conflict on the artifacts → clear outcome, no force-push, no loop',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      const other = w.clone('work-other');
      mkdirSync(join(other, 'genesys/published/inboundcall'), { recursive: true });
      writeFileSync(join(other, 'genesys/published/inboundcall/Alpha IVR.yaml'), 'conflicting: true\n');
      writeFileSync(join(other, 'genesys/published/release.json'), '{"conflicting": true}\n');
      execFileSync('git', ['add', '-A'], { cwd: other });
      execFileSync(
        'git',
        ['-c', 'user.name=O', '-c', 'user.email=o@example.com', 'commit', '-qm', 'Conflicting artifacts'],
        { cwd: other }
      );
      execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: other });
      await w.deploy();
    },
    expect: (w) => {
      const log = w.repo.remoteLog();
      const commit = journalOf(run1(w)).events.find((e) => e.type === 'commit');
      return [
        ...expectThat(log.includes('Conflicting artifacts'), 'the other commit was lost (force-push?)'),
        ...expectThat(!!commit, 'no commit event'),
        ...expectThat(
          (commit?.details.pushed === true && log[0]?.startsWith('release:') === true) ||
            (commit?.details.pushed === false && run1(w).exitCode !== 0),
          `unclear outcome: pushed ${String(commit?.details.pushed)}, exit ${run1(w).exitCode}`
        ),
        ...expectThat(Number(commit?.details.attempts ?? 0) <= 3, `push attempts ${String(commit?.details.attempts)}`)
      ];
    }
  },
  {
    id: 'S14c-protected-branch',
    issue: 14,
    faultClass: 'git',
    title: 'protected branch (pre-receive rejects) → no loop, no force-push, failed step',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      const hook = join(w.repo.remote, 'hooks/pre-receive');
      // main is protected; the state branch (the release ledger) accepts pushes, as docs/state.md requires.
      writeFileSync(
        hook,
        '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = refs/heads/main ]; then\n' +
          '    echo "GH006: Protected branch update failed for refs/heads/main." >&2\n    exit 1\n  fi\ndone\nexit 0\n',
        { mode: 0o755 }
      );
      await w.deploy();
    },
    expect: (w) => {
      const commit = journalOf(run1(w)).events.find((e) => e.type === 'commit');
      return [
        ...expectThat(run1(w).exitCode !== 0, 'exit 0 although the push was refused'),
        ...expectThat(commit?.details.pushed === false, 'commit not reported as not pushed'),
        ...expectThat(Number(commit?.details.attempts ?? 99) <= 3, `push attempts ${String(commit?.details.attempts)}`),
        ...expectThat(w.repo.remoteLog().length === 1, 'the remote changed'),
        ...expectThat(/protected|GH006|rejected|refused/i.test(everything(run1(w))), 'the refusal is not named')
      ];
    }
  },
  // 15 — hostile text
  {
    id: 'S15a-hostile-api-error-text',
    issue: 15,
    faultClass: 'hostile-text',
    title: 'API error text with workflow commands, %0A, Markdown/HTML → escaped, nothing executed',
    world: () => ({ manifest: threeStages(), faults: [{ kind: 'job-failure', flow: 'Alpha IVR', message: HOSTILE }] }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed', 'rolled-back'),
      ...noWorkflowCommands(run1(w), maskable(w)),
      ...expectThat(!run1(w).summary.includes('<script>'), 'raw <script> in the summary'),
      ...expectThat(!/^::error::injected/m.test(run1(w).stdout), 'injected ::error:: line')
    ]
  },
  {
    id: 'S15b-hostile-flow-name',
    issue: 15,
    faultClass: 'hostile-text',
    title: 'a flow name with workflow commands and Markdown is escaped',
    world: () => {
      const name = 'Evil ::warning::x %0A <b>bold</b> | **IVR**';
      return {
        org: [{ name, versions: 1, traffic: HEALTHY }],
        manifest: { flows: [{ name, yaml: ivrYaml(name, 'hi'), path: 'genesys/flows/evil.yaml' }] }
      };
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'succeeded', 'failed'),
      ...noWorkflowCommands(run1(w), maskable(w)),
      ...expectThat(!/^::warning::x/m.test(run1(w).stdout), 'injected ::warning:: line'),
      ...expectThat(!run1(w).summary.includes('<b>bold</b>'), 'raw HTML in the summary')
    ]
  },
  // 16 — git option injection
  {
    id: 'S16a-artifacts-dir-option-injection',
    issue: 16,
    faultClass: 'injection',
    title: 'artifacts dir `--upload-pack=…`: refused by validation, before the org or git is touched',
    world: () => ({ manifest: threeStages({ artifactsDir: '--upload-pack=touch /tmp/flow-release-pwned-a' }) }),
    expect: (w) => {
      const commit = journalOf(run1(w)).events.find((e) => e.type === 'commit');
      return [
        ...expectThat(!existsSync('/tmp/flow-release-pwned-a'), 'the injected command ran'),
        ...expectThat(run1(w).exitCode !== 0, 'exit 0'),
        ...expectThat(!commit || commit.details.pushed !== true, 'a commit was pushed'),
        ...expectThat(w.repo.remoteLog().length === 1, 'the remote changed'),
        ...expectThat(
          journalOf(run1(w)).events.some((e) => e.type === 'validation-failed'),
          'not refused by validation (before any change)'
        ),
        ...expectThat(/git would read as an option/i.test(everything(run1(w))), 'the refusal is not named')
      ];
    }
  },
  {
    id: 'S16b-flow-path-option-injection',
    issue: 16,
    faultClass: 'injection',
    title: 'a flow file path starting with `--` never reaches git as an option',
    world: () => ({
      manifest: {
        flows: [
          { name: 'Alpha IVR', yaml: ivrYaml('Alpha IVR', 'x'), path: '--upload-pack=touch /tmp/flow-release-pwned-b' }
        ]
      }
    }),
    expect: (w) => {
      const commit = journalOf(run1(w)).events.find((e) => e.type === 'commit');
      const files = (commit?.details.files as string[] | undefined) ?? [];
      return [
        ...expectThat(!existsSync('/tmp/flow-release-pwned-b'), 'the injected command ran'),
        ...expectThat(
          files.every((f) => !f.startsWith('-')),
          `git was given ${files.join(', ')}`
        )
      ];
    }
  },
  // 17 — endpoints
  {
    id: 'S17a-plain-http-non-loopback',
    issue: 17,
    faultClass: 'endpoints',
    title: 'plain http:// to a non-loopback host is refused, the secret never sent',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      await w.deploy({ inputs: { 'api-url': 'http://api.example.com', 'login-url': 'http://login.example.com' } });
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(/non-loopback|https/i.test(everything(run1(w))), 'refusal not explained'),
      ...expectThat(w.em.requests().length === 0, 'a request was made')
    ]
  },
  {
    id: 'S17b-cross-origin-redirect',
    issue: 17,
    faultClass: 'endpoints',
    title: 'a login server redirecting cross-origin: refused, secret and Authorization never forwarded',
    world: () => ({ manifest: threeStages() }),
    run: async (w) => {
      const captured: IncomingHttpHeaders[] = [];
      const capturedBodies: string[] = [];
      const sink = await listen((req, res) => {
        captured.push(req.headers);
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          capturedBodies.push(body);
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"access_token":"stolen","token_type":"bearer","expires_in":3600}');
        });
      });
      const sinkUrl = `http://localhost:${(sink.address() as AddressInfo).port}`;
      const fakeLogin = await listen((req, res) => {
        req.resume();
        res.writeHead(307, { location: `${sinkUrl}/oauth/token` }).end();
      });
      try {
        await w.deploy({
          inputs: { 'login-url': `http://127.0.0.1:${(fakeLogin.address() as AddressInfo).port}` }
        });
      } finally {
        sink.close();
        fakeLogin.close();
      }
      redirectCapture.set(w, { headers: captured, bodies: capturedBodies });
    },
    expect: (w) => {
      const cap = redirectCapture.get(w) ?? { headers: [], bodies: [] };
      const leaked =
        cap.headers.some((h) => h.authorization) ||
        cap.bodies.some((b) => b.includes(w.secret) || b.includes(encodeURIComponent(w.secret)));
      return [
        ...outcomeIs(run1(w), 'failed'),
        ...expectThat(!leaked, 'Authorization or the secret reached the redirect target'),
        ...expectThat(cap.headers.length === 0, `the redirect was followed (${cap.headers.length} request(s))`),
        ...noMutations(w)
      ];
    }
  },
  // 18 — hostile files
  {
    id: 'S18a-path-traversal',
    issue: 18,
    faultClass: 'hostile-files',
    title: '`..` in a flow file reference is rejected',
    world: () => ({ manifest: { flows: [{ name: 'Alpha IVR', path: '../../../../etc/passwd' }] } }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...noMutations(w),
      ...expectThat(w.em.requests().length === 0, 'the API was called')
    ]
  },
  {
    id: 'S18b-symlink-outside',
    issue: 18,
    faultClass: 'hostile-files',
    title: 'a flow file that is a symlink out of the repository is rejected',
    world: () => ({ manifest: { flows: [{ name: 'Alpha IVR', path: 'genesys/flows/link.yaml' }] } }),
    run: async (w) => {
      mkdirSync(join(w.repo.workspace, 'genesys/flows'), { recursive: true });
      symlinkSync('/etc/passwd', join(w.repo.workspace, 'genesys/flows/link.yaml'));
      await w.deploy();
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...noMutations(w),
      ...expectThat(w.em.requests().length === 0, 'the API was called')
    ]
  },
  {
    id: 'S18c-yaml-alias-bomb',
    issue: 18,
    faultClass: 'hostile-files',
    title: 'a YAML alias bomb in the manifest is rejected in bounded time',
    world: () => {
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        const cur = String.fromCharCode(97 + i);
        bomb.push(`${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
      }
      return { manifest: threeStages({ extra: bomb.join('\n') }) };
    },
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(run1(w).durationMs < 15_000, `took ${run1(w).durationMs} ms`),
      ...noMutations(w)
    ]
  },
  {
    id: 'S18d-oversized-flow-file',
    issue: 18,
    faultClass: 'hostile-files',
    title: 'an oversized flow file is rejected in bounded time',
    world: () => ({
      manifest: {
        flows: [
          {
            name: 'Alpha IVR',
            yaml: `${ivrYaml('Alpha IVR', 'x')}  description: "${'A'.repeat(8 * 1024 * 1024)}"\n`
          }
        ]
      }
    }),
    expect: (w) => [
      ...outcomeIs(run1(w), 'failed'),
      ...expectThat(run1(w).durationMs < 15_000, `took ${run1(w).durationMs} ms`),
      ...noMutations(w)
    ]
  }
];

const redirectCapture = new WeakMap<World, { headers: IncomingHttpHeaders[]; bodies: string[] }>();

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** The most Architect jobs registered but not yet finished (last poll) at any moment, from the request log. */
function maxInFlightJobs(w: World): number {
  const reqs = w.em.requests();
  const open = new Set<string>();
  let max = 0;
  const jobs = w.em.state().jobs.map((j) => j.id);
  // A job is in flight from its upload until the first poll that is no longer Registered/Started is answered.
  const lastPoll = new Map<string, number>();
  for (const r of reqs)
    if (r.key === 'GET /api/v2/flows/jobs/{id}' && r.status === 200) lastPoll.set(r.path.split('/')[5] ?? '', r.seq);
  for (const r of reqs) {
    if (r.path.startsWith('/__uploads/')) open.add(r.path.split('/')[2] ?? '');
    for (const id of [...open]) if ((lastPoll.get(id) ?? Infinity) < r.seq) open.delete(id);
    max = Math.max(max, open.size);
  }
  void jobs;
  return max;
}
