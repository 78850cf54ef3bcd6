// Acceptance (issue 11, items 3 and the rendering flip): the built action against an emulator that renders exports as
// Architect does. A hand-written flow (plain refIds, no division, no settings) releases and its rendered export is
// committed; a later release of it with a failing check rolls back, verified export against export. A concurrent
// publish by another OAuth client is a conflict naming that client; a job that reports Success without a new version
// is a failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderExport } from '../../emulator/render.ts';
import { auditValidator, formatSchemaErrors } from '../../src/evidence/verify-file.ts';
import { normalizeExport } from '../../src/git/normalize.ts';
import {
  commitFiles,
  describeRun,
  eventsOf,
  flowState,
  makeRepo,
  publishedContent,
  release,
  startTestEmulator,
  type E2eRun,
  type Emulator
} from './helpers.ts';

const FILE = 'genesys/flows/hand-ivr.yaml';
const HAND = `# written by hand
inboundCall:
  name: Hand IVR
  defaultLanguage: en-us
  startUpRef: ./menus/menu[mainMenu]
  menus:
    - menu:
        name: Main Menu
        refId: mainMenu
        audio:
          tts: "{{greeting}}"
        choices:
          - menuJumpToTask:
              name: Go
              dtmf: digit_1
              targetTaskRef: ./tasks/task[work]
  tasks:
    - task:
        name: Work
        refId: work
        actions:
          - transferToAcd:
              name: To Support
              targetQueue:
                lit:
                  name: Support
          - disconnect:
              name: Bye
`;

function manifest(greeting: string, bake = '3s'): Record<string, unknown> {
  return {
    version: 1,
    flows: [{ name: 'Hand IVR', type: 'inboundcall', file: FILE, substitutions: { greeting } }],
    stages: [{ name: 'all', flows: ['Hand IVR'], bake, 'check-interval': '1s', checks: ['failures'] }],
    checks: {
      failures: {
        kind: 'analytics',
        metric: 'outcome-failure-rate',
        max: 0.05,
        'min-samples': 20,
        'on-insufficient-data': 'fail'
      }
    },
    rollback: { automatic: true, 'new-flows': 'delete' },
    artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' },
    'job-timeout': '30s'
  };
}

const scenario = {
  queues: ['Support'],
  flows: [
    {
      name: 'Hand IVR',
      type: 'inboundcall',
      versions: [{ yaml: HAND.replace('{{greeting}}', 'Seeded') }],
      traffic: { perMinute: 30, initial: 40 }
    }
  ]
} as const;

async function withEmulator(fn: (emu: Emulator) => Promise<void>): Promise<void> {
  const emu = await startTestEmulator({ ...scenario, flows: [...scenario.flows] } as never);
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

const validate = auditValidator();

/** The outcome, and an audit document that matches schema/audit.schema.json (identity evidence, conflicts). */
function expectOutcome(run: E2eRun, outcome: string): void {
  const detail = describeRun(run);
  expect({ outcome: run.outputs.outcome, detail }).toEqual({ outcome, detail });
  expect(validate(run.audit) ? [] : formatSchemaErrors(validate.errors)).toEqual([]);
}

describe('identity and Architect-rendered exports (action process ↔ emulator)', () => {
  test.concurrent(
    'a hand-written flow releases, commits the rendered export, and a failing release rolls back verified',
    async () => {
      await withEmulator(async (emu) => {
        expect(emu.org.scenario.exportRendering).toBe('architect');
        const repo = makeRepo({ manifest: manifest('Hello'), flows: { [FILE]: HAND } });
        const first = await release(repo, emu);
        expectOutcome(first, 'succeeded');
        const ok = eventsOf(first, 'publish-succeeded')[0]!.details;
        expect(ok).toMatchObject({
          fromVersion: '1.0',
          toVersion: '2.0',
          previousVersion: '1.0',
          createdByClient: emu.clientId,
          identity: 'client'
        });
        expect(Date.parse(ok.datePublished!)).toBeGreaterThan(0);
        // The commit holds Architect's rendering of what went live, not the uploaded text.
        expect(repo.remoteLog()[0]).toMatch(/^release: /);
        const committed = readFileSync(join(repo.workspace, 'genesys/published/inboundcall/Hand IVR.yaml'), 'utf8');
        const uploaded = HAND.replace('{{greeting}}', 'Hello');
        expect(committed).toBe(normalizeExport(renderExport(uploaded, { division: 'Home' })));
        expect(committed).toContain('division: Home');
        expect(committed).toContain('refId: Main Menu_');
        expect(committed).not.toContain('written by hand');

        // The next release of it fails its check: rolled back to the first release's version, export against export.
        const live = publishedContent(emu, 'Hand IVR');
        emu.addFault({ kind: 'unhealthy', flow: 'Hand IVR', failureRatio: 0.6, perMinute: 600, initial: 60 });
        commitFiles(repo, { 'genesys/release.yml': manifest('Hello again') }, 'second');
        const second = await release(repo, emu);
        expectOutcome(second, 'rolled-back');
        const rolled = eventsOf(second, 'rollback-flow').map((e) => [e.flow, e.details.ok, e.details.action]);
        expect(rolled).toEqual([['Hand IVR', true, 'republish']]);
        const r = eventsOf(second, 'rollback-flow')[0]!.details;
        expect(r.actual.contentHash).toBe(r.expected.contentHash);
        expect(publishedContent(emu, 'Hand IVR')).toBe(live);
        expect(flowState(emu, 'Hand IVR').publishedVersion).toBe('4.0');
      });
    }
  );

  test.concurrent('a concurrent publish by another OAuth client is a conflict naming that client', async () => {
    await withEmulator(async (emu) => {
      emu.addFault({ kind: 'concurrent-publish', flow: 'Hand IVR', client: 'release-b', count: 1 });
      const repo = makeRepo({ manifest: manifest('Hello', '1s'), flows: { [FILE]: HAND } });
      const run = await release(repo, emu);
      expectOutcome(run, 'failed');
      const conflict = eventsOf(run, 'publish-failed')[0]!.details;
      expect(conflict.conflict).toMatchObject({
        version: '3.0',
        createdByClient: 'release-b',
        expectedClient: emu.clientId
      });
      expect(conflict.error).toMatch(/^conflict: version 3\.0 of "Hand IVR" .* created by OAuth client release-b/);
      expect(run.stdout).toMatch(/version 3\.0 created by OAuth client release-b/);
      expect(eventsOf(run, 'rollback-flow')).toEqual([]);
      expect(flowState(emu, 'Hand IVR').publishedVersion).toBe('3.0');
      expect(run.outputs['commit-sha'] ?? '').toBe('');
    });
  });

  test.concurrent('a job that reports Success but leaves no new version is a failure', async () => {
    await withEmulator(async (emu) => {
      emu.addFault({ kind: 'job-no-new-version', flow: 'Hand IVR', count: 1 });
      const repo = makeRepo({ manifest: manifest('Hello', '1s'), flows: { [FILE]: HAND } });
      const run = await release(repo, emu);
      expectOutcome(run, 'failed');
      const failed = eventsOf(run, 'publish-failed')[0]!.details;
      expect(failed.error).toMatch(/reported Success but the flow's published version is still 1\.0/);
      expect(failed.changed).toBe(false);
      expect(eventsOf(run, 'publish-succeeded')).toEqual([]);
      expect(eventsOf(run, 'rollback-flow')).toEqual([]);
      expect(flowState(emu, 'Hand IVR').publishedVersion).toBe('1.0');
    });
  });
});
