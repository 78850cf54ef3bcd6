// Shared helpers for the emulator tests: an emulator on a free port with a FakeClock and a tiny fetch client.
import { inflateRawSync } from 'node:zlib';
import { FakeClock } from '../../src/common/clock.ts';
import type { ScenarioInput } from '../../emulator/scenario.ts';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';

/** Arbitrary JSON read back from the emulator (tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately loose in tests
export type Json = any;

export interface Harness {
  em: Emulator;
  clock: FakeClock;
  token: string;
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json; headers: Headers }>;
  close: () => Promise<void>;
}

export async function getToken(em: Emulator, id = em.clientId, secret = em.clientSecret): Promise<Response> {
  return fetch(`${em.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: 'grant_type=client_credentials'
  });
}

export async function harness(scenario: ScenarioInput = {}): Promise<Harness> {
  const clock = new FakeClock();
  const em = await startEmulator({ scenario, clock });
  const token = ((await (await getToken(em)).json()) as { access_token: string }).access_token;
  const api: Harness['api'] = async (method, path, body) => {
    const res = await fetch(`${em.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {})
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {})
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { em, clock, token, api, close: () => em.close() };
}

/** Registers a job, uploads `yaml` with the returned headers; returns the job id. */
export async function uploadJob(h: Harness, yaml: string): Promise<string> {
  const reg = await h.api('POST', '/api/v2/flows/jobs');
  if (reg.status !== 200) throw new Error(`register failed: ${reg.status}`);
  const put = await fetch(reg.body.presignedUrl, { method: 'PUT', headers: reg.body.headers, body: yaml });
  if (put.status !== 200) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return reg.body.id as string;
}

export const ivr = (name: string, queue = 'Support', extra = '') => `inboundCall:
  name: ${name}
  division: Home
  startUpRef: "/inboundCall/tasks/task[Main_10]"
  defaultLanguage: en-us
  tasks:
    - task:
        name: Main
        refId: Main_10
        actions:
          - transferToAcd:
              name: Transfer
              targetQueue:
                lit:
                  name: ${queue}
${extra}`;

/** Reads the entries of a (deflate or stored) zip; enough for the emulator's own zips. */
export function readZip(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (buf.readUInt32LE(offset) === 0x04034b50) {
    const method = buf.readUInt16LE(offset + 8);
    const size = buf.readUInt32LE(offset + 18);
    const nameLength = buf.readUInt16LE(offset + 26);
    const extra = buf.readUInt16LE(offset + 28);
    const name = buf.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extra;
    const data = buf.subarray(start, start + size);
    out[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    offset = start + size;
  }
  return out;
}
