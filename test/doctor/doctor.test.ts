// `command: doctor` through runPipeline against the in-process emulator (FakeClock, Architect export rendering): every
// probe is printed with its result, journaled, summarised and written to doctor.json, and the org sees no mutating
// request but the one Architect job registration.
//
// The rule for "mutating" is the emulator's (emulator/README.md, admin API): jobs, uploads, publish, unlock, delete and
// executions mutate; export jobs, validate jobs and analytics queries are POSTs that change no flow and do not count.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { ScenarioInput } from '../../emulator/scenario.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import type { Inputs } from '../../src/action/inputs.ts';
import { FakeClock } from '../../src/common/clock.ts';
import { MemoryLogger } from '../../src/common/log.ts';
import type { RunEnd } from '../../src/domain/types.ts';
import { buildAuditDocument } from '../../src/evidence/audit.ts';
import { buildSummary } from '../../src/evidence/summary.ts';
import { auditValidator, formatSchemaErrors } from '../../src/evidence/verify-file.ts';
import type { EventDetails } from '../../src/journal/events.ts';
import { Journal } from '../../src/journal/journal.ts';
import { runPipeline } from '../../src/pipeline.ts';
import { fixture } from '../e2e/helpers.ts';

const SUPPORT = fixture('flows/support-ivr.yaml');
const CALLBACK = fixture('flows/callback-workflow.yaml');
const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (whole, k: string) => values[k] ?? whole);
const HELP_BOT = 'botFlow:\n  name: Help Bot\n  division: Home\n';

const MANIFEST = {
  version: 1,
  flows: [
    {
      name: 'Support IVR',
      type: 'inboundcall',
      file: 'flows/support.yaml',
      substitutions: { greeting: 'Hi', queue: 'Support' }
    },
    { name: 'Callback Workflow', type: 'workflow', file: 'flows/callback.yaml', substitutions: { greeting: 'Hi' } },
    { name: 'Billing IVR', type: 'inboundcall', source: 'draft' },
    { name: 'Help Bot', type: 'bot', file: 'flows/bot.yaml' }
  ],
  checks: {
    failures: { kind: 'analytics', metric: 'outcome-failure-rate', max: 0.05, 'min-samples': 20 },
    smoke: { kind: 'execution', flow: 'Callback Workflow', expect: { status: 'COMPLETED' } }
  },
  stages: [
    {
      name: 'all',
      flows: ['Support IVR', 'Callback Workflow', 'Billing IVR', 'Help Bot'],
      checks: ['failures', 'smoke']
    }
  ]
};

const SCENARIO: ScenarioInput = {
  queues: ['Support', 'Billing'],
  dataActions: ['Lookup Customer'],
  exportRendering: 'architect',
  flows: [
    {
      name: 'Support IVR',
      type: 'inboundcall',
      versions: [{ yaml: fill(SUPPORT, { greeting: 'Hi', queue: 'Support' }) }],
      traffic: { perMinute: 30, initial: 40 }
    },
    { name: 'Callback Workflow', type: 'workflow', versions: 1 },
    { name: 'Billing IVR', type: 'inboundcall', versions: 2, draft: {}, lockedBy: 'Jane Doe' }
  ]
};

const dirs: string[] = [];
let em: Emulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flow-release-doctor-'));
  dirs.push(d);
  return d;
}

function workspace(): string {
  const ws = tempDir();
  const files: Record<string, string> = {
    'genesys/release.yml': stringify(MANIFEST),
    'flows/support.yaml': SUPPORT,
    'flows/callback.yaml': CALLBACK,
    'flows/bot.yaml': HELP_BOT
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), text);
  }
  return ws;
}

interface DoctorRun {
  end: RunEnd;
  log: MemoryLogger;
  journal: Journal;
  probes: EventDetails['doctor-probe'][];
  evidenceDir: string;
}

async function doctor(scenario: ScenarioInput, inputs: Partial<Inputs> = {}): Promise<DoctorRun> {
  const clock = new FakeClock();
  em = await startEmulator({ port: 0, host: '127.0.0.1', scenario, clock });
  const evidenceDir = tempDir();
  const journal = Journal.create({ dir: evidenceDir, releaseId: 'rel-doctor', clock });
  const log = new MemoryLogger();
  const end = await runPipeline({
    inputs: {
      command: 'doctor',
      manifest: 'genesys/release.yml',
      apiUrl: em.baseUrl,
      loginUrl: em.baseUrl,
      clientId: em.clientId,
      clientSecret: em.clientSecret,
      commitArtifacts: true,
      auditArtifactName: 'flow-release-audit',
      stateBranch: 'flow-release-state',
      takeoverLock: false,
      onUnfinished: 'restore',
      ...inputs
    },
    workspace: workspace(),
    releaseId: 'rel-doctor',
    journal,
    clock,
    log,
    signal: new AbortController().signal,
    github: {},
    builtins: { run: '1', release: 'rel-doctor', sha: '' },
    branch: 'main',
    httpGet: async () => ({ status: 200, body: '' }),
    evidenceDir
  });
  journal.append('release-finished', {
    status: end.outcome === 'succeeded' ? 'ok' : 'error',
    details: { outcome: end.outcome, durationMs: 0, published: [], api: end.api!, message: end.message }
  });
  const probes = journal.events.flatMap((e) => (e.type === 'doctor-probe' ? [e.details] : []));
  return { end, log, journal, probes, evidenceDir };
}

const byName = (run: DoctorRun, name: string) => run.probes.find((p) => p.name === name);

describe('command: doctor against the emulator', () => {
  it('prints, journals, summarises and writes every probe; mutates nothing but one job registration', async () => {
    const run = await doctor(SCENARIO);
    expect(run.end.outcome).toBe('succeeded');
    expect(run.probes.map((p) => p.name)).toEqual([
      'token',
      'organization',
      'rate-limit-headers',
      'flows-page-size',
      'flow: Support IVR',
      'flow: Callback Workflow',
      'flow: Billing IVR',
      'flow: Help Bot',
      'permission:architect:job:create',
      'export',
      'export-stability',
      'export-rendering',
      'version-metadata',
      'analytics: Support IVR',
      'analytics: Callback Workflow',
      'analytics: Billing IVR',
      'analytics: Help Bot',
      'permission:architect:flow:publish',
      'permission:architect:flow:launch'
    ]);
    for (const p of run.probes) expect(run.log.lines.some((l) => l.includes(`${p.name}: ${p.result}`))).toBe(true);
    expect(byName(run, 'organization')?.observed).toMatch(/^org "Emulated Org" id [0-9a-f-]{36}$/);
    expect(byName(run, 'token')?.observed).toContain('token lifetime 24 h');
    expect(byName(run, 'rate-limit-headers')?.result).toBe('ok');
    expect(byName(run, 'flows-page-size')?.observed).toContain('asked for pageSize 500');
    expect(byName(run, 'flow: Billing IVR')).toMatchObject({
      result: 'warn',
      fix: expect.stringContaining('force-unlock')
    });
    expect(byName(run, 'flow: Help Bot')?.observed).toBe('not in the org: the first deploy creates it');
    expect(byName(run, 'permission:architect:job:create')).toMatchObject({ result: 'ok', required: true });
    expect(byName(run, 'export-stability')?.observed).toContain('byte-equal');
    const rendering = byName(run, 'export-rendering');
    expect(rendering?.result).toBe('warn');
    expect(rendering?.observed).toMatch(/description: "" added/);
    expect(rendering?.observed).toMatch(/settings written out/);
    expect(byName(run, 'version-metadata')?.observed).toContain('createdBy Architect Admin');
    expect(byName(run, 'analytics: Support IVR')?.observed).toMatch(/nFlow [1-9]/);
    expect(byName(run, 'analytics: Help Bot')?.result).toBe('skipped');

    // Read-only: the one registration and nothing else; the presigned URL is never used.
    expect(em!.mutatingRequests().map((r) => r.key)).toEqual(['POST /api/v2/flows/jobs']);
    expect(em!.requests().some((r) => r.method === 'PUT')).toBe(false);

    const report = JSON.parse(readFileSync(join(run.evidenceDir, 'doctor.json'), 'utf8'));
    expect(report.outcome).toBe('succeeded');
    expect(report.probes).toHaveLength(run.probes.length);
    expect(run.log.lines).toContain(`Doctor report: ${join(run.evidenceDir, 'doctor.json')}`);

    const summary = buildSummary(run.journal.events);
    expect(summary).toContain('🩺 Flow Release doctor: every required probe passed');
    expect(summary).toContain('| permission:architect:job:create (required) | ✅ ok |');
    expect(summary).toContain('expires on its own');
    const validate = auditValidator();
    if (!validate(buildAuditDocument(run.journal.events)))
      throw new Error(formatSchemaErrors(validate.errors).join('\n'));
  });

  it('fails on a wrong secret after the token probe, having called nothing but the login', async () => {
    const run = await doctor(SCENARIO, { clientSecret: 'not-the-secret' });
    expect(run.end.outcome).toBe('failed');
    expect(run.probes.map((p) => [p.name, p.result])).toEqual([
      ['token', 'fail'],
      ['everything else', 'skipped']
    ]);
    expect(run.probes[0]?.fix).toContain('client-secret');
    expect(em!.requests().filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    expect(existsSync(join(run.evidenceDir, 'doctor.json'))).toBe(true);
  });

  it('fails when a required permission is missing (the export job is refused)', async () => {
    const run = await doctor({
      ...SCENARIO,
      faults: [{ kind: 'http-error', status: 403, method: 'POST', path: '/api/v2/flows/export/jobs' }]
    });
    expect(run.end.outcome).toBe('failed');
    expect(byName(run, 'export')).toMatchObject({ result: 'fail', required: true });
    expect(byName(run, 'export')?.fix).toContain('architect:jobExport:create');
    expect(run.end.message).toContain('export failed');
  });
});
