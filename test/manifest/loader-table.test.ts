// Table-driven: each broken manifest or flow file must yield an issue naming the exact file, line and field path.
import { afterEach, describe, expect, it } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import type { ValidationIssue } from '../../src/domain/types.ts';
import { formatIssue, loadManifest } from '../../src/manifest/loader.ts';
import { BUILTINS, CALLBACK_FLOW, SUPPORT_FLOW, baseFiles, makeWorkspace, withLines } from './helpers.ts';

interface Case {
  name: string;
  files: Record<string, string>;
  setup?: (root: string) => void;
  expect: { file: string; line: number; path: string; message: string | RegExp; fix?: string | RegExp };
}

const M = 'genesys/release.yml';
const manifest = (edits: Record<number, string | null>, append: string[] = []): Record<string, string> =>
  baseFiles({ 'repo/genesys/release.yml': withLines(edits, append) });

/** The base manifest with the second flow replaced by a bot flow whose file starts with `key:`. */
function botFiles(key: string, type = 'bot'): Record<string, string> {
  return baseFiles({
    'repo/genesys/release.yml': withLines({
      7: '  - name: Callback',
      8: `    type: ${type}`,
      9: '    file: flows/bot.yaml'
    }),
    'repo/flows/bot.yaml': `${key}:\n  name: Callback\n  division: Home\n`
  });
}

/** The same with an in-queue call flow. */
function inQueueFiles(key: string): Record<string, string> {
  return baseFiles({
    'repo/genesys/release.yml': withLines({ 8: '    type: inqueuecall', 9: '    file: flows/hold.yaml' }),
    'repo/flows/hold.yaml': `${key}:\n  name: Callback\n  division: Home\n`
  });
}

const cases: Case[] = [
  {
    name: 'unknown top-level key suggests the closest',
    files: manifest({ 1: 'versoin: 1' }),
    expect: { file: M, line: 1, path: 'versoin', message: "unknown key 'versoin'", fix: "did you mean 'version'" }
  },
  {
    name: 'wrong manifest version',
    files: manifest({ 1: 'version: 2' }),
    expect: { file: M, line: 1, path: 'version', message: 'must be 1' }
  },
  {
    name: 'flow type in Archy camelCase',
    files: manifest({ 4: '    type: inboundCall' }),
    expect: { file: M, line: 4, path: 'flows[0].type', message: 'must be one of', fix: "did you mean 'inboundcall'" }
  },
  {
    name: 'unknown flow type',
    files: manifest({ 8: '    type: workflo' }),
    expect: { file: M, line: 8, path: 'flows[1].type', message: "got the string 'workflo'", fix: "'workflow'" }
  },
  {
    name: 'missing flow type',
    files: manifest({ 8: null }),
    expect: { file: M, line: 7, path: 'flows[1].type', message: "'type' is required" }
  },
  {
    name: 'unknown key in a flow',
    files: manifest({ 6: '    substitution: { queue: Support }' }),
    expect: {
      file: M,
      line: 6,
      path: 'flows[0].substitution',
      message: "unknown key 'substitution'",
      fix: "did you mean 'substitutions'"
    }
  },
  {
    name: 'unknown key in a stage',
    files: manifest({ 13: '    bakee: 2m' }),
    expect: {
      file: M,
      line: 13,
      path: 'stages[0].bakee',
      message: "unknown key 'bakee'",
      fix: /allowed keys: name, flows, bake, check-interval, checks/
    }
  },
  {
    name: 'duration in words',
    files: manifest({ 13: '    bake: 2 minutes' }),
    expect: { file: M, line: 13, path: 'stages[0].bake', message: "'2 minutes' is not a duration", fix: '1m30s' }
  },
  {
    name: 'duration without unit',
    files: manifest({ 13: '    bake: 10' }),
    expect: { file: M, line: 13, path: 'stages[0].bake', message: 'has no unit', fix: "'10s'" }
  },
  {
    name: 'duration units out of order',
    files: manifest({ 21: '    timeout: 30s1m' }),
    expect: { file: M, line: 21, path: 'checks.smoke.timeout', message: 'not a duration' }
  },
  {
    name: 'duplicate flow name',
    files: manifest({ 7: '  - name: Support IVR' }),
    expect: { file: M, line: 7, path: 'flows[1].name', message: "duplicate flow name 'Support IVR' (also flows[0])" }
  },
  {
    name: 'flow listed in two stages',
    files: manifest({ 16: '    flows: [Callback]' }),
    expect: { file: M, line: 16, path: 'stages[1].flows[0]', message: "'Callback' is already in stages[0]" }
  },
  {
    name: 'flow in no stage',
    files: manifest({ 16: '    flows: [Callback]' }),
    expect: { file: M, line: 3, path: 'flows[0].name', message: "flow 'Support IVR' is not in any stage" }
  },
  {
    name: 'stage names an unknown flow',
    files: manifest({ 16: '    flows: [Support IRV]' }),
    expect: {
      file: M,
      line: 16,
      path: 'stages[1].flows[0]',
      message: "unknown flow 'Support IRV'",
      fix: "did you mean 'Support IVR'"
    }
  },
  {
    name: 'duplicate stage name',
    files: manifest({ 15: '  - name: canary' }),
    expect: { file: M, line: 15, path: 'stages[1].name', message: "duplicate stage name 'canary'" }
  },
  {
    name: 'stage references a missing check',
    files: manifest({ 14: '    checks: [smoky]' }),
    expect: {
      file: M,
      line: 14,
      path: 'stages[0].checks[0]',
      message: "unknown check 'smoky'",
      fix: "did you mean 'smoke'"
    }
  },
  {
    name: 'empty stage',
    files: manifest({ 12: '    flows: []', 16: '    flows: [Support IVR, Callback]' }),
    expect: { file: M, line: 12, path: 'stages[0].flows', message: 'at least one flow' }
  },
  {
    name: 'execution check on an inbound call flow',
    files: manifest({ 20: '    flow: Support IVR' }),
    expect: {
      file: M,
      line: 20,
      path: 'checks.smoke.flow',
      message: "'Support IVR' has type inboundcall",
      fix: 'type workflow'
    }
  },
  {
    name: 'unknown check kind',
    files: manifest({ 19: '    kind: executon' }),
    expect: {
      file: M,
      line: 19,
      path: 'checks.smoke.kind',
      message: "unknown check kind the string 'executon'",
      fix: "did you mean 'execution'"
    }
  },
  {
    name: 'check input uses an unknown placeholder',
    files: manifest({ 21: '    input: { customer: "synthetic-{{nope}}" }' }),
    expect: {
      file: M,
      line: 21,
      path: 'checks.smoke.input.customer',
      message: 'placeholder {{nope}} is not a built-in',
      fix: '{{run}}'
    }
  },
  {
    name: 'check input is not JSON-serialisable',
    files: manifest({ 21: '    input: { limit: .inf }' }),
    expect: { file: M, line: 21, path: 'checks.smoke.input.limit', message: 'Infinity cannot be sent as JSON' }
  },
  {
    name: 'analytics max outside 0..1',
    files: manifest({}, ['  errors:', '    kind: analytics', '    metric: outcome-failure-rate', '    max: 1.5']),
    expect: { file: M, line: 25, path: 'checks.errors.max', message: 'between 0 and 1' }
  },
  {
    name: 'analytics on-insufficient-data typo',
    files: manifest({}, [
      '  errors:',
      '    kind: analytics',
      '    metric: outcome-failure-rate',
      '    max: 0.1',
      '    on-insufficient-data: pass'
    ]),
    expect: {
      file: M,
      line: 26,
      path: 'checks.errors.on-insufficient-data',
      message: 'must be one of fail, pass-with-warning'
    }
  },
  {
    name: 'http check with a relative URL',
    files: manifest({}, ['  page:', '    kind: http', '    url: /health']),
    expect: { file: M, line: 24, path: 'checks.page.url', message: 'absolute http(s) URL' }
  },
  {
    name: 'concurrency above 32',
    files: manifest({}, ['concurrency: 33']),
    expect: {
      file: M,
      line: 22,
      path: 'concurrency',
      message: 'must be a whole number from 1 to 32 (got 33); the default is 16',
      fix: '1..32'
    }
  },
  {
    name: 'concurrency of zero',
    files: manifest({}, ['concurrency: 0']),
    expect: { file: M, line: 22, path: 'concurrency', message: 'from 1 to 32 (got 0)' }
  },
  {
    name: 'fractional concurrency',
    files: manifest({}, ['concurrency: 2.5']),
    expect: { file: M, line: 22, path: 'concurrency', message: 'whole number from 1 to 32 (got 2.5)' }
  },
  {
    name: 'job-timeout too short',
    files: manifest({}, ['job-timeout: 1s']),
    expect: { file: M, line: 22, path: 'job-timeout', message: 'job-timeout must be between 10s and 6h' }
  },
  {
    name: 'file and source: draft together',
    files: manifest({ 6: '    source: draft' }),
    expect: { file: M, line: 6, path: 'flows[0].source', message: 'has both file: and source: draft' }
  },
  {
    name: 'neither file nor source',
    files: manifest({ 9: '    force-unlock: true' }),
    expect: { file: M, line: 7, path: 'flows[1]', message: 'needs either file: <path> or source: draft' }
  },
  {
    name: 'substitution value with a line break',
    files: manifest({ 6: '    substitutions: { queue: "Sup\\nport" }' }),
    expect: { file: M, line: 6, path: 'flows[0].substitutions.queue', message: 'line break' }
  },
  {
    name: 'duplicate YAML key in the manifest',
    files: manifest({ 14: '    bake: 3m' }),
    expect: { file: M, line: 14, path: 'stages[0].bake', message: 'Map keys must be unique' }
  },
  {
    name: 'artifacts directory outside the repository',
    files: manifest({}, ['artifacts: { dir: ../elsewhere }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'not a subdirectory of the repository' }
  },
  {
    name: 'artifacts directory read by git as an option (--upload-pack)',
    files: manifest({}, ['artifacts: { dir: "--upload-pack=touch /tmp/x" }']),
    expect: {
      file: M,
      line: 22,
      path: 'artifacts.dir',
      message:
        "artifacts directory '--upload-pack=touch /tmp/x' has a path segment starting with '-' ('--upload-pack=touch '), which git would read as an option",
      fix: "no segment starts with '-'"
    }
  },
  {
    name: 'artifacts directory with a nested -rf segment',
    files: manifest({}, ['artifacts:', '  dir: genesys/-rf/published']),
    expect: { file: M, line: 23, path: 'artifacts.dir', message: "segment starting with '-' ('-rf')" }
  },
  {
    name: 'artifacts directory with a control character',
    files: manifest({}, ['artifacts: { dir: "genesys/\\npublished" }']),
    expect: {
      file: M,
      line: 22,
      path: 'artifacts.dir',
      message: "artifacts directory 'genesys/\\npublished' contains a control character"
    }
  },
  {
    name: 'artifacts directory inside .git',
    files: manifest({}, ['artifacts: { dir: .git/hooks }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'points into a .git directory' }
  },
  {
    name: 'artifacts directory with a nested .GIT segment',
    files: manifest({}, ['artifacts: { dir: vendor/.GIT/x }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'points into a .git directory' }
  },
  {
    name: 'artifacts directory that is the repository root',
    files: manifest({}, ['artifacts: { dir: . }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'not a subdirectory of the repository' }
  },
  {
    name: 'artifacts directory given as an absolute path',
    files: manifest({}, ['artifacts: { dir: /tmp/published }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'not a subdirectory of the repository' }
  },
  {
    name: 'artifacts directory with an empty segment',
    files: manifest({}, ['artifacts: { dir: genesys//published }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: "has an empty or '.' path segment" }
  },
  {
    name: 'artifacts directory with a backslash',
    files: manifest({}, ['artifacts: { dir: "genesys\\\\published" }']),
    expect: { file: M, line: 22, path: 'artifacts.dir', message: 'contains a backslash', fix: "'/'" }
  },
  {
    name: 'blank commit message',
    files: manifest({}, ['artifacts: { message: "   " }']),
    expect: { file: M, line: 22, path: 'artifacts.message', message: 'must not be empty or blank' }
  },
  {
    name: 'flow file path read as an option',
    files: manifest({ 9: '    file: --upload-pack=x.yaml' }),
    expect: {
      file: M,
      line: 9,
      path: 'flows[1].file',
      message: "file path '--upload-pack=x.yaml' has a path segment starting with '-'"
    }
  },
  {
    name: 'flow file path with a -rf directory',
    files: manifest({ 9: '    file: flows/-rf/callback.yaml' }),
    expect: { file: M, line: 9, path: 'flows[1].file', message: "segment starting with '-' ('-rf')" }
  },
  {
    name: 'flow file path into .git',
    files: manifest({ 9: '    file: .git/config' }),
    expect: { file: M, line: 9, path: 'flows[1].file', message: 'points into a .git directory' }
  },
  {
    name: 'flow file path with a control character',
    files: manifest({ 9: '    file: "flows/call\\tback.yaml"' }),
    expect: { file: M, line: 9, path: 'flows[1].file', message: 'contains a control character' }
  },
  {
    name: 'flow name with a slash',
    files: manifest({ 7: '  - name: Callback/EU', 12: '    flows: [Callback/EU]', 20: '    flow: Callback/EU' }),
    expect: {
      file: M,
      line: 7,
      path: 'flows[1].name',
      message: "flow name 'Callback/EU' contains '/'; Genesys Cloud flow names cannot contain / or \\",
      fix: "rename the flow here and in Genesys Cloud, e.g. 'Callback - EU'"
    }
  },
  {
    name: 'flow name with a backslash',
    files: manifest({ 7: '  - name: Callback\\EU' }),
    expect: { file: M, line: 7, path: 'flows[1].name', message: "contains '\\'; Genesys Cloud flow names cannot" }
  },
  {
    name: 'flow name with a control character',
    files: manifest({ 7: '  - name: "Call\\tback"' }),
    expect: {
      file: M,
      line: 7,
      path: 'flows[1].name',
      message: "flow name 'Call\\tback' contains a control character"
    }
  },
  {
    name: 'flow name longer than 200 characters',
    files: manifest({ 7: `  - name: ${'C'.repeat(201)}` }),
    expect: {
      file: M,
      line: 7,
      path: 'flows[1].name',
      message: /^flow name 'C{80}…' is 201 characters; Genesys Cloud flow names have at most 200$/,
      fix: 'shorten'
    }
  },
  {
    name: 'YAML syntax error inside a stage names the enclosing key',
    files: manifest({ 16: '    flows: [Support IVR' }),
    expect: { file: M, line: 17, path: 'stages[1].flows', message: 'invalid YAML: Flow sequence' }
  },
  {
    name: 'YAML syntax error with no enclosing key names the document',
    files: baseFiles({ 'repo/genesys/release.yml': '- a\nb: 1\n' }),
    expect: { file: M, line: 2, path: '(document)', message: 'invalid YAML' }
  },
  {
    name: 'flow file does not exist',
    files: manifest({ 9: '    file: flows/nope.yaml' }),
    expect: { file: M, line: 9, path: 'flows[1].file', message: "file 'flows/nope.yaml' does not exist" }
  },
  {
    name: 'path traversal out of the workspace',
    files: { ...manifest({ 9: '    file: ../outside.yaml' }), 'outside.yaml': CALLBACK_FLOW },
    expect: { file: M, line: 9, path: 'flows[1].file', message: 'is outside the workspace' }
  },
  {
    name: 'absolute path outside the workspace',
    files: manifest({ 9: '    file: /etc/passwd' }),
    expect: { file: M, line: 9, path: 'flows[1].file', message: 'is outside the workspace' }
  },
  {
    name: 'symlink that escapes the workspace',
    files: { ...manifest({ 9: '    file: flows/link.yaml' }), 'outside.yaml': CALLBACK_FLOW },
    setup: (root) => symlinkSync(path.join(root, 'outside.yaml'), path.join(root, 'repo/flows/link.yaml')),
    expect: { file: M, line: 9, path: 'flows[1].file', message: 'symlink that resolves outside the workspace' }
  },
  {
    name: 'unresolved placeholder in a flow file',
    files: baseFiles({
      'repo/flows/support.yaml': SUPPORT_FLOW.replace('Welcome to {{queue}}', 'Welcome to {{queue}} in {{ region }}')
    }),
    expect: {
      file: 'flows/support.yaml',
      line: 10,
      path: 'inboundCall.menus[0].menu.audio.tts',
      message: 'placeholder {{region}} is not defined',
      fix: "add 'region: <value>'"
    }
  },
  {
    name: 'flow file type key differs from the manifest type',
    files: baseFiles({ 'repo/flows/callback.yaml': CALLBACK_FLOW.replace('workflow:', 'inboundCall:') }),
    expect: {
      file: 'flows/callback.yaml',
      line: 1,
      path: 'inboundCall',
      message: "holds a flow of type inboundcall (top-level key 'inboundCall') but the manifest says type: workflow"
    }
  },
  {
    name: 'flow file top-level key is not a flow type',
    files: baseFiles({ 'repo/flows/callback.yaml': CALLBACK_FLOW.replace('workflow:', 'workFlowz:') }),
    expect: {
      file: 'flows/callback.yaml',
      line: 1,
      path: 'workFlowz',
      message: "'workFlowz' is not an Archy flow type",
      fix: "'workflow:'"
    }
  },
  {
    name: 'flow file name differs from the manifest name',
    files: baseFiles({ 'repo/flows/callback.yaml': CALLBACK_FLOW.replace('name: Callback', 'name: Call back') }),
    expect: {
      file: 'flows/callback.yaml',
      line: 2,
      path: 'workflow.name',
      message: "name 'Call back' differs from the manifest's name 'Callback'"
    }
  },
  {
    name: 'flow file key in the wrong case names the exact spelling',
    files: baseFiles({ 'repo/flows/callback.yaml': CALLBACK_FLOW.replace('workflow:', 'Workflow:') }),
    expect: {
      file: 'flows/callback.yaml',
      line: 1,
      path: 'Workflow',
      message: "top-level key 'Workflow' is not an Archy flow type (Archy writes 'workflow', case-sensitive)",
      fix: "rename the key to 'workflow:'"
    }
  },
  {
    name: 'flow file key inboundcall (lowercase) is not inboundCall',
    files: baseFiles({ 'repo/flows/support.yaml': SUPPORT_FLOW.replace('inboundCall:', 'inboundcall:') }),
    expect: {
      file: 'flows/support.yaml',
      line: 1,
      path: 'inboundcall',
      message: 'not an Archy flow type',
      fix: "'inboundCall:'"
    }
  },
  {
    name: 'flow file key bot: says botFlow:',
    files: botFiles('bot'),
    expect: {
      file: 'flows/bot.yaml',
      line: 1,
      path: 'bot',
      message: "Archy writes 'botFlow'",
      fix: "rename the key to 'botFlow:'"
    }
  },
  {
    name: 'flow file key inQueueCall: says inqueueCall:',
    files: inQueueFiles('inQueueCall'),
    expect: {
      file: 'flows/hold.yaml',
      line: 1,
      path: 'inQueueCall',
      message: "Archy writes 'inqueueCall'",
      fix: "'inqueueCall:'"
    }
  },
  {
    name: 'botFlow: key with type inboundcall says the file holds a bot flow',
    files: botFiles('botFlow', 'inboundcall'),
    expect: {
      file: 'flows/bot.yaml',
      line: 1,
      path: 'botFlow',
      message: "holds a flow of type bot (top-level key 'botFlow') but the manifest says type: inboundcall",
      fix: 'set type: bot'
    }
  },
  {
    name: 'the old type inqueueemailflow gets a migration error',
    files: manifest({ 8: '    type: inqueueemailflow' }),
    expect: {
      file: M,
      line: 8,
      path: 'flows[1].type',
      message: 'type inqueueemailflow is now inqueueemail',
      fix: 'write type: inqueueemail'
    }
  },
  {
    name: 'built-in {{run}} is not filled inside a flow file',
    files: baseFiles({ 'repo/flows/callback.yaml': `${CALLBACK_FLOW}\n  description: run {{run}}\n` }),
    expect: {
      file: 'flows/callback.yaml',
      line: 5,
      path: 'workflow.description',
      message: 'placeholder {{run}} is not defined',
      fix: 'a built-in of check inputs only'
    }
  },
  {
    name: 'flow file with two top-level keys',
    files: baseFiles({ 'repo/flows/callback.yaml': `${CALLBACK_FLOW}\nworkflow2:\n  name: x\n` }),
    expect: { file: 'flows/callback.yaml', line: 5, path: 'workflow2', message: 'has 2 top-level keys' }
  },
  {
    name: 'flow file is not valid YAML',
    files: baseFiles({ 'repo/flows/callback.yaml': 'workflow:\n  name: Callback\n  division: [Home\n' }),
    expect: { file: 'flows/callback.yaml', line: 4, path: 'workflow.division', message: 'invalid YAML' }
  },
  {
    name: 'flow file larger than 512,000 bytes after substitution',
    files: {
      ...manifest({ 6: `    substitutions: { queue: "${'Q'.repeat(100)}" }` }),
      // ~300 kB on disk, ~700 kB once {{queue}} expands: the limit applies to the uploaded bytes.
      'repo/flows/support.yaml': `${SUPPORT_FLOW}\n  notes:\n${'    - "{{queue}}"\n'.repeat(6000)}`
    },
    expect: {
      file: 'flows/support.yaml',
      line: 1,
      path: '',
      message: 'bytes after substitution; the platform accepts at most 512000'
    }
  }
];

describe('loadManifest rejects broken manifests and flow files with file, line and field', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('has at least 25 distinct cases', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ws = makeWorkspace(c.files);
    cleanup = ws.cleanup;
    c.setup?.(path.dirname(ws.dir));
    const result = await loadManifest({ workspace: ws.dir, manifestPath: M, builtins: BUILTINS });
    expect(result.ok).toBe(false);
    const issues: ValidationIssue[] = result.ok ? [] : result.issues;
    const match = issues.find(
      (i) =>
        i.file === c.expect.file &&
        i.line === c.expect.line &&
        i.path === c.expect.path &&
        (typeof c.expect.message === 'string' ? i.message.includes(c.expect.message) : c.expect.message.test(i.message))
    );
    if (!match) throw new Error(`expected ${JSON.stringify(c.expect)}\ngot:\n${issues.map(formatIssue).join('\n')}`);
    if (c.expect.fix !== undefined) {
      const fix = match.fix ?? '';
      if (typeof c.expect.fix === 'string') expect(fix).toContain(c.expect.fix);
      else expect(fix).toMatch(c.expect.fix);
    }
    for (const i of issues) {
      expect(i.line).toBeGreaterThanOrEqual(1);
      expect(i.column).toBeGreaterThanOrEqual(1);
      expect(i.fix).toBeTruthy();
    }
  });
});

// Keep the helpers' fixtures honest: the unedited base loads (so every failure above is caused by its one edit).
describe('base fixture', () => {
  it('loads', async () => {
    const ws = makeWorkspace(baseFiles());
    try {
      const r = await loadManifest({ workspace: ws.dir, manifestPath: M, builtins: BUILTINS });
      if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
      expect(r.manifest.flows.map((f) => f.name)).toEqual(['Support IVR', 'Callback']);
      expect(SUPPORT_FLOW).toContain('{{queue}}');
    } finally {
      ws.cleanup();
    }
  });
});
