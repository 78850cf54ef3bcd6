// The workflows, the examples and the Marketplace metadata, checked for structure (actionlint is neither on the npm
// registry under a maintained name nor in Debian here): every action pinned by full commit SHA with its version in a
// comment, least-privilege permissions, a CI job that runs the action itself, and action.yml within the limits.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../scripts/lib/action-runner.ts';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  name?: string;
  on?: unknown;
  permissions?: Record<string, string> | string;
  jobs?: Record<string, Job>;
}

const DIRS = ['.github/workflows', 'examples/.github/workflows'];
const files = DIRS.flatMap((d) =>
  readdirSync(join(REPO_ROOT, d))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(d, f))
);
const text = (f: string) => readFileSync(join(REPO_ROOT, f), 'utf8');
const workflow = (f: string) => parse(text(f)) as Workflow;

describe('workflows', () => {
  it.each(files)('%s: has a name, triggers, top-level permissions and jobs with steps', (f) => {
    const w = workflow(f);
    expect(typeof w.name).toBe('string');
    expect(w.on).toBeDefined();
    expect(w.permissions).toBeDefined();
    for (const [id, job] of Object.entries(w.jobs ?? {})) {
      expect([id, typeof job['runs-on']]).toEqual([id, 'string']);
      expect(job.steps?.length).toBeGreaterThan(0);
      for (const step of job.steps ?? []) expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true);
    }
  });

  it.each(files.filter((f) => f.startsWith('.github')))(
    '%s: every action is pinned by full commit SHA with a # vX.Y.Z comment',
    (f) => {
      const lines = text(f)
        .split('\n')
        .filter((l) => /^\s*(- )?uses:/.test(l));
      for (const line of lines) {
        const ref = /uses:\s*(\S+)/.exec(line)?.[1] ?? '';
        if (ref.startsWith('./')) continue;
        expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  );

  it('pins actions/checkout and actions/setup-node to releases that run on Node 24 (v5 or later)', () => {
    for (const f of files) {
      for (const m of text(f).matchAll(/uses: actions\/(checkout|setup-node)@\S+ # v(\d+)\./g)) {
        expect([f, m[1], Number(m[2])]).toEqual([f, m[1], expect.any(Number)]);
        expect(Number(m[2])).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('the release workflow runs on version tags with only contents: write, and moves the major tag', () => {
    const w = workflow('.github/workflows/release.yml');
    expect(w.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(w.permissions).toEqual({});
    const jobs = Object.values(w.jobs ?? {});
    expect(jobs.map((j) => j.permissions)).toEqual([{ contents: 'write' }]);
    const runs = jobs.flatMap((j) => j.steps ?? []).map((s) => s.run ?? '');
    expect(runs.some((r) => r.includes('npm run build') && r.includes('git status --porcelain -- dist'))).toBe(true);
    expect(runs.some((r) => r.includes('gh release create') && r.includes('notes.md'))).toBe(true);
    expect(runs.some((r) => r.includes('git/refs/tags/$major'))).toBe(true);
  });

  it('CI runs the action itself (uses: ./) against the emulator started in the job', () => {
    const steps = Object.values(workflow('.github/workflows/ci.yml').jobs ?? {}).flatMap((j) => j.steps ?? []);
    expect(steps.some((s) => s.run?.includes('npm run emulator'))).toBe(true);
    const own = steps.filter((s) => s.uses === './');
    expect(own.map((s) => s.with?.command)).toEqual(['plan', 'deploy']);
    expect(own.every((s) => s.with?.['api-url'] === 'http://127.0.0.1:8787')).toBe(true);
  });

  it('the examples use a real version scheme (@v1) and say to pin by SHA', () => {
    for (const f of files.filter((x) => x.startsWith('examples'))) {
      expect(text(f)).toMatch(/uses: contoso\/flow-release@v1 # in production pin the release's commit SHA/);
      expect(text(f)).not.toContain('@v0');
    }
  });

  it('dependabot covers npm and github-actions', () => {
    const d = parse(text('.github/dependabot.yml')) as { updates: { 'package-ecosystem': string }[] };
    expect(d.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });
});

describe('action.yml (Marketplace metadata)', () => {
  const action = parse(text('action.yml')) as {
    name: string;
    description: string;
    branding: { icon: string; color: string };
  };

  it('has a description of at most 125 characters and a name of at most 60', () => {
    expect(action.description.length).toBeLessThanOrEqual(125);
    expect(action.name.length).toBeLessThanOrEqual(60);
  });

  it('has valid branding', () => {
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
      action.branding.color
    );
    expect(action.branding.icon).toMatch(/^[a-z0-9-]+$/);
  });
});
