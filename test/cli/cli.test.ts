// The command-line edge (src/cli.ts) in-process against the emulator: the same pipeline and evidence as the action,
// the summary rendered for a terminal, the audit written to a file it names, exit codes, and no secret ever printed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, type CliEnv } from '../../src/cli.ts';
import { systemClock } from '../../src/common/clock.ts';
import {
  baseManifest,
  baseScenario,
  makeRepo,
  mutatingKeys,
  startTestEmulator,
  type Emulator,
  type GitFixture
} from '../e2e/helpers.ts';

const made: string[] = [];
let emu: Emulator;
let repo: GitFixture;

beforeAll(async () => {
  emu = await startTestEmulator(baseScenario());
  repo = makeRepo({ manifest: baseManifest({ bake: '1s' }) });
  made.push(repo.root);
});

afterAll(async () => {
  await emu.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
  auditDir: string;
}

function env(vars: Record<string, string>, stdin = ''): { e: CliEnv; text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  const e: CliEnv = {
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
    env: vars,
    cwd: repo.workspace,
    readStdin: async () => stdin,
    clock: systemClock
  };
  return { e, text: () => ({ out, err }) };
}

const target = () => ['--api-url', emu.baseUrl, '--login-url', emu.baseUrl];
const credentials = () => ({ FLOW_RELEASE_CLIENT_ID: emu.clientId, FLOW_RELEASE_CLIENT_SECRET: emu.clientSecret });

async function run(argv: string[], vars: Record<string, string> = credentials(), stdin?: string): Promise<Run> {
  const auditDir = mkdtempSync(join(tmpdir(), 'flow-release-cli-test-'));
  made.push(auditDir);
  const { e, text } = env(vars, stdin);
  const code = await cli([...argv, '--audit-dir', auditDir], e);
  return { code, ...text(), auditDir };
}

function evidenceText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('flow-release CLI against the emulator', () => {
  it('plans: exit 0, the summary for a terminal, the audit written to the file it names, nothing changed', async () => {
    const r = await run(['plan', ...target()]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('📋 Flow Release planned\n=====');
    expect(r.out).toMatch(/canary\s+Callback Workflow\s+workflow\s+update/);
    expect(r.out).not.toMatch(/\*\*|\\\||&amp;|<sub>/); // rendered, not raw Markdown
    const auditPath = /Audit log: (\S+\.audit\.json)/.exec(r.out)?.[1];
    expect(auditPath && existsSync(auditPath)).toBe(true);
    expect(JSON.parse(readFileSync(auditPath as string, 'utf8'))).toMatchObject({ outcome: 'planned' });
    expect(mutatingKeys(emu)).toEqual([]);
  });

  it('deploys, commits and pushes the published flows, exit 0; the client secret is never printed', async () => {
    const r = await run(['deploy', ...target()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✅ Flow Release succeeded');
    expect(repo.remoteLog()[0]).toMatch(/^release: rel-/);
    const basic = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64');
    for (const text of [r.out, r.err, evidenceText(r.auditDir)]) {
      expect(text).not.toContain(emu.clientSecret);
      expect(text).not.toContain(basic);
    }
  });

  it('reads the secret from standard input with --client-secret-stdin, and from GENESYS_CLOUD_* variables', async () => {
    const stdin = await run(
      ['plan', ...target(), '--client-secret-stdin'],
      { FLOW_RELEASE_CLIENT_ID: emu.clientId },
      `${emu.clientSecret}\n`
    );
    expect(stdin.code).toBe(0);
    const genesys = await run(['plan', ...target()], {
      GENESYS_CLOUD_CLIENT_ID: emu.clientId,
      GENESYS_CLOUD_CLIENT_SECRET: emu.clientSecret
    });
    expect(genesys.code).toBe(0);
  });

  it('exits 1 on a failed outcome, listing unknown flows one per line', async () => {
    const r = await run(['plan', ...target(), '--flows', 'Support IVR\nNo Such, Flow']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Unknown:\n  - "No Such, Flow"\n');
    expect(r.out).toContain('❌ Flow Release failed');
  });
});

describe('flow-release usage errors (exit 2)', () => {
  it.each([
    [[], /Say what to do: deploy, plan, rollback, doctor/],
    [['ship'], /Unknown command 'ship'/],
    [['plan', '--bogus'], /Unknown option '--bogus'/],
    [['plan', 'extra'], /Unexpected argument\(s\) after plan/],
    [['plan', '--commit-artifacts', '--no-commit-artifacts'], /contradict/]
  ])('%j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain('flow-release --help');
    expect(r.out).toBe('');
  });

  it('refuses a secret given as a flag without printing it', async () => {
    for (const argv of [
      ['plan', '--client-secret', 'hunter2-value'],
      ['plan', '--client-secret=hunter2-value']
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('shell history');
      expect(r.err).toContain('FLOW_RELEASE_CLIENT_SECRET');
      expect(r.err + r.out).not.toContain('hunter2-value');
    }
  });

  it('reports invalid settings the way the action does, naming flags and variables, without the secret', async () => {
    const r = await run(['plan', '--region', 'https://x', '--client-id', 'abc'], {
      FLOW_RELEASE_CLIENT_SECRET: 'sEcReT-value-123'
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('Invalid settings');
    expect(r.err).toContain('region is a domain, not a URL');
    expect(r.err).toContain('FLOW_RELEASE_CLIENT_ID');
    expect(r.err).not.toContain('sEcReT-value-123');
  });

  it('prints the usage with --help (exit 0)', async () => {
    const { e, text } = env({});
    expect(await cli(['--help'], e)).toBe(0);
    expect(text().out).toContain('Usage: flow-release <plan|deploy|rollback|doctor>');
  });
});
