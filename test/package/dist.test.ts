// What ships: one bundle (dist/index.js and its chunks) for the main step, the post step and the CLI; a one-line
// refusal on an older Node; third-party notices for every package in it; within the size budget.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../scripts/lib/action-runner.ts';
import { startTestEmulator, baseScenario, type Emulator } from '../e2e/helpers.ts';

const DIST = join(REPO_ROOT, 'dist');
const bundleFiles = () => readdirSync(DIST).filter((f) => f.endsWith('.js'));

/** Packages the bundle names by their node_modules path (webpack keeps them in module ids and comments). */
function packagesInBundle(): Set<string> {
  const names = new Set<string>();
  for (const f of bundleFiles()) {
    const text = readFileSync(join(DIST, f), 'utf8');
    for (const m of text.matchAll(/node_modules\/((?:@[a-z0-9._-]+\/)?[a-zA-Z0-9._-]+)/g)) names.add(m[1] as string);
  }
  return names;
}

/** Package names in the notices: each entry is the name, then its licence id, then its licence text. */
function packagesInNotices(): Set<string> {
  const lines = readFileSync(join(DIST, 'licenses.txt'), 'utf8').split('\n');
  const names = new Set<string>();
  lines.forEach((line, i) => {
    const startsEntry = i === 0 || lines[i - 1] === '';
    if (startsEntry && /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(line) && /^[\w.()+ -]+$/.test(lines[i + 1] ?? ''))
      names.add(line);
  });
  return names;
}

describe('dist/', () => {
  it('is one bundle: action.yml runs dist/index.js for main and post, and there is no second copy', () => {
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { runs: Record<string, string> };
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
    expect(existsSync(join(DIST, 'post'))).toBe(false);
  });

  it('stays within 8 MB', () => {
    const bytes = readdirSync(DIST, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);
    expect(bytes).toBeLessThanOrEqual(8_000_000);
  });

  it('lists every package the bundle contains in dist/licenses.txt', () => {
    const bundled = packagesInBundle();
    expect(bundled.size).toBeGreaterThan(20);
    const listed = packagesInNotices();
    expect([...bundled].filter((p) => !listed.has(p)).sort()).toEqual([]);
  });

  it('refuses an older Node in one line, before loading anything that needs Node 24', () => {
    const fakeOld =
      "Object.defineProperty(process.versions, 'node', { value: '20.19.0' });" +
      "Object.defineProperty(process, 'version', { value: 'v20.19.0' });" +
      `await import(${JSON.stringify(join(DIST, 'index.js'))});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', fakeOld], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Flow Release needs Node.js 24 or newer, but this is Node.js v20.19.0: install Node 24 (in a workflow, runs.using: node24 provides it).\n'
    );
  });
});

describe('bin/flow-release.js (the CLI from the bundle)', () => {
  let emu: Emulator;
  const dirs: string[] = [];
  beforeAll(async () => {
    emu = await startTestEmulator(baseScenario());
  });
  afterAll(async () => {
    await emu.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('plans the examples against the emulator', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'flow-release-bin-test-'));
    dirs.push(auditDir);
    const args = ['plan', '--workspace', 'examples', '--api-url', emu.baseUrl, '--login-url', emu.baseUrl];
    const child = await new Promise<{ code: number | null; out: string }>((resolve) => {
      // Asynchronous: the emulator answers from this process.
      execFile(
        process.execPath,
        ['bin/flow-release.js', ...args, '--audit-dir', auditDir],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            FLOW_RELEASE_CLIENT_ID: emu.clientId,
            FLOW_RELEASE_CLIENT_SECRET: emu.clientSecret
          }
        },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, out: stdout + stderr })
      );
    });
    expect(child.out).toContain('📋 Flow Release planned');
    expect(child.out).not.toContain(emu.clientSecret);
    expect(child.code).toBe(0);
    expect(readdirSync(auditDir).some((f) => f.endsWith('.audit.json'))).toBe(true);
  });
});
