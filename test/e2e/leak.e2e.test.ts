// Leak test (issue 4): known secrets — the client secret, the GitHub token and every access token the emulator issued —
// must not appear raw, base64 (alone or in a Basic header) or URL-encoded in ANY byte a release produces: stdout,
// stderr, summary, outputs, state, journal, audit, the local artifact folder, the repository's files and every object
// of its history. Hostile flow names and API messages must not turn into workflow commands.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyFile } from '../../src/evidence/verify-file.ts';
import {
  baseManifest,
  baseScenario,
  makeRepo,
  makeWorkspace,
  release,
  startTestEmulator,
  type E2eRun,
  type Emulator
} from './helpers.ts';

const CLIENT_ID = 'leak-client';
const CLIENT_SECRET = 'Leak/Canary+Secret=C0FFEE~42';
const GITHUB_TOKEN = 'ghs_LeakCanaryToken0123456789abcdefABCDEF';
/** No control characters, so the manifest accepts it as a flow name. */
const HOSTILE_NAME =
  'Evil ::add-mask::Home %0A ::stop-commands::pwn <script>alert(1)<img src=x onerror=alert(1)> ##[set-output name=outcome;]x';
/** An API error message can hold anything. */
const HOSTILE_MESSAGE =
  'Archy says no\n::set-output name=outcome::succeeded\n::add-mask::Support\n::stop-commands::pwn\r\n##[error]fake %0A::warning::x <script>alert(1)</script>';
const OUTPUT_NAMES = ['outcome', 'release-id', 'published', 'audit-log', 'artifact-id', 'commit-sha'];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Every form of a secret that must never be written. */
function forms(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret), b64(secret), b64url(secret), JSON.stringify(secret).slice(1, -1)];
  if (secret.length >= 24) out.push(secret.slice(0, 16), secret.slice(-16));
  return [...new Set(out)];
}

/** Captures the access tokens the emulator issues: the action's login-url points here. */
async function tokenTap(emu: Emulator): Promise<{ url: string; tokens: string[]; server: Server }> {
  const tokens: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const r = await fetch(`${emu.baseUrl}${req.url ?? '/'}`, {
          method: req.method,
          headers: {
            ...(req.headers.authorization && { authorization: req.headers.authorization }),
            ...(req.headers['content-type'] && { 'content-type': req.headers['content-type'] })
          },
          ...(chunks.length && { body: Buffer.concat(chunks) })
        });
        const text = await r.text();
        try {
          const token = (JSON.parse(text) as { access_token?: string }).access_token;
          if (token) tokens.push(token);
        } catch {
          // not JSON
        }
        res.writeHead(r.status, {
          'content-type': r.headers.get('content-type') ?? 'application/json',
          connection: 'close'
        });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, server };
}

function filesUnder(dir: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .filter((p) => !skip(p));
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

interface Produced {
  name: string;
  text: string;
}

/** Everything a run produced, as named texts. */
function producedBytes(run: E2eRun, repo?: { workspace: string; remote: string }): Produced[] {
  const out: Produced[] = [
    // The action's own ::add-mask:: lines carry the secret by design (the runner consumes them): checked separately.
    { name: 'stdout', text: run.stdout.replace(/^::add-mask::.*$/gm, '') },
    { name: 'stderr', text: run.stderr }
  ];
  for (const f of filesUnder(run.runnerTemp)) out.push({ name: f, text: readFileSync(f, 'latin1') });
  if (repo) {
    // Working tree and .git metadata (config, logs, refs, FETCH_HEAD...); objects are compressed: read via git.
    for (const f of filesUnder(repo.workspace, (p) => p.includes('/.git/objects/'))) {
      out.push({ name: f, text: readFileSync(f, 'latin1') });
    }
    for (const dir of [repo.workspace, repo.remote]) {
      out.push({ name: `${dir}: git log -p --all`, text: git(dir, 'log', '-p', '--all', '--format=fuller') });
      out.push({ name: `${dir}: every object`, text: git(dir, 'cat-file', '--batch-all-objects', '--batch') });
    }
    for (const f of filesUnder(repo.remote, (p) => p.includes('/objects/'))) {
      out.push({ name: f, text: readFileSync(f, 'latin1') });
    }
  }
  return out;
}

function findLeaks(produced: Produced[], needles: string[]): string[] {
  const hits: string[] = [];
  for (const p of produced) for (const n of needles) if (p.text.includes(n)) hits.push(`${p.name} contains ${n}`);
  return hits;
}

/** Lines of stdout a runner would read as a workflow command (leading whitespace allowed, v1 `##[` too). */
function commandLines(stdout: string): string[] {
  return stdout.split(/\r?\n|\r/).filter((l) => /^\s*(::|##\[)/.test(l));
}

const ALLOWED_COMMAND = /^::(add-mask|group|endgroup|debug|error|warning|notice)(\s[^:]*)?::/;

const servers: Server[] = [];
const emulators: Emulator[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  for (const e of emulators) await e.close();
});

async function setup(extra: Parameters<typeof baseScenario>[0] = {}) {
  const emu = await startTestEmulator(baseScenario({ client: { id: CLIENT_ID, secret: CLIENT_SECRET }, ...extra }));
  emulators.push(emu);
  const tap = await tokenTap(emu);
  servers.push(tap.server);
  const inputs = {
    'client-id': CLIENT_ID,
    'client-secret': CLIENT_SECRET,
    'github-token': GITHUB_TOKEN,
    'login-url': tap.url
  };
  return { emu, tap, inputs };
}

function expectNoLeaks(run: E2eRun, tokens: string[], repo?: { workspace: string; remote: string }): void {
  const secrets = [CLIENT_SECRET, GITHUB_TOKEN, ...tokens];
  const needles = [
    ...secrets.flatMap(forms),
    b64(`${CLIENT_ID}:${CLIENT_SECRET}`),
    b64(`x-access-token:${GITHUB_TOKEN}`),
    encodeURIComponent(b64(`${CLIENT_ID}:${CLIENT_SECRET}`))
  ];
  // The scanner works: a planted value is found.
  expect(
    findLeaks([{ name: 'probe', text: `Authorization: Basic ${b64(`${CLIENT_ID}:${CLIENT_SECRET}`)}` }], needles)
  ).not.toEqual([]);
  expect(findLeaks(producedBytes(run, repo), needles)).toEqual([]);

  // Workflow commands: only the action's own kinds, and masks only for real secrets (never hostile text).
  const masks = new Set([...secrets, b64(`${CLIENT_ID}:${CLIENT_SECRET}`), b64(`x-access-token:${GITHUB_TOKEN}`)]);
  for (const line of commandLines(run.stdout)) {
    expect(line).toMatch(ALLOWED_COMMAND);
    const mask = /^::add-mask::(.*)$/.exec(line);
    if (mask) expect(masks.has(mask[1] ?? '')).toBe(true);
  }
  expect(run.stdout).not.toMatch(/^\s*::(stop-commands|set-output|save-state|set-env|add-path|echo)/m);
  // The legacy `##[command]` form is recognised anywhere in a line.
  expect(run.stdout).not.toContain('##[');
  expect(run.stderr).not.toContain('##[');
  expect(run.summary).not.toContain('<script>');
  expect(run.summary).not.toMatch(/^\s*(::|##\[)/m);
  expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  // The audit document holds no secret and still verifies.
  expect(verifyFile(run.auditPath as string).exitCode).toBe(0);
}

const HOSTILE_FLOW_FILE = 'genesys/flows/hostile.yaml';
const hostileFlowYaml = `inboundCall:\n  name: ${JSON.stringify(HOSTILE_NAME)}\n  description: hostile name\n  division: Home\n`;

describe('no secret in any produced byte; no injected workflow command', () => {
  it('a successful release with a commit (hostile flow name)', async () => {
    const { emu, tap, inputs } = await setup();
    const manifest = baseManifest();
    manifest.flows.push({ name: HOSTILE_NAME, type: 'inboundcall', file: HOSTILE_FLOW_FILE });
    (manifest.stages[0] as { flows: string[] }).flows.push(HOSTILE_NAME);
    const repo = makeRepo({ manifest, files: { [HOSTILE_FLOW_FILE]: hostileFlowYaml } });
    const run = await release(repo, emu, inputs);
    expect(run.outputs.outcome).toBe('succeeded');
    expect(run.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/);
    expect(tap.tokens.length).toBeGreaterThan(0);
    expect(run.summary).toContain('Evil &#58;:add-mask&#58;:Home');
    expectNoLeaks(run, tap.tokens, repo);
  });

  it('a rolled-back release (hostile API error message)', async () => {
    const { emu, tap, inputs } = await setup({
      faults: [{ kind: 'job-failure', flow: 'Support IVR', message: HOSTILE_MESSAGE }]
    });
    const repo = makeRepo({ manifest: baseManifest() });
    const run = await release(repo, emu, inputs);
    expect(run.outputs.outcome).toBe('rolled-back');
    expect(tap.tokens.length).toBeGreaterThan(0);
    expect(JSON.stringify(run.audit)).toContain('Archy says no');
    expectNoLeaks(run, tap.tokens, repo);
  });

  it('a failed validation (hostile names in the manifest)', async () => {
    const { emu, tap, inputs } = await setup();
    const manifest = baseManifest();
    manifest.flows.push({ name: HOSTILE_NAME, type: 'inboundcall', file: 'genesys/flows/%0A::missing.yaml' });
    (manifest.stages[0] as { flows: string[] }).flows.push(HOSTILE_NAME);
    const ws = makeWorkspace({ manifest });
    const run = await release(ws, emu, inputs);
    expect(run.outputs.outcome).toBe('failed');
    expect(run.exitCode).toBe(1);
    expect(run.annotations.some((a) => a.level === 'error')).toBe(true);
    expectNoLeaks(run, tap.tokens);
  });
});
