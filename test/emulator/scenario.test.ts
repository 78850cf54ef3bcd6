import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../src/common/clock.ts';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../emulator/scenario.ts';
import { startEmulator } from '../../emulator/server.ts';
import { tempDir } from '../support/temp.ts';

const dir = tempDir('emulator-scenario-');
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('scenario validation', () => {
  it('loads the shipped demo scenario', async () => {
    const scenario = loadScenarioFile('emulator/scenarios/demo.yml');
    expect(scenario.queues).toEqual(['Support', 'Billing']);
    const em = await startEmulator({ scenario: 'emulator/scenarios/demo.yml', clock: new FakeClock() });
    try {
      const flows = em.state().flows;
      expect(flows.map((f) => f.name)).toEqual(
        expect.arrayContaining(['Support IVR', 'Billing IVR', 'Callback Workflow'])
      );
      expect(flows.find((f) => f.name === 'Billing IVR')).toMatchObject({
        publishedVersion: '2.0',
        checkedInVersion: '3.0'
      });
    } finally {
      await em.close();
    }
  });

  it.each([
    [{ flows: [{ name: 'X', type: 'InboundCall' }] }, 'flows.0.type: must be the lowercase API flow type'],
    [{ queue: ['Support'] }, 'Unrecognized key'],
    [{ rateLimit: { perMinute: 0 } }, 'rateLimit.perMinute'],
    [{ faults: [{ kind: 'job-failure' }] }, 'faults.0.message'],
    [{ faults: [{ kind: 'meteor-strike' }] }, 'faults.0.kind'],
    [
      { flows: [{ name: 'X', type: 'workflow', traffic: { perMinute: 1, failureRatio: 2 } }] },
      'flows.0.traffic.failureRatio'
    ],
    [{ dataActions: [{ name: 'X', integration: 'Y' }] }, 'dataActions.0'],
    [{ exportRendering: 'pretty' }, 'exportRendering']
  ])('reports %j clearly', (input, text) => {
    expect(() => parseScenario(input, 'test.yml')).toThrow(ScenarioError);
    expect(() => parseScenario(input, 'test.yml')).toThrow(text);
  });

  it('rejects YAML that does not match its flow entry, an unknown type, and missing files', async () => {
    await expect(
      startEmulator({
        scenario: { flows: [{ name: 'A', type: 'workflow', versions: [{ yaml: 'inboundCall:\n  name: A\n' }] }] }
      })
    ).rejects.toThrow("defines inboundCall 'A' but the entry is workflow 'A'");
    await expect(startEmulator({ scenario: { flows: [{ name: 'A', type: 'telepathy' }] } })).rejects.toThrow(
      "unknown flow type 'telepathy'"
    );
    const path = write(
      'missing.yml',
      'flows:\n  - name: A\n    type: workflow\n    versions:\n      - file: nope.yaml\n'
    );
    expect(() => loadScenarioFile(path)).toThrow('flows.0.versions.0.file: cannot read');
  });

  it('reads flow YAML from files next to the scenario, in JSON too', () => {
    write('a.yaml', 'workflow:\n  name: A\n');
    const path = write(
      's.json',
      JSON.stringify({ flows: [{ name: 'A', type: 'workflow', versions: [{ file: 'a.yaml' }] }] })
    );
    const scenario = loadScenarioFile(path);
    const versions = scenario.flows[0]?.versions;
    expect(Array.isArray(versions) && versions[0]?.yaml).toBe('workflow:\n  name: A\n');
  });
});

const runCli = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['emulator/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!killed && stdout.includes('Press Ctrl+C')) {
        killed = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr }));
  });

describe('cli', () => {
  it('prints its base URL and credentials, and stops cleanly on SIGTERM', async () => {
    const res = await runCli(['--port', '0', '--scenario', 'emulator/scenarios/demo.yml']);
    expect(res.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(res.stdout).toContain('client-id:     demo-client');
    expect(res.stdout).toContain('Received SIGTERM');
    expect(res.code).toBe(0);
  });

  it('exits 2 with a clear message on bad arguments or a bad scenario', async () => {
    const badPort = await runCli(['--port', 'abc']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be an integer');
    const unknown = await runCli(['--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    const scenario = write('bad.yml', 'rateLimit: { perMinute: -1 }\n');
    const bad = await runCli(['--port', '0', '--scenario', scenario]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rateLimit.perMinute');
  });
});
