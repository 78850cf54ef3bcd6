// `command: doctor` through the built action (dist/index.js) against the emulator: the step succeeds, the log names
// doctor.json, the audit artifact holds it, the summary shows the probes, and the org saw no mutating request but
// the one Architect job registration (emulator rule: export jobs and analytics queries are not mutating).
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseManifest,
  baseScenario,
  describeRun,
  fixtureFlows,
  makeWorkspace,
  mutatingKeys,
  release,
  startTestEmulator,
  type Emulator
} from './helpers.ts';

const dirs: string[] = [];
let emu: Emulator | undefined;
afterAll(async () => {
  await emu?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('command: doctor (built action)', () => {
  it('probes the org read-only and leaves doctor.json beside the audit', async () => {
    emu = await startTestEmulator(baseScenario());
    const ws = makeWorkspace({ manifest: baseManifest(), flows: fixtureFlows() });
    dirs.push(ws.workspace);
    const run = await release(ws, emu, { command: 'doctor' });
    dirs.push(run.runnerTemp);
    expect(run.exitCode).toBe(0);
    if (run.outputs.outcome !== 'succeeded') throw new Error(describeRun(run));
    const reportLine = /Doctor report: (\S+doctor\.json)/.exec(run.stdout);
    expect(reportLine).not.toBeNull();
    const report = JSON.parse(readFileSync(reportLine![1]!, 'utf8'));
    expect(report.probes.map((p: { name: string }) => p.name)).toContain('permission:architect:job:create');
    expect(run.stdout).toContain('✔ organization: ok (required)');
    expect(run.summary).toContain('### Probes');
    expect(mutatingKeys(emu)).toEqual(['POST /api/v2/flows/jobs']);
    const artifactCopy = join(run.runnerTemp, 'flow-release-artifacts', 'flow-release-audit', 'doctor.json');
    expect(existsSync(artifactCopy)).toBe(true);
  });
});
