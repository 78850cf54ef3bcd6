// Ids and small collaborators every edge (the action, the CLI) gives the pipeline the same way.
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

/** `rel-20261130T055939Z-a1b2c3`: sortable by time, unique enough for one org's releases. */
export function newReleaseId(clock: Clock): string {
  const stamp = new Date(clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `rel-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The http check kind's GET: no redirects followed, the body capped at 64 KiB. */
export async function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  const body = (await res.text()).slice(0, 64 * 1024);
  return { status: res.status, body };
}
