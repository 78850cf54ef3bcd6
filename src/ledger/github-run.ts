// Proof that the run holding a lock has finished, for taking over a lock whose lease has ended: the GitHub run named
// by the lock's run URL is `completed` (GET /repos/{owner}/{repo}/actions/runs/{id} with the workflow's token). The
// API base is GITHUB_API_URL (GitHub Enterprise, or a local server in tests). Anything else — another kind of URL,
// no token, an error, a run still queued or in progress — is not a proof.
import type { Lock } from './schema.ts';

export interface RunFinishedOptions {
  apiUrl?: string | undefined;
  token?: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `{owner, repo, id}` of a GitHub Actions run URL such as https://github.com/o/r/actions/runs/123. */
export function parseRunUrl(url: string): { owner: string; repo: string; id: string } | undefined {
  const m = /^https?:\/\/[^/]+\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/actions\/runs\/(\d+)(?:\/|$)/.exec(url);
  return m ? { owner: m[1]!, repo: m[2]!, id: m[3]! } : undefined;
}

export function githubRunFinished(o: RunFinishedOptions): (lock: Lock) => Promise<boolean> {
  return async (lock) => {
    const run = lock.runUrl ? parseRunUrl(lock.runUrl) : undefined;
    if (!run || !o.token) return false;
    const base = (o.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    try {
      const res = await (o.fetch ?? fetch)(`${base}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`, {
        headers: { Authorization: `Bearer ${o.token}`, Accept: 'application/vnd.github+json' },
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        redirect: 'error'
      });
      if (res.status !== 200) return false;
      const body = (await res.json()) as { status?: unknown };
      return body.status === 'completed';
    } catch {
      return false;
    }
  };
}
