// A scripted Genesys Cloud on undici's MockAgent: one handler sees every request (method, origin, path with query,
// lower-case headers, body) and returns a reply or throws a network error. Every request is recorded for assertions.
import { crc32, deflateRawSync } from 'node:zlib';
import { MockAgent } from 'undici';
import type { FakeClock } from '../../src/common/clock.ts';

export const API = 'https://api.mypurecloud.com';
export const LOGIN = 'https://login.mypurecloud.com';
export const STORAGE = 'https://storage.example.com';

export interface SeenRequest {
  method: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: SeenRequest) => Reply;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

export function netError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

export function mockGenesys(handler: Handler, clock?: FakeClock, origins: string[] = [API, LOGIN, STORAGE]) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: SeenRequest[] = [];
  for (const origin of origins) {
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const headers: Record<string, string> = {};
        const raw = opts.headers as unknown;
        if (raw && typeof raw === 'object') {
          const entries = Array.isArray(raw)
            ? (raw as string[]).reduce<[string, string][]>(
                (acc, v, i, a) => (i % 2 ? acc : [...acc, [v, String(a[i + 1])]]),
                []
              )
            : Object.entries(raw as Record<string, string>);
          for (const [k, v] of entries) headers[k.toLowerCase()] = String(v);
        }
        const body =
          opts.body === undefined || opts.body === null ? '' : Buffer.from(opts.body as Buffer).toString('utf8');
        const seen: SeenRequest = {
          method: opts.method,
          origin,
          path: opts.path,
          headers,
          body,
          at: clock?.now() ?? 0
        };
        requests.push(seen);
        const r = handler(seen);
        const data = r.body === undefined ? '' : Buffer.isBuffer(r.body) ? r.body : String(r.body);
        return { statusCode: r.status, data, responseOptions: { headers: r.headers ?? {} } };
      })
      .persist();
  }
  return { agent, requests };
}

/** A token endpoint handler: issues tok-1, tok-2, ... with the given lifetime. */
export function tokenIssuer(expiresIn = 86_400) {
  let n = 0;
  return {
    issued: () => n,
    reply: (): Reply => json(200, { access_token: `tok-${++n}-abcdefgh`, token_type: 'bearer', expires_in: expiresIn })
  };
}

export function isToken(r: SeenRequest): boolean {
  return r.origin === LOGIN && r.path === '/oauth/token';
}

export interface ZipFixtureEntry {
  name: string;
  content: string;
  method: 0 | 8;
}

/** Writes a zip by hand: local headers, data, central directory, end record (as Architect exports ship them). */
export function buildZip(entries: ZipFixtureEntry[], opts: { corruptCrcOf?: string } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = Buffer.from(e.content, 'utf8');
    const data = e.method === 8 ? deflateRawSync(raw) : raw;
    const crc = opts.corruptCrcOf === e.name ? (crc32(raw) ^ 1) >>> 0 : crc32(raw) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(e.method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, data);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(e.method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
