// package.json `overrides` makes @actions/http-client and @actions/github use the action's own undici (one copy in
// the bundle instead of two). They use two of its APIs — ProxyAgent (http-client's proxy dispatcher) and fetch
// (@actions/github's proxy-aware fetch) — so this drives both, through a real proxy, with the undici that ships.
import { afterAll, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

const servers: Server[] = [];
const saved = { HTTP_PROXY: process.env.HTTP_PROXY, GITHUB_API_URL: process.env.GITHUB_API_URL };

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function fetchTarget(port: number): Promise<string> {
  const res = await globalThis.fetch(`http://127.0.0.1:${port}/ping`);
  return res.text();
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

it('one undici: @actions/github fetches through @actions/http-client’s ProxyAgent on the action’s undici', async () => {
  const tree = JSON.parse(
    execFileSync('npm', ['ls', 'undici', '--all', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  ) as LsNode;
  const versions = new Set<string>();
  const walk = (n: LsNode) =>
    Object.entries(n.dependencies ?? {}).forEach(([name, d]) => {
      if (name === 'undici' && d.version) versions.add(d.version);
      walk(d);
    });
  walk(tree);
  expect([...versions]).toEqual([
    (createRequire(import.meta.url)('undici/package.json') as { version: string }).version
  ]);

  const target = await listen(createServer((_req, res) => res.end('hello from the target')));
  const tunnels: string[] = [];
  // A forward proxy: plain http requests in absolute form, anything else through a CONNECT tunnel.
  const proxyServer = createServer((req, res) => {
    tunnels.push(`GET ${req.url ?? ''}`);
    fetchTarget(target).then(
      (body) => res.end(body),
      () => res.writeHead(502).end()
    );
  });
  proxyServer.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    const upstream = connect(target, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  const proxy = await listen(proxyServer);
  process.env.HTTP_PROXY = `http://127.0.0.1:${proxy}`;
  // Not loopback: http-client sends loopback addresses around the proxy. The proxy connects it to the target.
  process.env.GITHUB_API_URL = 'http://flow-release.test';
  const { defaults } = await import('@actions/github/lib/utils');
  const fetch = (defaults as { request: { fetch: typeof globalThis.fetch } }).request.fetch;
  const res = await fetch('http://flow-release.test/ping');
  expect(await res.text()).toBe('hello from the target');
  expect(tunnels).toHaveLength(1);
  expect(tunnels[0]).toMatch(/^(flow-release\.test:80|GET http:\/\/flow-release\.test\/ping)$/);
});
