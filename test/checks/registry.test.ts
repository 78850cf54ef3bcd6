// Acceptance for plug-in check kinds: a kind defined and registered here, in the test, with no source file edited,
// is validated when the manifest is loaded, runs in every bake round of the engine, and is described in the step
// summary and in the audit document (which still validates against the shipped schema).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { checkKindNames, defineCheckKind, findCheckKind, registerCheckKind } from '../../src/checks/index.ts';
import { buildAuditDocument } from '../../src/evidence/audit.ts';
import { buildSummary } from '../../src/evidence/summary.ts';
import { auditValidator } from '../../src/evidence/verify-file.ts';
import { name } from '../../src/fields/schema.ts';
import { loadManifest } from '../../src/manifest/loader.ts';
import type { LoadResult, ReleaseManifest } from '../../src/manifest/types.ts';
import { BUILTINS, baseFiles, makeWorkspace, withLines } from '../manifest/helpers.ts';
import { harness } from '../release/helpers.ts';

interface CounterCheck {
  kind: 'always-pass-counter';
  name: string;
  /** A flow of the manifest the counter is about (validated like any flow reference). */
  flow: string;
  label: string;
  maxRuns: number;
}

/** The whole kind: schema, defaults, spec, validation, one round, description. Counts its runs in `runs`. */
function counterKind() {
  const state = { runs: 0 };
  const DEFAULTS = { maxRuns: 100 } as const;
  const kind = defineCheckKind<CounterCheck, { flow: string; label: string; 'max-runs'?: number }>({
    kind: 'always-pass-counter',
    schema: z.strictObject({
      kind: z.literal('always-pass-counter'),
      flow: name,
      label: name,
      'max-runs': z.number().int('must be a whole number').min(1, 'must be at least 1').optional()
    }),
    defaults: DEFAULTS,
    toSpec: (checkName, d) => ({
      kind: 'always-pass-counter',
      name: checkName,
      flow: d.flow,
      label: d.label,
      maxRuns: d['max-runs'] ?? DEFAULTS.maxRuns
    }),
    validate(spec, v) {
      v.flow(['flow'], spec.flow);
      return spec;
    },
    run: async (_ctx, spec, r) => {
      state.runs++;
      return [
        {
          check: spec.name,
          kind: 'always-pass-counter',
          round: r.round,
          result: 'pass',
          measured: { runs: state.runs, live: r.live.has(spec.flow) },
          expected: { maxRuns: spec.maxRuns },
          message: `run ${state.runs} of ${spec.label}`,
          flow: spec.flow
        }
      ];
    },
    describe: (m, kit) => `counted ${kit.number(m.measured.runs)} run(s), at most ${kit.number(m.expected.maxRuns)}`
  });
  return { kind, state };
}

// BASE_MANIFEST (test/manifest/helpers.ts) with the canary stage running the counter; the check's lines are 22-25.
const counterLines = (extra: string[] = []): string[] => [
  '  counter:', // 22
  '    kind: always-pass-counter', // 23
  '    flow: Callback', // 24
  '    label: canary traffic', // 25
  ...extra
];

async function load(yaml: string): Promise<LoadResult> {
  const ws = makeWorkspace(baseFiles({ 'repo/genesys/release.yml': yaml }));
  try {
    return await loadManifest({ workspace: ws.dir, manifestPath: 'genesys/release.yml', builtins: BUILTINS });
  } finally {
    ws.cleanup();
  }
}

const issuesOf = (r: LoadResult) => (r.ok ? [] : r.issues);

describe('a check kind registered at run time', () => {
  let counter: ReturnType<typeof counterKind>;
  let unregister: (() => void) | undefined;
  beforeEach(() => {
    counter = counterKind();
    unregister = registerCheckKind(counter.kind);
  });
  afterEach(() => {
    unregister?.();
    unregister = undefined;
  });

  it('is listed after the built-ins, cannot be registered twice, and is gone once removed', () => {
    expect(checkKindNames()).toEqual(['execution', 'analytics', 'http', 'always-pass-counter']);
    expect(() => registerCheckKind(counter.kind)).toThrow("check kind 'always-pass-counter' is already registered");
    unregister?.();
    unregister = undefined;
    expect(findCheckKind('always-pass-counter')).toBeUndefined();
    expect(checkKindNames()).toEqual(['execution', 'analytics', 'http']);
  });

  it('is validated when the manifest loads: its own schema, its references, at the right line', async () => {
    const bad = await load(
      withLines({ 14: '    checks: [counter]' }, [
        '  counter:',
        '    kind: always-pass-counter',
        '    flow: Calback',
        '    label: x',
        '    max-runs: 0',
        '    colour: blue'
      ])
    );
    expect(issuesOf(bad)).toEqual([
      expect.objectContaining({
        file: 'genesys/release.yml',
        line: 26,
        path: 'checks.counter.max-runs',
        message: expect.stringContaining('at least 1')
      }),
      expect.objectContaining({
        line: 27,
        path: 'checks.counter.colour',
        message: "unknown key 'colour'",
        fix: expect.stringContaining('allowed keys: kind, flow, label, max-runs')
      })
    ]);
    // The schema passed: now its reference to a flow is checked, with a suggestion.
    const unknownFlow = await load(
      withLines({ 14: '    checks: [counter]' }, [
        '  counter:',
        '    kind: always-pass-counter',
        '    flow: Calback',
        '    label: x'
      ])
    );
    expect(issuesOf(unknownFlow)).toEqual([
      expect.objectContaining({
        line: 24,
        path: 'checks.counter.flow',
        message: "unknown flow 'Calback'",
        fix: expect.stringContaining("did you mean 'Callback'?")
      })
    ]);
  });

  it('loads with its defaults, runs in every bake round, and is described in the summary and the audit', async () => {
    const r = await load(withLines({ 14: '    checks: [counter]' }, counterLines()));
    expect(issuesOf(r)).toEqual([]);
    const manifest = (r as { manifest: ReleaseManifest }).manifest;
    expect(manifest.checks.counter).toEqual({
      kind: 'always-pass-counter',
      name: 'counter',
      flow: 'Callback',
      label: 'canary traffic',
      maxRuns: 100
    });

    const h = harness();
    const result = await h.run({ manifest });
    expect(result.outcome).toBe('succeeded');
    // canary bakes 2 min with checks every 30 s: 4 rounds, each one run of the counter on the live workflow.
    expect(counter.state.runs).toBe(4);
    const results = h.journal.ofType('check-result');
    expect(results.map((e) => [e.stage, e.flow, e.details.kind, e.details.round, e.details.measured])).toEqual(
      [1, 2, 3, 4].map((n) => ['canary', 'Callback', 'always-pass-counter', n, { runs: n, live: true }])
    );

    const summary = buildSummary(h.journal.events);
    expect(summary).toContain('✅ counter: counted 4 run(s), at most 100 (round 4)');

    const doc = JSON.parse(JSON.stringify(buildAuditDocument(h.journal.events))) as ReturnType<
      typeof buildAuditDocument
    >;
    const validate = auditValidator();
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.checks.map((c) => [c.kind, c.round, c.result, c.description])).toEqual(
      [1, 2, 3, 4].map((n) => ['always-pass-counter', n, 'pass', `counted ${n} run(s), at most 100`])
    );
  });

  it('is an unknown kind again once removed (no state leaks between tests)', async () => {
    unregister?.();
    unregister = undefined;
    const r = await load(withLines({ 14: '    checks: [counter]' }, counterLines()));
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({
        line: 23,
        path: 'checks.counter.kind',
        message: "unknown check kind the string 'always-pass-counter'",
        fix: 'kind is one of execution, analytics, http'
      })
    ]);
  });
});
