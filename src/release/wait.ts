// Waiting for a platform job (Architect, export, validate) with the manifest's job deadline, its progress journaled as
// `wait-progress` events of the stage. The poller itself (src/common/wait.ts) is shared with the check kinds.
import type { Clock } from '../common/clock.ts';
import { waitFor } from '../genesys/wait.ts';
import type { JournalSink } from '../journal/events.ts';
import type { Logger } from '../common/log.ts';

/**
 * Waits for an Architect, export or validate job (Registered → Started → Success | Failure) with the manifest's job
 * deadline, journaling its progress as `wait-progress` events of the stage.
 */
export function waitForPlatformJob<T extends { status: string }>(
  ctx: { clock: Clock; log: Logger; journal: JournalSink; manifest: { jobTimeoutMs: number } },
  job: { what: string; id: string; poll: () => Promise<T>; expectedLatencyMs: number },
  c: { stage?: string; deadlineAt?: number; signal?: AbortSignal }
): Promise<T> {
  return waitFor({
    what: job.what,
    id: job.id,
    poll: job.poll,
    done: (j) => j.status === 'Success' || j.status === 'Failure',
    state: (j) => j.status,
    clock: ctx.clock,
    log: ctx.log,
    deadlineMs: ctx.manifest.jobTimeoutMs,
    deadlineAt: c.deadlineAt,
    signal: c.signal,
    expectedLatencyMs: job.expectedLatencyMs,
    onProgress: (state, elapsedMs) =>
      ctx.journal.append('wait-progress', {
        stage: c.stage,
        status: 'info',
        details: { what: job.what, id: job.id, state, elapsedMs }
      })
  });
}
