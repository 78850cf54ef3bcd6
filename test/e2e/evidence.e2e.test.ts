// Audit evidence of real action runs (issue 4): every audit document validates against schema/audit.schema.json and
// its hash chain verifies; `node scripts/verify-audit.ts` accepts it, and names the event when one is tampered with.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/action-runner.ts';
import type { AuditDocument } from '../../src/evidence/audit.ts';
import { verifyFile } from '../../src/evidence/verify-file.ts';
import {
  baseManifest,
  baseScenario,
  makeRepo,
  makeWorkspace,
  release,
  startTestEmulator,
  type E2eRun,
  type Emulator
} from './helpers.ts';

function verifyCli(file: string): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/verify-audit.ts'), file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout + err.stderr };
  }
}

let emu: Emulator;
const runs: Record<string, E2eRun> = {};

beforeAll(async () => {
  emu = await startTestEmulator(baseScenario());
  const repo = makeRepo({ manifest: baseManifest() });
  runs.planned = await release(repo, emu, { command: 'plan' });
  const bad = baseManifest();
  (bad.flows[0] as Record<string, unknown>).file = 'genesys/flows/missing.yaml';
  runs['failed-validation'] = await release(makeWorkspace({ manifest: bad }), emu);
  runs.succeeded = await release(repo, emu, { flows: 'Callback Workflow' });
});
afterAll(async () => {
  await emu.close();
});

describe('audit documents of action runs', () => {
  it.each(['planned', 'failed-validation', 'succeeded'])('%s: schema, chain and journal verify', (name) => {
    const run = runs[name] as E2eRun;
    expect(run.outputs.outcome).toBe(name === 'failed-validation' ? 'failed' : name);
    expect(run.auditPath).toBeDefined();
    const report = verifyFile(run.auditPath as string);
    expect(report.lines).toEqual([expect.stringMatching(/^OK: audit document rel-/)]);
    const doc = run.audit as unknown as AuditDocument;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.releaseId).toBe(run.outputs['release-id']);
    expect(doc.outcome).toBe(run.outputs.outcome);
    // The journal on disk is the same chain, event for event.
    const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl')) as string;
    expect(verifyFile(journal)).toMatchObject({ exitCode: 0, events: doc.events.length });
    expect(verifyCli(run.auditPath as string)).toEqual({ code: 0, out: expect.stringMatching(/^OK: audit document/) });
  });

  it('the verify command detects a tampered event and names it', () => {
    const run = runs.succeeded as E2eRun;
    const doc = JSON.parse(readFileSync(run.auditPath as string, 'utf8')) as AuditDocument;
    const target = doc.events.find((e) => e.type === 'publish-succeeded');
    expect(target).toBeDefined();
    (target as { details: { toVersion: string } }).details.toVersion = '99.0';
    const tampered = `${run.auditPath as string}.tampered.json`;
    writeFileSync(tampered, JSON.stringify(doc, null, 2));
    const res = verifyCli(tampered);
    expect(res.code).toBe(1);
    // "event seq N+1: prevHash does not match the hash of event N (event N or this link was altered)"
    expect(res.out).toMatch(new RegExp(`^chain: .*\\bevent ${target?.seq} or this link was altered`));

    // The same edit in the journal .jsonl is caught too.
    const journal = run.evidenceFiles.find((f) => f.endsWith('.journal.jsonl')) as string;
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const at = lines.findIndex((l) => l.includes('"publish-succeeded"'));
    lines[at] = (lines[at] as string).replace(/"toVersion":"[^"]+"/, '"toVersion":"99.0"');
    const tamperedJournal = `${journal}.tampered.jsonl`;
    writeFileSync(tamperedJournal, lines.join('\n') + '\n');
    const j = verifyCli(tamperedJournal);
    expect(j.code).toBe(1);
    expect(j.out).toMatch(new RegExp(`^chain: .*\\bevent ${target?.seq} or this link was altered`));
  });
});
