// Issue 9: the helpers that keep the temp directory clean (scripts/lib/temp.ts) and the audit .ci/run ends with
// (scripts/tmp-audit.ts). Plain file-system work, no clock.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  enterTmpSandbox,
  keepTemp,
  liveTemp,
  removeAllTemp,
  removeTemp,
  sweepStaleSandboxes,
  tempDir
} from '../../scripts/lib/temp.ts';
import { audit } from '../../scripts/tmp-audit.ts';
// Registers the afterAll that removes what tempDir made here (the same registry as scripts/lib/temp.ts).
import '../support/temp.ts';

/** A pid that no process has any more: one of a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('tempDir', () => {
  it('makes directories under os.tmpdir() and removes every one it made, but those kept', () => {
    const a = tempDir('flow-release-hygiene-a-');
    const b = tempDir('flow-release-hygiene-b-');
    const kept = tempDir('flow-release-hygiene-kept-');
    writeFileSync(join(a, 'file'), 'x');
    expect(a.startsWith(tmpdir())).toBe(true);
    expect(liveTemp()).toEqual(expect.arrayContaining([a, b, kept]));

    keepTemp(kept);
    removeAllTemp();
    expect([existsSync(a), existsSync(b), existsSync(kept)]).toEqual([false, false, true]);
    expect(liveTemp()).toEqual([]);
    removeTemp(kept);
    expect(existsSync(kept)).toBe(false);
  });
});

describe('enterTmpSandbox', () => {
  it('points TMPDIR at a fresh directory; dispose restores it and removes the directory with its contents', () => {
    const before = process.env.TMPDIR;
    const parent = tmpdir();
    const sandbox = enterTmpSandbox('flow-release-hygiene');
    try {
      expect(sandbox.root.startsWith(join(parent, `flow-release-hygiene-${process.pid}-`))).toBe(true);
      // (jest gives a test its own copy of process.env, which os.tmpdir() does not read: the variable is what counts)
      expect(process.env.TMPDIR).toBe(sandbox.root);
      mkdirSync(join(sandbox.root, 'made-inside'));
      expect(sandbox.leftovers()).toEqual(['made-inside']);
    } finally {
      sandbox.dispose();
    }
    expect(process.env.TMPDIR).toBe(before);
    expect(existsSync(sandbox.root)).toBe(false);
    sandbox.dispose(); // idempotent
  });

  it("sweeps the sandboxes of processes that are gone, never a live process's", () => {
    const dir = tempDir('flow-release-hygiene-sweep-');
    const dead = join(dir, `flow-release-jest-${deadPid()}-AbC123`);
    const live = join(dir, `flow-release-jest-${process.pid}-XyZ789`);
    const other = join(dir, 'flow-release-jest-cache');
    for (const d of [dead, live, other]) mkdirSync(d);
    writeFileSync(join(dead, 'left'), 'x');

    expect(sweepStaleSandboxes('flow-release-jest', dir)).toEqual([dead.slice(dir.length + 1)]);
    expect([existsSync(dead), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  });
});

describe('tmp-audit', () => {
  it("counts every new entry as the project's leftover except the known caches of third-party tools", () => {
    const dir = tempDir('flow-release-hygiene-audit-');
    for (const d of ['old-entry', 'node-compile-cache', 'flow-release-runner-q1w2e3']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'jest.json'), '{}');

    const a = audit(dir, new Set(['old-entry']));
    expect(a.leftovers).toEqual(['flow-release-runner-q1w2e3', 'jest.json']);
    expect(a.foreign.map((f) => f.name)).toEqual(['node-compile-cache']);
    expect(audit(dir, new Set(['old-entry', 'flow-release-runner-q1w2e3', 'jest.json'])).leftovers).toEqual([]);
  });
});
