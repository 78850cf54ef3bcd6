// The CLI is another edge beside the action's: nothing it loads may import @actions/* (the runner's toolkit).
import { expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/action-runner.ts';

/** Every module of src/ reachable from `entry` by static value imports (type-only imports are erased). */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const src = readFileSync(file, 'utf8');
    const specs = [...src.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((m) => m[1] as string);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return seen;
}

it('src/cli.ts loads no @actions/* module', () => {
  const graph = reachable(join(REPO_ROOT, 'src/cli.ts'));
  expect(graph.size).toBeGreaterThan(20);
  const offenders = [...graph].filter(([, specs]) => specs.some((s) => s.startsWith('@actions/')));
  expect(offenders.map(([f]) => f)).toEqual([]);
});
