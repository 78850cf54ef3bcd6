import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { ValidationIssue } from '../../src/domain/types.ts';
import { parseDuration } from '../../src/fields/duration.ts';
import { formatIssue, loadManifest, MAX_MANIFEST_BYTES } from '../../src/manifest/loader.ts';
import type { LoadResult } from '../../src/manifest/types.ts';
import { BUILTINS, CALLBACK_FLOW, SUPPORT_FLOW, baseFiles, cpuTimeOf, makeWorkspace, withLines } from './helpers.ts';

const M = 'genesys/release.yml';

// The manifest from DESIGN.md, verbatim.
const DESIGN_MANIFEST = `version: 1
flows:
  - name: Support IVR            # exact Genesys flow name
    type: inboundcall
    file: flows/support-ivr.yaml  # Archy YAML in this repo: published through an Architect job
    substitutions: { queue: Support }
  - name: Callback Workflow
    type: workflow
    file: flows/callback.yaml
  - name: Billing IVR
    type: inboundcall
    source: draft                 # promote the version checked in through Architect (actions/publish)
stages:                           # ordered; every flow appears in exactly one stage
  - name: canary
    flows: [Callback Workflow]
    bake: 2m
    checks: [callback-smoke]
  - name: everything
    flows: [Support IVR, Billing IVR]
    bake: 10m
    checks: [outcome-failures]
checks:
  callback-smoke:
    kind: execution               # launch a workflow, expect COMPLETED (and outputs)
    flow: Callback Workflow
    input: { customerId: "synthetic-{{run}}" }
    expect: { status: COMPLETED, output: { ok: true } }
    timeout: 60s
  outcome-failures:
    kind: analytics               # flow aggregates since publish, new version vs previous
    metric: outcome-failure-rate  # nFlowOutcomeFailed / nFlowOutcome
    max: 0.05
    min-samples: 20
    on-insufficient-data: fail    # or: pass-with-warning
  status-page:
    kind: http
    url: https://example.internal/health
    expect-status: 200
rollback: { automatic: true, new-flows: delete }
artifacts: { dir: genesys/published, message: "release: {{release}} [skip ci]" }
`;

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

async function loadFiles(
  files: Record<string, string>,
  manifestPath = M,
  builtins = BUILTINS
): Promise<{ r: LoadResult; dir: string }> {
  const ws = makeWorkspace(files);
  cleanup = ws.cleanup;
  return { r: await loadManifest({ workspace: ws.dir, manifestPath, builtins }), dir: ws.dir };
}

function issuesOf(r: LoadResult): ValidationIssue[] {
  if (r.ok) throw new Error('expected the manifest to be rejected');
  return r.issues;
}

function okOf(r: LoadResult) {
  if (!r.ok) throw new Error(`expected the manifest to load:\n${r.issues.map(formatIssue).join('\n')}`);
  return r.manifest;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('a valid manifest', () => {
  it('loads the DESIGN.md example with every value converted', async () => {
    const { r, dir } = await loadFiles({
      'repo/genesys/release.yml': DESIGN_MANIFEST,
      'repo/flows/support-ivr.yaml': SUPPORT_FLOW,
      'repo/flows/callback.yaml': CALLBACK_FLOW.replace('name: Callback', 'name: Callback Workflow')
    });
    const m = okOf(r);
    expect(m.version).toBe(1);
    expect(m.path).toBe(path.join(readlinkReal(dir), 'genesys/release.yml'));
    expect(m.flows.map((f) => [f.name, f.type, f.source])).toEqual([
      ['Support IVR', 'inboundcall', 'file'],
      ['Callback Workflow', 'workflow', 'file'],
      ['Billing IVR', 'inboundcall', 'draft']
    ]);
    const support = m.flows[0];
    if (support?.source !== 'file') throw new Error('expected a file flow');
    expect(support.content).toContain('tts: Welcome to Support');
    expect(support.content).not.toContain('{{');
    expect(support.contentHash).toBe(sha(support.content));
    expect(support.substitutions).toEqual({ queue: 'Support' });
    expect(support.forceUnlock).toBe(false);
    expect(m.stages).toEqual([
      {
        name: 'canary',
        flows: ['Callback Workflow'],
        bakeMs: 120_000,
        checkIntervalMs: 30_000,
        checks: ['callback-smoke']
      },
      {
        name: 'everything',
        flows: ['Support IVR', 'Billing IVR'],
        bakeMs: 600_000,
        checkIntervalMs: 30_000,
        checks: ['outcome-failures']
      }
    ]);
    expect(m.checks['callback-smoke']).toEqual({
      kind: 'execution',
      name: 'callback-smoke',
      flow: 'Callback Workflow',
      input: { customerId: 'synthetic-1234-1' },
      expect: { status: 'COMPLETED', output: { ok: true } },
      timeoutMs: 60_000
    });
    expect(m.checks['outcome-failures']).toEqual({
      kind: 'analytics',
      name: 'outcome-failures',
      metric: 'outcome-failure-rate',
      max: 0.05,
      minSamples: 20,
      onInsufficientData: 'fail'
    });
    expect(m.checks['status-page']).toEqual({
      kind: 'http',
      name: 'status-page',
      url: 'https://example.internal/health',
      expectStatus: 200,
      timeoutMs: 10_000
    });
    expect(m.rollback).toEqual({ automatic: true, newFlows: 'delete' });
    expect(m.artifacts).toEqual({ dir: 'genesys/published', message: 'release: {{release}} [skip ci]' });
    expect(m.concurrency).toBe(16);
    expect(m.jobTimeoutMs).toBe(16 * 60_000);
  });

  it('applies explicit top-level settings and optional check fields', async () => {
    const { r } = await loadFiles(
      baseFiles({
        'repo/genesys/release.yml': withLines({ 13: '    bake: 1m30s', 14: '    checks: [smoke, errors]' }, [
          '  errors:',
          '    kind: analytics',
          '    metric: outcome-failure-rate',
          '    flows: [Callback]',
          '    max: 0.1',
          '    min-samples: 5',
          '    on-insufficient-data: pass-with-warning',
          '    compare-to-previous: { max-increase: 0.02 }',
          'concurrency: 2',
          'job-timeout: 5m',
          'rollback: { automatic: false, new-flows: keep }',
          'artifacts: { dir: out/published }'
        ])
      })
    );
    const m = okOf(r);
    expect(m.stages[0]).toMatchObject({ bakeMs: 90_000, checkIntervalMs: 30_000, checks: ['smoke', 'errors'] });
    // The interval is final (the bake uses it as is): a bake of 0 runs its checks once, at 1 s.
    expect(m.stages[1]).toMatchObject({ bakeMs: 0, checkIntervalMs: 1000, checks: [] });
    expect(m.checks.errors).toEqual({
      kind: 'analytics',
      name: 'errors',
      metric: 'outcome-failure-rate',
      flows: ['Callback'],
      max: 0.1,
      minSamples: 5,
      onInsufficientData: 'pass-with-warning',
      compareToPrevious: { maxIncrease: 0.02 }
    });
    expect(m.concurrency).toBe(2);
    expect(m.jobTimeoutMs).toBe(300_000);
    expect(m.rollback).toEqual({ automatic: false, newFlows: 'keep' });
    expect(m.artifacts).toEqual({ dir: 'out/published', message: 'release: {{release}} [skip ci]' });
  });

  it('puts every flow in one stage named release when stages are omitted', async () => {
    const lines = withLines({ 10: null, 11: null, 12: null, 13: null, 14: null, 15: null, 16: null });
    const m = okOf((await loadFiles(baseFiles({ 'repo/genesys/release.yml': lines }))).r);
    expect(m.stages).toEqual([
      { name: 'release', flows: ['Support IVR', 'Callback'], bakeMs: 0, checkIntervalMs: 1000, checks: [] }
    ]);
  });
});

describe('substitutions', () => {
  it("substitutes the flow's own values only (built-ins are not filled in flow files) and hashes the result", async () => {
    const flow = SUPPORT_FLOW.replace('Welcome to {{queue}}', 'Welcome to {{ queue }} run {{run}} rel {{release}}');
    const { r, dir } = await loadFiles(
      baseFiles({
        'repo/flows/support.yaml': flow,
        'repo/genesys/release.yml': withLines({
          6: '    substitutions: { queue: Billing, release: pinned, run: mine, port: 8080, on: true }'
        })
      })
    );
    const f = okOf(r).flows[0];
    if (f?.source !== 'file') throw new Error('expected a file flow');
    // BUILTINS says run = 1234-1 and release = rel-abc: a flow's {{run}} is its own substitution, never the run id.
    expect(f.content).toContain('tts: Welcome to Billing run mine rel pinned');
    expect(f.substitutions).toEqual({ queue: 'Billing', release: 'pinned', run: 'mine', port: '8080', on: 'true' });
    expect(f.contentHash).toBe(sha(f.content));
    // The file on disk is untouched; only the uploaded content is substituted.
    expect(readFileSync(path.join(dir, 'flows/support.yaml'), 'utf8')).toBe(flow);
  });

  it('gives different hashes for different substituted content and equal hashes for equal content', async () => {
    const load = async (queue: string) => {
      const { r } = await loadFiles(
        baseFiles({ 'repo/genesys/release.yml': withLines({ 6: `    substitutions: { queue: ${queue} }` }) })
      );
      const f = okOf(r).flows[0];
      return f?.source === 'file' ? f.contentHash : '';
    };
    const a = await load('Support');
    const b = await load('Sales');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(await load('Support')).toBe(a);
  });

  it('reports every unresolved placeholder, each at its own line', async () => {
    const flow = SUPPORT_FLOW.replace('division: Home', 'division: "{{division}}"').replace(
      'Welcome to {{queue}}',
      'Hi {{greeting}}'
    );
    const issues = issuesOf((await loadFiles(baseFiles({ 'repo/flows/support.yaml': flow }))).r);
    expect(issues.map((i) => [i.file, i.line, i.path])).toEqual([
      ['flows/support.yaml', 3, 'inboundCall.division'],
      ['flows/support.yaml', 10, 'inboundCall.menus[0].menu.audio.tts']
    ]);
  });
});

describe('all issues at once', () => {
  it('reports problems in the manifest and in several flow files in one result', async () => {
    const { r } = await loadFiles(
      baseFiles({
        'repo/genesys/release.yml': withLines({ 13: '    bake: soon', 14: '    checks: [smok]' }, ['concurrency: 0']),
        'repo/flows/callback.yaml': CALLBACK_FLOW.replace('name: Callback', 'name: Other'),
        'repo/flows/support.yaml': SUPPORT_FLOW.replace('{{queue}}', '{{queu}}')
      })
    );
    const got = issuesOf(r).map((i) => `${i.file}:${i.line}:${i.path}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'genesys/release.yml:13:stages[0].bake',
        'genesys/release.yml:14:stages[0].checks[0]',
        'genesys/release.yml:22:concurrency',
        'flows/callback.yaml:2:workflow.name',
        'flows/support.yaml:10:inboundCall.menus[0].menu.audio.tts'
      ])
    );
    expect(got).toHaveLength(5);
  });
});

describe('formatIssue', () => {
  it('renders file:line:col: path: message (fix: ...)', () => {
    expect(
      formatIssue({
        file: 'genesys/release.yml',
        line: 13,
        column: 11,
        path: 'stages[0].bake',
        message: "'x' is not a duration",
        fix: 'use 90s'
      })
    ).toBe("genesys/release.yml:13:11: stages[0].bake: 'x' is not a duration (fix: use 90s)");
    expect(formatIssue({ file: 'a.yml', line: 1, column: 1, path: '', message: 'empty' })).toBe('a.yml:1:1: empty');
  });

  it('reports 1-based columns that point at the value', async () => {
    const issues = issuesOf(
      (await loadFiles(baseFiles({ 'repo/genesys/release.yml': withLines({ 13: '    bake: later' }) }))).r
    );
    expect(issues[0]).toMatchObject({ line: 13, column: 11 });
  });
});

describe('hostile input', () => {
  it('rejects a YAML alias bomb quickly', async () => {
    const bomb = [
      'version: 1',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'flows: [*h,*h,*h,*h,*h,*h,*h,*h,*h]'
    ].join('\n');
    const { value: issues, cpuMs } = await cpuTimeOf(async () =>
      issuesOf((await loadFiles({ 'repo/genesys/release.yml': bomb })).r)
    );
    expect(cpuMs).toBeLessThan(2000);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/too many YAML aliases/);
  });

  it('rejects an alias bomb inside a flow file, naming that file', async () => {
    const bomb = `workflow:\n  name: Callback\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n${Array.from(
      { length: 8 },
      (_, i) =>
        `  l${i}: &l${i} [${Array(10)
          .fill(i === 0 ? '*a' : `*l${i - 1}`)
          .join(',')}]`
    ).join('\n')}\n`;
    const issues = issuesOf((await loadFiles(baseFiles({ 'repo/flows/callback.yaml': bomb }))).r);
    expect(issues[0]).toMatchObject({ file: 'flows/callback.yaml', line: 1 });
    expect(issues[0]?.message).toMatch(/too many YAML aliases/);
  });

  it('refuses an oversized manifest before parsing it', async () => {
    const huge = `version: 1\n# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`;
    const { value: issues, cpuMs } = await cpuTimeOf(async () =>
      issuesOf((await loadFiles({ 'repo/genesys/release.yml': huge })).r)
    );
    expect(cpuMs).toBeLessThan(2000);
    expect(issues).toEqual([
      expect.objectContaining({ file: M, line: 1, message: expect.stringMatching(/bytes; the limit is 1048576/) })
    ]);
  });

  it('refuses deep nesting in bounded time', async () => {
    for (const text of [
      `version: ${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      `version: 1\nflows:\n${'- '.repeat(100_000)}x\n`,
      `flows: ${'{a: '.repeat(70)}1${'}'.repeat(70)}`
    ]) {
      const { value: issues, cpuMs } = await cpuTimeOf(async () =>
        issuesOf((await loadFiles({ 'repo/genesys/release.yml': text })).r)
      );
      expect(cpuMs).toBeLessThan(2000);
      expect(issues[0]?.message).toMatch(/nesting is too deep/);
      cleanup?.();
    }
  });

  it('refuses a manifest outside the workspace and a manifest symlinked out of it', async () => {
    const { r } = await loadFiles({ 'repo/x': '', 'release.yml': 'version: 1' }, '../release.yml');
    expect(issuesOf(r)[0]?.message).toMatch(/outside the workspace/);
    const ws = makeWorkspace({ 'repo/genesys/.keep': '', 'release.yml': 'version: 1' });
    cleanup = ws.cleanup;
    symlinkSync(path.join(ws.dir, '../release.yml'), path.join(ws.dir, 'genesys/release.yml'));
    const r2 = await loadManifest({ workspace: ws.dir, manifestPath: M, builtins: BUILTINS });
    expect(issuesOf(r2)[0]?.message).toMatch(/symlink that resolves outside the workspace/);
  });

  it('allows a symlink that stays inside the workspace', async () => {
    const ws = makeWorkspace(baseFiles({ 'repo/shared/cb.yaml': CALLBACK_FLOW, 'repo/flows/callback.yaml': 'unused' }));
    cleanup = ws.cleanup;
    const { rmSync } = await import('node:fs');
    rmSync(path.join(ws.dir, 'flows/callback.yaml'));
    symlinkSync(path.join(ws.dir, 'shared/cb.yaml'), path.join(ws.dir, 'flows/callback.yaml'));
    okOf(await loadManifest({ workspace: ws.dir, manifestPath: M, builtins: BUILTINS }));
  });

  it('reports a missing manifest, an empty one and a directory as issues', async () => {
    expect(issuesOf((await loadFiles({ 'repo/x': '' })).r)[0]?.message).toMatch(/does not exist/);
    expect(issuesOf((await loadFiles({ 'repo/genesys/release.yml': '# nothing\n' })).r)[0]?.message).toBe(
      'the manifest is empty'
    );
    expect(issuesOf((await loadFiles({ 'repo/genesys/release.yml/x': '' })).r)[0]?.message).toMatch(
      /not a regular file/
    );
  });

  it('turns unexpected failures into an issue instead of throwing', async () => {
    const r = await loadManifest({ workspace: '/nonexistent-\0', manifestPath: M, builtins: BUILTINS });
    expect(issuesOf(r)[0]).toMatchObject({ line: 1, column: 1 });
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    [0, 0],
    ['0', 0]
  ])('%s → %d ms', (input, ms) => expect(parseDuration(input)).toEqual({ ok: true, ms }));

  it.each(['', '2', '1.5m', '2 m', '30s1m', '1m1m', 'm', '-1s', '1d', 'x'.repeat(100)])('rejects %j', (input) => {
    const r = parseDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fix).toContain('1m30s');
  });
});

function readlinkReal(p: string): string {
  // macOS tmp dirs are symlinked; the loader reports real paths.
  return require_realpath(p);
}
import { realpathSync as require_realpath } from 'node:fs';

describe('retired flows', () => {
  const files = (retired: string) => ({
    'repo/genesys/release.yml': `${DESIGN_MANIFEST}${retired}`,
    'repo/flows/support-ivr.yaml': SUPPORT_FLOW,
    'repo/flows/callback.yaml': CALLBACK_FLOW.replace('name: Callback', 'name: Callback Workflow')
  });

  it('reads retired: [{ name, type }]', async () => {
    const { r } = await loadFiles(files('retired:\n  - { name: Old IVR, type: inboundcall }\n'));
    expect(okOf(r).retired).toEqual([{ name: 'Old IVR', type: 'inboundcall' }]);
  });

  it('refuses a retired flow that the manifest also releases, and an unknown type, at their lines', async () => {
    const { r } = await loadFiles(
      files('retired:\n  - { name: Support IVR, type: inboundcall }\n  - { name: X, type: nope }\n')
    );
    const issues = issuesOf(r);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['retired[0].name', 'retired[1].type']));
    expect(issues.find((i) => i.path === 'retired[0].name')?.message).toMatch(/both under flows and under retired/);
  });
});
