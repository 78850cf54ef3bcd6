// Temporary workspaces for loader tests: each case gets its own directory, removed after the test (cleanup), or at the
// latest after the test file (test/support/temp.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeTemp, tempDir } from '../support/temp.ts';

export function makeWorkspace(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const root = tempDir('flow-release-manifest-');
  const dir = path.join(root, 'repo');
  mkdirSync(dir);
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return { dir, cleanup: () => removeTemp(root) };
}

/**
 * The CPU time (user + system, ms) this process spends while `fn` runs: how the hostile-input tests bound the loader's
 * work. Unlike elapsed time, another process keeping the cores busy does not stretch it.
 */
export async function cpuTimeOf<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

export const BUILTINS = { run: '1234-1', release: 'rel-abc' };

/** A small valid manifest; the table-driven cases edit single lines so the expected line numbers stay obvious. */
export const BASE_MANIFEST = [
  'version: 1', // 1
  'flows:', // 2
  '  - name: Support IVR', // 3
  '    type: inboundcall', // 4
  '    file: flows/support.yaml', // 5
  '    substitutions: { queue: Support }', // 6
  '  - name: Callback', // 7
  '    type: workflow', // 8
  '    file: flows/callback.yaml', // 9
  'stages:', // 10
  '  - name: canary', // 11
  '    flows: [Callback]', // 12
  '    bake: 2m', // 13
  '    checks: [smoke]', // 14
  '  - name: rest', // 15
  '    flows: [Support IVR]', // 16
  'checks:', // 17
  '  smoke:', // 18
  '    kind: execution', // 19
  '    flow: Callback', // 20
  '    timeout: 60s' // 21
];

export const SUPPORT_FLOW = [
  'inboundCall:', // 1
  '  name: Support IVR', // 2
  '  division: Home', // 3
  '  startUpRef: "/inboundCall/menus/menu[Main]"', // 4
  '  defaultLanguage: en-us', // 5
  '  menus:', // 6
  '    - menu:', // 7
  '        name: Main', // 8
  '        audio:', // 9
  '          tts: Welcome to {{queue}}' // 10
].join('\n');

export const CALLBACK_FLOW = [
  'workflow:',
  '  name: Callback',
  '  division: Home',
  '  startUpRef: "/workflow/states/state[Start]"'
].join('\n');

/** BASE_MANIFEST with 1-based line `n` replaced (use '' + a line to append, null to delete). */
export function withLines(edits: Record<number, string | null>, append: string[] = []): string {
  const lines: string[] = [];
  BASE_MANIFEST.forEach((l, i) => {
    const e = edits[i + 1];
    if (e === null) return;
    lines.push(e ?? l);
  });
  return [...lines, ...append].join('\n') + '\n';
}

export function baseFiles(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'repo/genesys/release.yml': withLines({}),
    'repo/flows/support.yaml': SUPPORT_FLOW,
    'repo/flows/callback.yaml': CALLBACK_FLOW,
    ...overrides
  };
}
