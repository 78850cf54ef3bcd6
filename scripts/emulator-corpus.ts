// `node scripts/emulator-corpus.ts [corpus dir]`: uploads each Archy flow of the corpus (default
// ../shared/archy-corpus, or $ARCHY_CORPUS) to a fresh emulator through the Architect job endpoints, with what the file
// references seeded (emulator/references.ts) and its {{placeholders}} filled with generated values. Then exports the
// published version with Architect's rendering, re-uploads that export, and checks the second export is identical.
// Prints one line per file and a summary; exit 1 when any upload fails. Reference data is read, never copied.
// `--no-seed` seeds nothing the file references: every file that references something must then fail, naming it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { extractReferences } from '../emulator/references.ts';
import type { ScenarioInput } from '../emulator/scenario.ts';
import { startEmulator } from '../emulator/server.ts';
import type { Emulator } from '../emulator/server.ts';
import { FakeClock } from '../src/common/clock.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
/** `--no-seed`: an org with nothing but the Home division (and the file's own division), to see what each file needs. */
const seed = !args.includes('--no-seed');
const dir = resolve(
  args.find((a) => !a.startsWith('--')) ?? process.env.ARCHY_CORPUS ?? resolve(process.cwd(), '../shared/archy-corpus')
);
if (!existsSync(dir)) {
  console.error(`no corpus at ${dir}`);
  process.exit(2);
}

const fill = (text: string) => text.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (_m, key: string) => `ph-${key}`);

/** The scenario that gives a file everything it references. */
function scenarioFor(yaml: string): ScenarioInput {
  const refs = extractReferences(yaml);
  const body = (parseYaml(yaml) as Record<string, Record<string, unknown>>)[refs.key] ?? {};
  const division = typeof body.division === 'string' ? body.division : undefined;
  return {
    latency: { jobMs: 100, exportMs: 100 },
    exportRendering: 'architect',
    divisions: division && division !== 'Home' ? ['Home', division] : ['Home'],
    queues: seed ? refs.queues : [],
    dataActions: (seed ? refs.dataActions : []).map((d) =>
      d.category ? { category: d.category, name: d.name } : d.name
    ),
    flows: (seed ? refs.flows : [])
      .filter((f) => f.name !== refs.name)
      .map((f) => ({ name: f.name, type: f.type ?? 'inboundcall', versions: 1 }))
  };
}

async function call(em: Emulator, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${em.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  });
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function publish(em: Emulator, clock: FakeClock, token: string, yaml: string) {
  const reg = await call(em, token, 'POST', '/api/v2/flows/jobs');
  const put = await fetch(reg.presignedUrl, { method: 'PUT', headers: reg.headers, body: yaml });
  if (put.status !== 200) return { ok: false, why: `upload ${put.status}` };
  clock.advance(100);
  const job = await call(em, token, 'GET', `/api/v2/flows/jobs/${reg.id}?expand=messages`);
  const why = (job.messages ?? []).map((m: { text: string }) => m.text).join(' | ');
  return { ok: job.status === 'Success', why, flowId: job.flow?.id as string | undefined };
}

async function exportText(em: Emulator, clock: FakeClock, token: string, id: string, version: string) {
  const reg = await call(em, token, 'POST', '/api/v2/flows/export/jobs', { flows: [{ flow: { id, version } }] });
  clock.advance(100);
  const job = await call(em, token, 'GET', `/api/v2/flows/export/jobs/${reg.id}`);
  return (await fetch(job.downloadUrl)).text();
}

async function one(file: string): Promise<{ uploaded: boolean; roundTrip: boolean; why: string }> {
  const yaml = fill(readFileSync(join(dir, file), 'utf8'));
  const clock = new FakeClock();
  const em = await startEmulator({ scenario: scenarioFor(yaml), clock });
  try {
    const login = await fetch(`${em.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${em.clientId}:${em.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: 'grant_type=client_credentials'
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const first = await publish(em, clock, token, yaml);
    if (!first.ok || !first.flowId) return { uploaded: false, roundTrip: false, why: first.why };
    const exported = await exportText(em, clock, token, first.flowId, '1.0');
    const again = await publish(em, clock, token, exported);
    if (!again.ok) return { uploaded: true, roundTrip: false, why: `re-upload of the export: ${again.why}` };
    const second = await exportText(em, clock, token, first.flowId, '2.0');
    return { uploaded: true, roundTrip: second === exported, why: second === exported ? '' : 'export changed' };
  } finally {
    await em.close();
  }
}

const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
let uploaded = 0;
let roundTrips = 0;
for (const file of files) {
  const result = await one(file);
  if (result.uploaded) uploaded += 1;
  if (result.roundTrip) roundTrips += 1;
  console.log(`${result.uploaded ? 'ok  ' : 'FAIL'} ${result.roundTrip ? 'rt' : '--'} ${file} ${result.why}`);
}
console.log(`${uploaded}/${files.length} uploaded; ${roundTrips}/${files.length} export → re-upload → same export`);
process.exit(uploaded === files.length || !seed ? 0 : 1);
