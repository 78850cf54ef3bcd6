// End-to-end, table-driven: broken manifests, flow files and inputs, each run through the action process against its
// own emulator. Every case must fail the step (exit 1, outcome `failed`) with a `::error file=…,line=…` annotation
// that names the file, the line and the field, and the emulator must have seen no request at all — not even a token
// request: validation comes before any call to the org. The runs go through a small pool (4 at a time) in beforeAll.
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import {
  annotations,
  describeRun,
  emulatorInputs,
  fixture,
  makeWorkspace,
  RUN_IDLE_TIMEOUT_MS,
  startTestEmulator,
  tempDir,
  type ActionRun,
  type Annotation,
  type RequestRecord
} from './helpers.ts';
import { runAction } from '../../scripts/lib/action-runner.ts';

const MANIFEST = 'genesys/release.yml';
const SUPPORT = 'flows/support-ivr.yaml';
const CALLBACK = 'flows/callback-workflow.yaml';

/** A valid manifest; the line numbers are what the table's expectations refer to. */
const BASE = [
  /*  1 */ 'version: 1',
  /*  2 */ 'flows:',
  /*  3 */ '  - name: Support IVR',
  /*  4 */ '    type: inboundcall',
  /*  5 */ `    file: ${SUPPORT}`,
  /*  6 */ '    substitutions: { greeting: Hi, queue: Support }',
  /*  7 */ '  - name: Callback Workflow',
  /*  8 */ '    type: workflow',
  /*  9 */ `    file: ${CALLBACK}`,
  /* 10 */ '    substitutions: { greeting: Hi }',
  /* 11 */ 'stages:',
  /* 12 */ '  - name: canary',
  /* 13 */ '    flows: [Callback Workflow]',
  /* 14 */ '    bake: 1s',
  /* 15 */ '    checks: [smoke]',
  /* 16 */ '  - name: everything',
  /* 17 */ '    flows: [Support IVR]',
  /* 18 */ '    bake: 1s',
  /* 19 */ '    checks: [failures]',
  /* 20 */ 'checks:',
  /* 21 */ '  smoke:',
  /* 22 */ '    kind: execution',
  /* 23 */ '    flow: Callback Workflow',
  /* 24 */ "    input: { customerId: 'synthetic-{{run}}' }",
  /* 25 */ '  failures:',
  /* 26 */ '    kind: analytics',
  /* 27 */ '    metric: outcome-failure-rate',
  /* 28 */ '    max: 0.05'
];

/** The base manifest with some lines replaced (1-based; a replacement may not add lines) and lines appended. */
function manifest(replace: Record<number, string> = {}, append: string[] = []): string {
  const lines = BASE.map((l, i) => replace[i + 1] ?? l);
  return `${[...lines, ...append].join('\n')}\n`;
}

const FLOWS = (): Record<string, string> => ({
  [SUPPORT]: fixture('flows/support-ivr.yaml'),
  [CALLBACK]: fixture('flows/callback-workflow.yaml')
});

/** Line (1-based) of the first occurrence of `needle` in a fixture flow file. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in the fixture`);
  return text.slice(0, at).split('\n').length;
}

interface Case {
  name: string;
  manifest?: string;
  /** Flow files replacing (or adding to) FLOWS(). */
  flows?: Record<string, string>;
  inputs?: Record<string, string>;
  /** Changes the workspace after the files are written (e.g. a symlink). */
  setup?: (workspace: string) => void;
  /** The annotation that must be present. `field` is a substring of the field path; '' = the whole document. */
  expect: { file: string; line: number; field: string; message: RegExp };
}

interface InputCase {
  name: string;
  inputs: Record<string, string>;
  /** The input named in the error, and what the message must say. */
  expect: { input: string; message: RegExp };
}

const supportText = fixture('flows/support-ivr.yaml');
/** What the injected `--upload-pack=touch …` would create if git ever ran it. */
const PWNED = join(tempDir('flow-release-pwned-'), 'pwned');
const big = `${supportText}  description: '${'x'.repeat(520_000)}'\n`;

const CASES: Case[] = [
  {
    name: 'unknown top-level key',
    manifest: manifest({}, ['bake-time: 2m']),
    expect: { file: MANIFEST, line: 29, field: 'bake-time', message: /unknown key 'bake-time'/ }
  },
  {
    name: 'unknown key in a stage (typo of bake)',
    manifest: manifest({ 14: '    bakee: 1s' }),
    expect: { file: MANIFEST, line: 14, field: 'stages[0]', message: /unknown key 'bakee'.*did you mean 'bake'/ }
  },
  {
    name: 'bad duration',
    manifest: manifest({ 18: '    bake: 10 minutes' }),
    expect: { file: MANIFEST, line: 18, field: 'stages[1].bake', message: /10 minutes/ }
  },
  {
    name: 'missing flow file',
    manifest: manifest({ 5: '    file: flows/missing.yaml' }),
    expect: { file: MANIFEST, line: 5, field: 'flows[0].file', message: /flows\/missing\.yaml' does not exist/ }
  },
  {
    name: 'path traversal out of the workspace',
    manifest: manifest({ 5: '    file: ../../../etc/passwd' }),
    expect: { file: MANIFEST, line: 5, field: 'flows[0].file', message: /outside the workspace/ }
  },
  {
    name: 'manifest type differs from the flow file (type mismatch)',
    manifest: manifest({ 4: '    type: inboundchat' }),
    expect: {
      file: SUPPORT,
      line: 1,
      field: 'inboundCall',
      message: /type inboundcall .* manifest says type: inboundchat/
    }
  },
  {
    name: 'flow file is a symlink leading out of the workspace',
    manifest: manifest({ 5: '    file: flows/linked.yaml' }),
    setup: (ws) => {
      // A valid flow file, but outside the repository.
      const outside = join(tempDir('flow-release-outside-'), 'support-ivr.yaml');
      writeFileSync(outside, supportText);
      symlinkSync(outside, join(ws, 'flows/linked.yaml'));
    },
    expect: { file: MANIFEST, line: 5, field: 'flows[0].file', message: /symlink that resolves outside the workspace/ }
  },
  {
    name: 'flow not in any stage',
    manifest: manifest({ 17: '    flows: [Callback Workflow]' }),
    expect: { file: MANIFEST, line: 3, field: 'flows[0].name', message: /'Support IVR' is not in any stage/ }
  },
  {
    name: 'execution check input that cannot be sent as JSON',
    manifest: manifest({ 24: '    input: { customerId: .inf }' }),
    expect: {
      file: MANIFEST,
      line: 24,
      field: 'checks.smoke.input.customerId',
      message: /Infinity cannot be sent as JSON/
    }
  },
  {
    name: 'wrong value type (string for a number)',
    manifest: manifest({ 28: '    max: five percent' }),
    expect: { file: MANIFEST, line: 28, field: 'checks.failures.max', message: /expected a number, got/ }
  },
  {
    name: 'unresolved placeholder in a flow file',
    manifest: manifest({ 6: '    substitutions: { greeting: Hi }' }),
    expect: {
      file: SUPPORT,
      line: lineOf(supportText, '{{queue}}'),
      field: 'inboundCall.tasks',
      message: /placeholder \{\{queue\}\} is not defined/
    }
  },
  {
    name: 'unresolved placeholder in an execution check input',
    manifest: manifest({ 24: "    input: { customerId: '{{customer}}' }" }),
    expect: {
      file: MANIFEST,
      line: 24,
      field: 'checks.smoke.input.customerId',
      message: /\{\{customer\}\} is not a built-in/
    }
  },
  {
    name: 'duplicate flow',
    manifest: manifest({ 7: '  - name: Support IVR', 8: '    type: inboundcall', 9: `    file: ${SUPPORT}` }),
    expect: { file: MANIFEST, line: 7, field: 'flows[1].name', message: /duplicate flow name 'Support IVR'/ }
  },
  {
    name: 'flow in two stages',
    manifest: manifest({ 17: '    flows: [Support IVR, Callback Workflow]' }),
    expect: {
      file: MANIFEST,
      line: 17,
      field: 'stages[1].flows[1]',
      message: /'Callback Workflow' is already in stages\[0\]/
    }
  },
  {
    name: 'stage names an unknown flow',
    manifest: manifest({ 17: '    flows: [Support IVR, Suport IVR]' }),
    expect: {
      file: MANIFEST,
      line: 17,
      field: 'stages[1].flows[1]',
      message: /unknown flow 'Suport IVR'.*did you mean 'Support IVR'/
    }
  },
  {
    name: 'unknown check referenced by a stage',
    manifest: manifest({ 19: '    checks: [failure]' }),
    expect: {
      file: MANIFEST,
      line: 19,
      field: 'stages[1].checks[0]',
      message: /unknown check 'failure'.*did you mean 'failures'/
    }
  },
  {
    name: 'unknown check kind',
    manifest: manifest({ 26: '    kind: analytic' }),
    expect: {
      file: MANIFEST,
      line: 26,
      field: 'checks.failures.kind',
      message: /unknown check kind.*did you mean 'analytics'/
    }
  },
  {
    name: 'execution check on an IVR',
    manifest: manifest({ 23: '    flow: Support IVR' }),
    expect: {
      file: MANIFEST,
      line: 23,
      field: 'checks.smoke.flow',
      message: /execution checks launch workflows.*inboundcall/
    }
  },
  {
    name: 'unknown flow type',
    manifest: manifest({ 4: '    type: inboundcal' }),
    expect: { file: MANIFEST, line: 4, field: 'flows[0].type', message: /must be one of .*inboundcal/ }
  },
  {
    name: 'ratio out of range',
    manifest: manifest({ 28: '    max: 1.5' }),
    expect: { file: MANIFEST, line: 28, field: 'checks.failures.max', message: /between 0 and 1/ }
  },
  {
    name: 'unsupported manifest version',
    manifest: manifest({ 1: 'version: 2' }),
    expect: { file: MANIFEST, line: 1, field: 'version', message: /must be 1/ }
  },
  {
    name: 'both file and source: draft',
    manifest: manifest({ 6: '    source: draft' }),
    expect: { file: MANIFEST, line: 6, field: 'flows[0].source', message: /both file: and source: draft/ }
  },
  {
    name: 'artifacts directory outside the repository',
    manifest: manifest({}, ['artifacts: { dir: ../elsewhere }']),
    expect: { file: MANIFEST, line: 29, field: 'artifacts.dir', message: /not a subdirectory of the repository/ }
  },
  {
    // Git option injection: before the loader refused it, this validated, the org was changed, and only the
    // committer refused the directory afterwards. commit-artifacts is on, as in a real release.
    name: 'artifacts directory that git would read as an option (--upload-pack)',
    manifest: manifest({}, ['artifacts:', `  dir: "--upload-pack=touch ${PWNED}"`]),
    inputs: { 'commit-artifacts': 'true' },
    expect: {
      file: MANIFEST,
      line: 30,
      field: 'artifacts.dir',
      message: /artifacts directory '--upload-pack=touch .*' has a path segment starting with '-'.*read as an option/
    }
  },
  {
    name: 'artifacts directory inside .git',
    manifest: manifest({}, ['artifacts: { dir: .git/hooks }']),
    inputs: { 'commit-artifacts': 'true' },
    expect: {
      file: MANIFEST,
      line: 29,
      field: 'artifacts.dir',
      message: /'\.git\/hooks' points into a \.git directory/
    }
  },
  {
    name: 'flow file path with a segment starting with -',
    manifest: manifest({ 9: '    file: flows/-rf/callback-workflow.yaml' }),
    expect: { file: MANIFEST, line: 9, field: 'flows[1].file', message: /path segment starting with '-' \('-rf'\)/ }
  },
  {
    name: 'flow name containing a slash',
    manifest: manifest({ 3: '  - name: Support/IVR', 17: '    flows: [Support/IVR]' }),
    expect: { file: MANIFEST, line: 3, field: 'flows[0].name', message: /flow name 'Support\/IVR' contains '\/'/ }
  },
  {
    name: 'concurrency out of range',
    manifest: manifest({}, ['concurrency: 0']),
    expect: { file: MANIFEST, line: 29, field: 'concurrency', message: /must be a whole number from 1 to 32 \(got 0\)/ }
  },
  {
    // The parser notices the missing ] where the next line starts.
    name: 'bad YAML in the manifest (unclosed flow sequence)',
    manifest: manifest({ 13: '    flows: [Callback Workflow' }),
    expect: { file: MANIFEST, line: 14, field: '', message: /invalid YAML: Flow sequence .* end with a \]/ }
  },
  {
    // The annotation title is `Flow Release: <path>`: a syntax error names the nearest enclosing key.
    name: 'bad YAML in the manifest names the enclosing key',
    manifest: manifest({ 17: '    flows: [Support IVR' }),
    expect: { file: MANIFEST, line: 18, field: 'stages[1].flows', message: /invalid YAML: Flow sequence in block/ }
  },
  {
    name: 'bad YAML in the manifest (duplicate key)',
    manifest: manifest({ 18: '    flows: [Callback Workflow]' }),
    expect: { file: MANIFEST, line: 18, field: '', message: /invalid YAML: Map keys must be unique/ }
  },
  {
    name: 'bad YAML in a flow file (tab indentation)',
    flows: { [SUPPORT]: supportText.replace('  division: Home', '\tdivision: Home') },
    expect: {
      file: SUPPORT,
      line: lineOf(supportText, 'division'),
      field: '',
      message: /invalid YAML: Tabs are not allowed as indentation/
    }
  },
  {
    name: 'flow file name differs from the manifest',
    flows: { [SUPPORT]: supportText.replace('name: Support IVR', 'name: Sales IVR') },
    expect: {
      file: SUPPORT,
      line: 2,
      field: 'inboundCall.name',
      message: /'Sales IVR' differs from the manifest's name 'Support IVR'/
    }
  },
  {
    name: 'flow file with two top-level keys',
    flows: { [SUPPORT]: `${supportText}workflow:\n  name: Support IVR\n` },
    expect: { file: SUPPORT, line: supportText.split('\n').length, field: 'workflow', message: /2 top-level keys/ }
  },
  {
    name: 'oversize flow file (over 512,000 bytes)',
    flows: { [SUPPORT]: big },
    expect: {
      file: SUPPORT,
      line: 1,
      field: '',
      message: /bytes after substitution; the platform accepts at most 512000/
    }
  },
  {
    name: 'empty manifest',
    manifest: '# nothing here yet\n',
    expect: { file: MANIFEST, line: 1, field: '', message: /the manifest is empty/ }
  },
  {
    name: 'manifest input points at a missing file',
    inputs: { manifest: 'genesys/relase.yml' },
    expect: { file: 'genesys/relase.yml', line: 1, field: '', message: /does not exist/ }
  }
];

const INPUT_CASES: InputCase[] = [
  {
    name: 'unknown command',
    inputs: { command: 'deploi' },
    expect: { input: 'command', message: /command must be one of deploy, plan, rollback, doctor \(got 'deploi'\)/ }
  },
  {
    name: 'region given as a URL',
    inputs: { region: 'https://mypurecloud.com', 'api-url': '', 'login-url': '' },
    expect: { input: 'region', message: /region is a domain, not a URL/ }
  },
  {
    name: 'region that is not a domain',
    inputs: { region: 'europe', 'api-url': '', 'login-url': '' },
    expect: { input: 'region', message: /region must be a Genesys Cloud domain/ }
  },
  {
    name: 'plain http to a non-loopback host',
    inputs: { 'api-url': 'http://api.example.com', 'login-url': 'http://login.example.com' },
    expect: { input: 'api-url', message: /plain http:\/\/ to a non-loopback host/ }
  },
  {
    name: 'commit-artifacts not a boolean',
    inputs: { 'commit-artifacts': 'maybe' },
    expect: { input: 'commit-artifacts', message: /must be true or false/ }
  }
];

interface Result {
  run: ActionRun;
  errors: Annotation[];
  requests: RequestRecord[];
  secret: string;
}

/** Runs one case against its own emulator and returns the run and every request the emulator saw. */
async function runCase(
  files: { manifest?: string; flows?: Record<string, string>; setup?: (workspace: string) => void },
  inputs: Record<string, string> = {}
): Promise<Result> {
  const emu = await startTestEmulator({});
  try {
    const { workspace } = makeWorkspace({
      manifest: files.manifest ?? manifest(),
      flows: { ...FLOWS(), ...(files.flows ?? {}) }
    });
    files.setup?.(workspace);
    const run = await runAction({
      workspace,
      inputs: { ...emulatorInputs(emu), 'commit-artifacts': 'false', ...inputs },
      env: { GITHUB_RUN_ID: '4242' },
      idleTimeoutMs: RUN_IDLE_TIMEOUT_MS
    });
    return {
      run,
      errors: annotations(run.stdout).filter((a) => a.level === 'error'),
      requests: emu.requests(),
      secret: emu.clientSecret
    };
  } finally {
    await emu.close();
  }
}

/** Runs `jobs` with at most `limit` at a time (2 cores: the processes mostly start up and validate). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const results = new Map<string, Result>();
let control: Result;
let unknownFilter: Result;

beforeAll(async () => {
  const jobs: (() => Promise<void>)[] = [
    async () => {
      control = await runCase({}, { command: 'plan' });
    },
    async () => {
      unknownFilter = await runCase({}, { flows: 'Support IVR, Billing IVR' });
    },
    ...CASES.map((c) => async () => {
      results.set(c.name, await runCase(c, c.inputs));
    }),
    ...INPUT_CASES.map((c) => async () => {
      results.set(c.name, await runCase({}, c.inputs));
    })
  ];
  await pool(jobs, 4);
});

describe('validation end to end: broken manifests, flow files and inputs change nothing', () => {
  test('the table covers at least 20 distinct manifest / flow-file failures', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((c) => c.expect.message.source)).size).toBe(CASES.length);
  });

  test('control: the unbroken base manifest validates (plan succeeds)', () => {
    expect({
      outcome: control.run.outputs.outcome,
      exit: control.run.exitCode,
      detail: describeRun(control.run)
    }).toMatchObject({
      outcome: 'planned',
      exit: 0
    });
    expect(control.requests.filter((r) => r.mutating)).toEqual([]);
    expect(control.requests.length).toBeGreaterThan(0);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name)!;
    const detail = describeRun(r.run);
    expect({ exit: r.run.exitCode, outcome: r.run.outputs.outcome, detail }).toEqual({
      exit: 1,
      outcome: 'failed',
      detail
    });
    const fileErrors = r.errors.filter((a) => a.props.file !== undefined);
    const match = fileErrors.find(
      (a) =>
        a.props.file === c.expect.file &&
        a.props.line === String(c.expect.line) &&
        (a.props.title ?? '').includes(c.expect.field) &&
        c.expect.message.test(a.message)
    );
    if (!match) {
      const seen = r.errors.map((a) => `${JSON.stringify(a.props)} ${a.message.slice(0, 300)}`).join('\n');
      throw new Error(
        `no annotation ${JSON.stringify({ ...c.expect, message: c.expect.message.source })}; got:\n${seen}`
      );
    }
    // The message itself is `file:line:col: field: message (fix: ...)`.
    expect(match!.message.startsWith(`${c.expect.file}:${c.expect.line}:`)).toBe(true);
    if (c.expect.field) expect(match!.message).toContain(`${c.expect.field}`);
    expect(match!.props.col).toMatch(/^\d+$/);
    expect(match!.message).toMatch(/\(fix: .+\)/);
    // Nothing reached the org: not a mutating request, not even a token request.
    expect(r.requests).toEqual([]);
    expect(r.run.outputs.published ?? '[]').toBe('[]');
    // The audit document records the same issue.
    const audit = r.run.audit as { outcome: string; validation: { details: { file: string; line: number }[] } };
    expect(audit.outcome).toBe('failed');
    expect(audit.validation.details).toContainEqual(
      expect.objectContaining({ file: c.expect.file, line: c.expect.line })
    );
  });

  test('the injected --upload-pack command never ran', () => {
    expect(results.get('artifacts directory that git would read as an option (--upload-pack)')).toBeDefined();
    expect(existsSync(PWNED)).toBe(false);
  });

  test('a flows input naming a flow the manifest lacks changes nothing', () => {
    const r = unknownFilter;
    const detail = describeRun(r.run);
    expect({ exit: r.run.exitCode, outcome: r.run.outputs.outcome, detail }).toEqual({
      exit: 1,
      outcome: 'failed',
      detail
    });
    expect(r.errors.some((a) => a.message.includes('"Billing IVR"') && a.message.includes('does not define'))).toBe(
      true
    );
    expect(r.requests.filter((q) => q.mutating)).toEqual([]);
  });

  test.each(INPUT_CASES.map((c) => [c.name, c] as const))('input: %s', (_name, c) => {
    const r = results.get(c.name)!;
    const detail = describeRun(r.run);
    expect({ exit: r.run.exitCode, outcome: r.run.outputs.outcome, detail }).toEqual({
      exit: 1,
      outcome: 'failed',
      detail
    });
    const error = r.errors.find((a) => a.message.includes('Invalid action inputs'));
    expect(error?.message).toMatch(c.expect.message);
    expect(error?.message).toContain(`- ${c.expect.input}`);
    expect(r.requests).toEqual([]);
    // The client secret never appears in the log.
    expect(r.run.stdout + r.run.stderr).not.toContain(r.secret);
  });
});
