// Hand-built journals for the evidence tests: each scenario is what the release engine would write, on a FakeClock.
import { FakeClock } from '../../src/common/clock.ts';
import type { CheckMeasurement, PlannedFlow, RollbackFlowResult } from '../../src/domain/types.ts';
import { Journal } from '../../src/journal/journal.ts';
import { Redactor } from '../../src/common/redact.ts';
import { tempDir as trackedTempDir } from '../support/temp.ts';

export const HASH_A = 'a'.repeat(64);
export const HASH_B = 'b'.repeat(64);
export const HASH_C = 'c'.repeat(64);
const API = {
  calls: 42,
  callsByEndpoint: { 'GET /api/v2/flows': 10, 'POST /api/v2/flows/jobs': 32 },
  retries: 3,
  throttled: 1
};

/** A directory under the temp dir, removed after the test file (test/support/temp.ts). */
export function tempDir(): string {
  return trackedTempDir('flow-release-evidence-');
}

export function newJournal(releaseId = 'rel-20260101T000000Z-abc123', dir = tempDir()) {
  const clock = new FakeClock();
  const journal = Journal.create({ dir, releaseId, clock, redactor: new Redactor() });
  return { journal, clock, dir };
}

export type Scenario = 'succeeded' | 'rolled-back' | 'rollback-failed' | 'failed-validation' | 'planned';

const PLANNED: PlannedFlow[] = [
  {
    name: 'Callback Workflow',
    type: 'workflow',
    stage: 'canary',
    action: 'update',
    source: 'file',
    flowId: 'f-callback',
    publishedVersion: '3.0',
    contentHash: HASH_A,
    reason: 'content changed'
  },
  {
    name: 'Support IVR',
    type: 'inboundcall',
    stage: 'everything',
    action: 'create',
    source: 'file',
    contentHash: HASH_B,
    reason: 'flow does not exist in the org'
  },
  {
    name: 'Billing IVR',
    type: 'inboundcall',
    stage: 'everything',
    action: 'unchanged',
    source: 'draft',
    flowId: 'f-billing',
    publishedVersion: '7.0',
    reason: 'already published'
  }
];

const STAGES = [
  { name: 'canary', flows: ['Callback Workflow'], bakeMs: 120_000, checks: ['callback-smoke'] },
  { name: 'everything', flows: ['Support IVR', 'Billing IVR'], bakeMs: 600_000, checks: ['outcome-failures'] }
];

function start(journal: Journal, command: 'deploy' | 'plan' = 'deploy') {
  journal.append('release-started', {
    status: 'info',
    details: {
      releaseId: journal.releaseId,
      command,
      toolVersion: '0.1.0',
      target: {
        region: 'usw2.pure.cloud',
        apiUrl: 'https://api.usw2.pure.cloud',
        loginUrl: 'https://login.usw2.pure.cloud'
      },
      github: {
        repository: 'acme/contact-centre',
        sha: '0123456789abcdef0123456789abcdef01234567',
        ref: 'refs/heads/main',
        runId: '1001',
        runAttempt: '1',
        actor: 'octocat',
        event: 'push',
        workflow: 'release',
        serverUrl: 'https://github.com'
      },
      manifest: 'genesys/release.yml'
    }
  });
}

const smokePass: CheckMeasurement = {
  check: 'callback-smoke',
  kind: 'execution',
  round: 1,
  result: 'pass',
  measured: { status: 'COMPLETED' },
  expected: { status: 'COMPLETED', output: { ok: true } },
  message: 'execution completed'
};

export function scenario(name: Scenario) {
  const ctx = newJournal();
  const { journal, clock } = ctx;
  const step = (ms = 1000) => clock.advance(ms);
  start(journal, name === 'planned' ? 'plan' : 'deploy');
  step();
  if (name === 'failed-validation') {
    journal.append('validation-failed', {
      status: 'error',
      details: {
        checked: 3,
        issues: [
          {
            file: 'genesys/release.yml',
            line: 12,
            column: 5,
            path: 'stages[1].checks[0]',
            message: 'unknown check "outcome-failure"',
            fix: 'use one of: outcome-failures, callback-smoke'
          },
          { file: 'flows/support-ivr.yaml', line: 3, column: 1, path: 'inboundCall.name', message: 'name is required' }
        ]
      }
    });
    step();
    journal.append('release-finished', {
      status: 'error',
      details: {
        outcome: 'failed',
        durationMs: 2000,
        published: [],
        api: { ...API, calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 }
      }
    });
    return ctx;
  }
  journal.append('plan', { status: 'info', details: { flows: PLANNED, stages: STAGES } });
  step();
  if (name === 'planned') {
    journal.append('release-finished', {
      status: 'ok',
      details: { outcome: 'planned', durationMs: 2000, published: [], api: API }
    });
    return ctx;
  }
  // Stage 1: canary
  journal.append('stage-started', {
    stage: 'canary',
    status: 'info',
    details: { index: 0, name: 'canary', flows: ['Callback Workflow'] }
  });
  journal.append('snapshot', {
    stage: 'canary',
    flow: 'Callback Workflow',
    status: 'ok',
    details: { flowId: 'f-callback', version: '3.0', contentHash: HASH_C, exportJobId: 'exp-1' }
  });
  journal.append('publish-started', {
    stage: 'canary',
    flow: 'Callback Workflow',
    status: 'info',
    request: { method: 'POST', path: '/api/v2/flows/jobs', status: 200, correlationId: 'corr-1' },
    details: { flowId: 'f-callback', method: 'architect-job', jobId: 'job-1', fromVersion: '3.0' }
  });
  step(30_000);
  journal.append('publish-succeeded', {
    stage: 'canary',
    flow: 'Callback Workflow',
    status: 'ok',
    latencyMs: 30_000,
    details: {
      flowId: 'f-callback',
      fromVersion: '3.0',
      toVersion: '4.0',
      jobId: 'job-1',
      contentHash: HASH_A,
      created: false
    }
  });
  journal.append('bake-started', { stage: 'canary', status: 'info', details: { bakeMs: 120_000, intervalMs: 30_000 } });
  step(120_000);
  journal.append('check-result', { stage: 'canary', status: 'ok', details: smokePass });
  journal.append('stage-succeeded', { stage: 'canary', status: 'ok', details: { name: 'canary' } });
  step();
  // Stage 2: everything
  journal.append('stage-started', {
    stage: 'everything',
    status: 'info',
    details: { index: 1, name: 'everything', flows: ['Support IVR', 'Billing IVR'] }
  });
  journal.append('publish-started', {
    stage: 'everything',
    flow: 'Support IVR',
    status: 'info',
    details: { method: 'architect-job', jobId: 'job-2', fromVersion: null }
  });
  step(20_000);
  journal.append('publish-succeeded', {
    stage: 'everything',
    flow: 'Support IVR',
    status: 'ok',
    details: {
      flowId: 'f-support',
      fromVersion: null,
      toVersion: '1.0',
      jobId: 'job-2',
      contentHash: HASH_B,
      created: true
    }
  });
  journal.append('bake-started', {
    stage: 'everything',
    status: 'info',
    details: { bakeMs: 600_000, intervalMs: 60_000 }
  });
  step(600_000);
  const healthy = name === 'succeeded';
  journal.append('check-result', {
    stage: 'everything',
    status: healthy ? 'ok' : 'error',
    details: {
      check: 'outcome-failures',
      kind: 'analytics',
      round: 2,
      result: healthy ? 'pass' : 'fail',
      measured: { failureRate: healthy ? 0.01 : 0.12, samples: 140, previousFailureRate: 0.01 },
      expected: { max: 0.05, minSamples: 20 },
      message: healthy ? 'healthy' : 'failure rate above threshold'
    }
  });
  if (healthy) {
    journal.append('stage-succeeded', { stage: 'everything', status: 'ok', details: { name: 'everything' } });
    journal.append('export', {
      flow: 'Callback Workflow',
      status: 'ok',
      details: {
        flowId: 'f-callback',
        version: '4.0',
        contentHash: HASH_A,
        path: 'genesys/published/workflow/Callback Workflow.yaml'
      }
    });
    journal.append('commit', {
      status: 'ok',
      details: {
        sha: 'fedcba9876543210fedcba9876543210fedcba98',
        files: ['genesys/published/release.json'],
        pushed: true,
        attempts: 1
      }
    });
    step();
    journal.append('release-finished', {
      status: 'ok',
      details: {
        outcome: 'succeeded',
        durationMs: clock.now() - Date.UTC(2026, 0, 1),
        published: [
          { name: 'Callback Workflow', type: 'workflow', flowId: 'f-callback', fromVersion: '3.0', toVersion: '4.0' },
          { name: 'Support IVR', type: 'inboundcall', flowId: 'f-support', fromVersion: null, toVersion: '1.0' }
        ],
        api: API
      }
    });
    return ctx;
  }
  journal.append('stage-failed', {
    stage: 'everything',
    status: 'error',
    details: { name: 'everything', reason: 'check outcome-failures failed: failure rate 0.12 > max 0.05' }
  });
  journal.append('rollback-started', {
    status: 'warning',
    details: { reason: 'stage everything failed', flows: ['Support IVR', 'Callback Workflow'] }
  });
  const ok = name === 'rolled-back';
  const results: RollbackFlowResult[] = [
    {
      name: 'Support IVR',
      type: 'inboundcall',
      flowId: 'f-support',
      action: 'delete',
      attempts: ok ? 1 : 3,
      ok,
      expected: { deleted: true },
      actual: ok ? { deleted: true } : { deleted: false, version: '1.0' },
      ...(!ok && { error: 'flow is locked by Jane Doe' })
    },
    {
      name: 'Callback Workflow',
      type: 'workflow',
      flowId: 'f-callback',
      action: 'republish',
      attempts: 1,
      ok: true,
      expected: { version: '3.0', contentHash: HASH_C },
      actual: { version: '5.0', contentHash: HASH_C }
    }
  ];
  for (const r of results) {
    step(5000);
    journal.append('rollback-flow', { flow: r.name, status: r.ok ? 'ok' : 'error', details: r });
  }
  journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
  if (ok) {
    // Round 0: the stage's checks re-run on the restored versions.
    step(60_000);
    journal.append('check-result', {
      stage: 'everything',
      status: 'ok',
      details: {
        check: 'outcome-failures',
        kind: 'analytics',
        round: 0,
        result: 'pass',
        measured: { failureRate: 0.01, samples: 51, previousFailureRate: 0.01 },
        expected: { max: 0.05, minSamples: 20 },
        message: 'healthy after rollback'
      }
    });
  }
  step();
  journal.append('release-finished', {
    status: 'error',
    details: {
      outcome: ok ? 'rolled-back' : 'rollback-failed',
      durationMs: clock.now() - Date.UTC(2026, 0, 1),
      published: [],
      api: API
    }
  });
  return ctx;
}
