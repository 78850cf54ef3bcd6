import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { githubRunFinished, parseRunUrl } from '../../src/ledger/github-run.ts';
import type { Lock } from '../../src/ledger/schema.ts';

const lock = (runUrl?: string): Lock => ({
  holder: 'rel-dead',
  command: 'deploy',
  acquiredAt: '2026-01-01T00:00:00.000Z',
  leaseUntil: '2026-01-01T00:30:00.000Z',
  ...(runUrl ? { runUrl } : {})
});

describe('githubRunFinished: proof that a lock holder’s run has ended', () => {
  it('parses GitHub Actions run URLs only', () => {
    expect(parseRunUrl('https://github.com/o/r/actions/runs/42')).toEqual({ owner: 'o', repo: 'r', id: '42' });
    expect(parseRunUrl('https://github.com/o/r/pull/42')).toBeUndefined();
  });

  it('asks GITHUB_API_URL for the run with the token: completed is a proof, anything else is not', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const statuses = ['completed', 'in_progress'];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.url?.endsWith('/404')) return void res.writeHead(404).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: statuses.shift() }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const finished = githubRunFinished({ apiUrl, token: 'ghs_test' });
      expect(await finished(lock('https://github.com/o/r/actions/runs/7'))).toBe(true);
      expect(await finished(lock('https://github.com/o/r/actions/runs/7'))).toBe(false);
      expect(await finished(lock('https://github.com/o/r/actions/runs/404'))).toBe(false);
      expect(seen[0]).toEqual({ url: '/repos/o/r/actions/runs/7', auth: 'Bearer ghs_test' });
      // Without a run URL or a token there is no way to prove it: not proven.
      expect(await finished(lock())).toBe(false);
      expect(await githubRunFinished({ apiUrl })(lock('https://github.com/o/r/actions/runs/7'))).toBe(false);
      expect(seen).toHaveLength(3);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
