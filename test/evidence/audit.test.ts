import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAuditDocument, writeAuditDocument, type AuditDocument } from '../../src/evidence/audit.ts';
import type { JournalEvent } from '../../src/journal/events.ts';
import { auditValidator, verifyAuditDocument, verifyFile } from '../../src/evidence/verify-file.ts';
import { newJournal, scenario, tempDir, type Scenario, HASH_A, HASH_B, HASH_C } from './fixtures.ts';

const SCENARIOS: Scenario[] = ['succeeded', 'rolled-back', 'rollback-failed', 'failed-validation', 'planned'];
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('buildAuditDocument', () => {
  it.each(SCENARIOS)('%s: validates against the shipped schema and its chain verifies', (name) => {
    const doc = clone(buildAuditDocument(scenario(name).journal.events));
    const validate = auditValidator();
    expect(validate.errors ?? null).toBeNull();
    expect(validate(doc)).toBe(true);
    expect(verifyAuditDocument(doc)).toMatchObject({ exitCode: 0, events: doc.events.length });
  });

  it('records context, timings, flows, checks, api and content hashes for a successful release', () => {
    const { journal } = scenario('succeeded');
    const doc = buildAuditDocument(journal.events);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      releaseId: 'rel-20260101T000000Z-abc123',
      toolVersion: '0.1.0',
      command: 'deploy',
      outcome: 'succeeded',
      complete: true,
      github: { repository: 'acme/contact-centre', runId: '1001', actor: 'octocat' },
      target: { region: 'usw2.pure.cloud', apiUrl: 'https://api.usw2.pure.cloud' },
      api: { calls: 42, retries: 3, throttled: 1, available: true, callsByEndpoint: { 'GET /api/v2/flows': 10 } },
      validation: { issues: 0, checked: 3, errorRate: 0 },
      commit: { sha: 'fedcba9876543210fedcba9876543210fedcba98', pushed: true }
    });
    expect(doc.timings.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.timings.durationMs).toBe(774_000);
    expect(doc.timings.stages.map((s) => [s.name, s.status, s.durationMs])).toEqual([
      ['canary', 'succeeded', 150_000],
      ['everything', 'succeeded', 620_000]
    ]);
    const byName = Object.fromEntries(doc.flows.map((f) => [f.name, f]));
    expect(byName['Callback Workflow']).toMatchObject({
      action: 'update',
      status: 'published',
      before: { version: '3.0', contentHash: HASH_C },
      after: { version: '4.0', contentHash: HASH_A },
      final: { version: '4.0' }
    });
    expect(byName['Support IVR']).toMatchObject({ action: 'create', created: true, before: { version: null } });
    expect(byName['Billing IVR']).toMatchObject({ status: 'unchanged', final: { version: '7.0' } });
    expect(doc.checks.map((c) => [c.check, c.stage, c.result, c.measured])).toEqual([
      ['callback-smoke', 'canary', 'pass', { status: 'COMPLETED' }],
      ['outcome-failures', 'everything', 'pass', { failureRate: 0.01, samples: 140, previousFailureRate: 0.01 }]
    ]);
    expect(doc.contentHashes).toEqual(
      expect.arrayContaining([
        {
          flow: 'Callback Workflow',
          type: 'workflow',
          version: '4.0',
          algorithm: 'sha256',
          hash: HASH_A,
          of: 'published'
        },
        {
          flow: 'Callback Workflow',
          type: 'workflow',
          version: '3.0',
          algorithm: 'sha256',
          hash: HASH_C,
          of: 'snapshot'
        },
        { flow: 'Support IVR', type: 'inboundcall', version: '1.0', algorithm: 'sha256', hash: HASH_B, of: 'published' }
      ])
    );
    expect(doc.events).toHaveLength(journal.events.length);
    expect(doc.chain.headHash).toBe(journal.headHash);
  });

  it('records rollbacks as expected vs actual', () => {
    const doc = buildAuditDocument(scenario('rollback-failed').journal.events);
    expect(doc.outcome).toBe('rollback-failed');
    expect(doc.rollbacks).toHaveLength(1);
    expect(doc.rollbacks[0]).toMatchObject({ ok: false, reason: 'stage everything failed' });
    expect(doc.rollbacks[0]?.flows[0]).toMatchObject({
      name: 'Support IVR',
      expected: { deleted: true },
      actual: { deleted: false, version: '1.0' },
      ok: false
    });
    expect(doc.flows.find((f) => f.name === 'Support IVR')).toMatchObject({
      status: 'rollback-failed',
      final: { version: '1.0' }
    });
    expect(doc.flows.find((f) => f.name === 'Callback Workflow')).toMatchObject({
      status: 'rolled-back',
      final: { version: '5.0' }
    });
  });

  it('computes the validation error rate', () => {
    const doc = buildAuditDocument(scenario('failed-validation').journal.events);
    expect(doc.validation).toMatchObject({ issues: 2, filesWithIssues: 2, checked: 3 });
    expect(doc.validation.errorRate).toBeCloseTo(2 / 3);
    expect(doc.reason).toBe('2 validation issues found; nothing was published.');
  });

  it('handles a cancelled run without release-finished: outcome failed, with a note', () => {
    const { journal } = scenario('succeeded');
    const partial = journal.events.slice(0, 8) as JournalEvent[];
    const ctx = newJournal();
    for (const e of partial) ctx.journal.append(e.type, { ...e } as never);
    ctx.journal.append('cancelled', { status: 'warning', details: { signal: 'SIGTERM' } });
    const doc = clone(buildAuditDocument(ctx.journal.events));
    expect(doc.outcome).toBe('failed');
    expect(doc.complete).toBe(false);
    expect(doc.notes[0]).toMatch(/cancelled \(SIGTERM\) before the release finished/);
    expect(doc.api.available).toBe(false);
    expect(auditValidator()(doc)).toBe(true);
    expect(verifyAuditDocument(doc).exitCode).toBe(0);
  });

  it('an empty journal still yields a valid document', () => {
    const doc = clone(buildAuditDocument([], { releaseId: 'rel-x' }));
    expect(doc).toMatchObject({ releaseId: 'rel-x', outcome: 'failed', events: [] });
    expect(auditValidator()(doc)).toBe(true);
  });

  it('is a pure function: same journal, same bytes', () => {
    const { journal } = scenario('rolled-back');
    expect(JSON.stringify(buildAuditDocument(journal.events))).toBe(JSON.stringify(buildAuditDocument(journal.events)));
  });
});

describe('schema strictness', () => {
  const base = () =>
    clone(buildAuditDocument(scenario('succeeded').journal.events)) as unknown as Record<string, unknown>;
  const invalid: [string, (d: Record<string, unknown>) => void][] = [
    ['wrong schemaVersion', (d) => (d.schemaVersion = 2)],
    ['unknown top-level field', (d) => (d.extra = true)],
    ['missing outcome', (d) => delete d.outcome],
    ['unknown outcome', (d) => (d.outcome = 'mostly-ok')],
    ['flow without status', (d) => delete (d.flows as Record<string, unknown>[])[0]!.status],
    ['event with a short prevHash', (d) => ((d.events as Record<string, unknown>[])[1]!.prevHash = 'abc')],
    ['event of unknown type', (d) => ((d.events as Record<string, unknown>[])[1]!.type = 'mystery')],
    [
      'release-finished without api',
      (d) => delete ((d.events as JournalEvent[]).at(-1)!.details as unknown as Record<string, unknown>).api
    ],
    ['api counts as strings', (d) => ((d.api as Record<string, unknown>).calls = '42')],
    ['bad timestamp', (d) => ((d.timings as Record<string, unknown>).startedAt = 'yesterday')]
  ];
  it.each(invalid)('rejects %s', (_, mutate) => {
    const doc = base();
    mutate(doc);
    expect(auditValidator()(doc)).toBe(false);
    expect(verifyAuditDocument(doc).exitCode).toBe(1);
  });
});

describe('verifyFile and the verify-audit script', () => {
  const written = () => {
    const { journal, dir } = scenario('rolled-back');
    const auditPath = join(dir, 'audit.json');
    writeAuditDocument(auditPath, buildAuditDocument(journal.events));
    return { auditPath, journalPath: journal.path, count: journal.events.length };
  };

  it('accepts a valid audit document and a journal', () => {
    const { auditPath, journalPath, count } = written();
    expect(verifyFile(auditPath)).toMatchObject({ exitCode: 0, kind: 'audit', events: count });
    expect(verifyFile(journalPath)).toMatchObject({ exitCode: 0, kind: 'journal', events: count });
  });

  it('says when a journal is incomplete (no release-finished: killed or still running) instead of only OK', () => {
    const { journalPath } = written();
    const complete = verifyFile(journalPath);
    expect(complete.lines).toEqual([expect.stringMatching(/^OK: journal/)]);
    const lines = readFileSync(journalPath, 'utf8').split('\n').filter(Boolean);
    const cut = join(tempDir(), 'killed.journal.jsonl');
    writeFileSync(cut, `${lines.slice(0, 5).join('\n')}\n`);
    const r = verifyFile(cut);
    expect(r.exitCode).toBe(0);
    expect(r.lines[0]).toMatch(/^OK: journal, 5 events/);
    expect(r.lines[1]).toMatch(/^INCOMPLETE: no release-finished event .* ends at event 5 \(/);
  });

  it('reports the first broken link of a tampered document', () => {
    const { auditPath } = written();
    const doc = JSON.parse(readFileSync(auditPath, 'utf8')) as AuditDocument;
    (doc.events[6]!.details as unknown as Record<string, unknown>).result = 'pass';
    writeFileSync(auditPath, JSON.stringify(doc));
    const r = verifyFile(auditPath);
    expect(r.exitCode).toBe(1);
    expect(r.lines[0]).toMatch(/^chain: event seq 8: prevHash does not match the hash of event 7/);
  });

  it('exit 2 for a missing file or non-JSON', () => {
    const dir = tempDir();
    expect(verifyFile(join(dir, 'nope.json'))).toMatchObject({ exitCode: 2 });
    expect(verifyFile(join(dir, 'nope.json')).lines[0]).toMatch(/cannot read .*ENOENT/);
    writeFileSync(join(dir, 'bad.json'), 'not json at all');
    expect(verifyFile(join(dir, 'bad.json'))).toMatchObject({
      exitCode: 2,
      lines: [expect.stringMatching(/is not JSON/)]
    });
    writeFileSync(join(dir, 'bad.jsonl'), '{"seq":1}\n{oops\n');
    expect(verifyFile(join(dir, 'bad.jsonl')).lines[0]).toMatch(/journal line 2 is not valid JSON/);
  });

  it('runs as a command with the documented exit codes', () => {
    const { auditPath, journalPath, count } = written();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['scripts/verify-audit.ts', ...args], {
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8'
      });
    const ok = run(auditPath);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`OK: audit document rel-20260101T000000Z-abc123, ${count} events`);
    expect(run(journalPath).status).toBe(0);
    const lines = readFileSync(journalPath, 'utf8').split('\n').filter(Boolean);
    lines.splice(2, 1);
    writeFileSync(journalPath, lines.join('\n') + '\n');
    const bad = run(journalPath);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('event seq 4: prevHash does not match the hash of event 2');
    expect(run('/nonexistent/audit.json').status).toBe(2);
  });
});
