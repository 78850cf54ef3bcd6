// Property: whatever the manifest text, loadManifest returns either a manifest or a non-empty list of positioned
// issues; it never throws and never falls back to its "unexpected failure" issue.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { FLOW_TYPES } from '../../src/genesys/models.ts';
import { formatIssue, loadManifest } from '../../src/manifest/loader.ts';
import type { LoadResult } from '../../src/manifest/types.ts';
import { check } from './fc-settings.ts';
import { BASE_MANIFEST, BUILTINS, baseFiles, makeWorkspace } from './helpers.ts';

let ws: { dir: string; cleanup: () => void };
beforeAll(() => {
  ws = makeWorkspace(baseFiles());
});
afterAll(() => ws.cleanup());

async function loadText(text: string): Promise<LoadResult> {
  writeFileSync(path.join(ws.dir, 'genesys/release.yml'), text);
  return loadManifest({ workspace: ws.dir, manifestPath: 'genesys/release.yml', builtins: BUILTINS });
}

function wellFormed(r: LoadResult): boolean {
  if (r.ok) return r.manifest.flows.length > 0 && r.manifest.stages.length > 0;
  if (r.issues.length === 0) return false;
  for (const i of r.issues) {
    if (!Number.isInteger(i.line) || i.line < 1 || !Number.isInteger(i.column) || i.column < 1) return false;
    if (typeof i.file !== 'string' || i.file === '' || typeof i.path !== 'string' || i.message === '') return false;
    if (i.message.startsWith('could not validate the manifest')) return false;
    formatIssue(i);
  }
  return true;
}

const TOKENS = [
  'version: 1\n',
  'flows:\n',
  'stages:\n',
  'checks:\n',
  '  - name: Callback\n',
  '    type: workflow\n',
  '    file: flows/callback.yaml\n',
  '    flows: [Callback]\n',
  '    bake: 2m\n',
  'kind: execution\n',
  'kind: analytics\n',
  'max: 0.5\n',
  '&a ',
  '*a',
  '*b',
  '<<: *a',
  '[',
  ']',
  '{',
  '}',
  '- ',
  ': ',
  '\n',
  '  ',
  '    ',
  '"',
  "'",
  '# c',
  '{{run}}',
  '{{x}}',
  '? ',
  '|\n',
  '>-\n',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '!!binary ',
  '!!map ',
  '!tag ',
  '\t',
  '\u0000',
  '\uFEFF',
  '\r\n',
  '.inf',
  '.nan',
  '~',
  'null',
  '0x1F',
  '1e400',
  'source: draft',
  'substitutions: {a: b}',
  'force-unlock: yes',
  '../',
  '/etc/passwd',
  'flows/support.yaml'
];

const yamlish = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }
    ),
    { maxLength: 60 }
  )
  .map((parts) => parts.join(''));

/** A valid manifest with a few random edits: most runs land close to valid, exercising the semantic checks. */
const mutated = fc
  .array(
    fc.tuple(
      fc.nat({ max: BASE_MANIFEST.length - 1 }),
      fc.constantFrom('delete', 'duplicate', 'insert', 'replace', 'swap'),
      fc.constantFrom(...TOKENS),
      fc.nat({ max: 40 })
    ),
    { minLength: 1, maxLength: 4 }
  )
  .map((edits) => {
    const lines = [...BASE_MANIFEST];
    for (const [n, op, token, col] of edits) {
      const i = Math.min(n, lines.length - 1);
      const line = lines[i] ?? '';
      if (op === 'delete') lines.splice(i, 1);
      else if (op === 'duplicate') lines.splice(i, 0, line);
      else if (op === 'insert') lines[i] = line.slice(0, col) + token + line.slice(col);
      else if (op === 'replace') lines[i] = line.slice(0, col) + token.trimEnd();
      else if (op === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1] ?? '', line];
    }
    return lines.join('\n');
  });

const anyScalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const durationish = fc.oneof(fc.constantFrom('2m', '90s', '1m30s', '0', 0, 10, '2 min', '', '1h', 'ms'), anyScalar);
const flowName = fc.oneof(fc.constantFrom('Support IVR', 'Callback', 'Other'), fc.string({ maxLength: 10 }));

const manifestShaped = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 2 })),
    flows: fc.oneof(
      fc.array(
        fc.record(
          {
            name: flowName,
            type: fc.oneof(fc.constantFrom(...FLOW_TYPES), fc.constantFrom('inboundCall', 'WORKFLOW'), anyScalar),
            file: fc.oneof(
              fc.constantFrom(
                'flows/support.yaml',
                'flows/callback.yaml',
                '../x.yaml',
                '/etc/passwd',
                'flows',
                'flows/\u0000'
              ),
              anyScalar
            ),
            source: fc.oneof(fc.constantFrom('draft', 'file'), anyScalar),
            substitutions: fc.oneof(
              fc.dictionary(fc.constantFrom('queue', 'run', 'a b', ''), anyScalar, { maxKeys: 3 }),
              anyScalar
            ),
            'force-unlock': fc.oneof(fc.boolean(), anyScalar),
            extra: anyScalar
          },
          { requiredKeys: [] }
        ),
        { maxLength: 4 }
      ),
      fc.jsonValue({ maxDepth: 2 })
    ),
    stages: fc.oneof(
      fc.array(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom('canary', 'rest'), anyScalar),
            flows: fc.oneof(fc.array(flowName, { maxLength: 3 }), anyScalar),
            bake: durationish,
            'check-interval': durationish,
            checks: fc.oneof(fc.array(fc.constantFrom('smoke', 'errors', 'web', 'nope'), { maxLength: 3 }), anyScalar)
          },
          { requiredKeys: [] }
        ),
        { maxLength: 3 }
      ),
      fc.jsonValue({ maxDepth: 2 })
    ),
    checks: fc.dictionary(
      fc.constantFrom('smoke', 'errors', 'web'),
      fc.record(
        {
          kind: fc.oneof(fc.constantFrom('execution', 'analytics', 'http'), anyScalar),
          flow: flowName,
          flows: fc.array(flowName, { maxLength: 2 }),
          input: fc.oneof(
            fc.dictionary(
              fc.string({ maxLength: 5 }),
              fc.oneof(anyScalar, fc.constant('x-{{run}}'), fc.constant('{{nope}}'))
            ),
            anyScalar
          ),
          expect: fc.oneof(
            fc.record(
              { status: fc.constantFrom('COMPLETED', 'done'), output: fc.jsonValue({ maxDepth: 2 }) },
              { requiredKeys: [] }
            ),
            anyScalar
          ),
          timeout: durationish,
          metric: fc.oneof(fc.constant('outcome-failure-rate'), anyScalar),
          max: fc.oneof(fc.double({ min: -1, max: 2 }), anyScalar),
          'min-samples': fc.oneof(fc.integer({ min: -5, max: 50 }), anyScalar),
          'on-insufficient-data': fc.oneof(fc.constantFrom('fail', 'pass-with-warning'), anyScalar),
          url: fc.oneof(fc.constantFrom('https://example.com/health', 'ftp://x', '/rel'), anyScalar),
          'expect-status': fc.oneof(fc.integer({ min: 0, max: 700 }), anyScalar)
        },
        { requiredKeys: [] }
      ),
      { maxKeys: 3 }
    ),
    rollback: fc.oneof(
      fc.record(
        {
          automatic: fc.oneof(fc.boolean(), anyScalar),
          'new-flows': fc.oneof(fc.constantFrom('delete', 'keep'), anyScalar)
        },
        { requiredKeys: [] }
      ),
      anyScalar
    ),
    artifacts: fc.oneof(
      fc.record(
        { dir: fc.oneof(fc.constantFrom('out', '../out', '/abs', ''), anyScalar), message: anyScalar },
        { requiredKeys: [] }
      ),
      anyScalar
    ),
    concurrency: fc.oneof(fc.integer({ min: -2, max: 20 }), anyScalar),
    'job-timeout': durationish
  },
  { requiredKeys: [] }
);

describe('loadManifest properties', () => {
  it('arbitrary YAML-ish text: a manifest or positioned issues, never a throw', async () => {
    await check(
      'yaml-ish text',
      fc.asyncProperty(yamlish, async (text) => expect(wellFormed(await loadText(text))).toBe(true))
    );
  });

  it('a valid manifest with random edits: a manifest or positioned issues, never a throw', async () => {
    await check(
      'mutated manifest',
      fc.asyncProperty(mutated, async (text) => expect(wellFormed(await loadText(text))).toBe(true))
    );
  });

  it('arbitrary JSON values and manifest-shaped objects: a manifest or positioned issues, never a throw', async () => {
    const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), manifestShaped);
    await check(
      'json manifest',
      fc.asyncProperty(value, fc.boolean(), async (v, asJson) => {
        const text = asJson ? (JSON.stringify(v) ?? 'null') : stringify(v);
        expect(wellFormed(await loadText(text))).toBe(true);
      })
    );
  });
});
