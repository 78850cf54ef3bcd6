// How a run ends: the outcome and its message come from journal/outcome.ts (the one owner of that rule, shared with
// the cancellation flush and the post step's rebuild of the audit), applied to the facts view() derives from the
// journal. The result carries what went live; everything else about the flows is in the journal.
import type { Ending } from '../journal/outcome.ts';
import { verdict } from '../journal/outcome.ts';
import { abortReason, type RunContext } from './context.ts';
import type { ReleaseResult } from './types.ts';

export function conclude(run: RunContext, ending: Ending): ReleaseResult {
  const { ctx } = run;
  const view = run.view();
  const { outcome, message } = verdict(run.events(), view, ending);
  if (outcome === 'succeeded' || outcome === 'planned') ctx.log.info(message);
  else ctx.log.error(message);
  return { outcome, published: view.published, exports: [], message };
}

/** A refusal before anything changed: journal each error (default: the conclusion itself), then conclude. */
export function refuse(run: RunContext, ending: Ending, errors?: string[]): ReleaseResult {
  const { journal } = run.ctx;
  for (const message of errors ?? [verdict(run.events(), run.view(), ending).message]) {
    journal.append('error', { status: 'error', details: { message } });
  }
  return conclude(run, ending);
}

/**
 * A cancelled run starts nothing new — not even a rollback publish: it reports what it leaves behind. Flows this run
 * published stay at their new versions (journaled one by one here); a job already handed to the platform may still
 * land (journaled when the publish was cut short).
 */
export function finishCancelled(run: RunContext, stage?: string, rollbackReason?: string): ReleaseResult {
  const { ctx } = run;
  for (const p of run.view().published) {
    ctx.journal.append('warning', {
      stage,
      flow: p.name,
      status: 'warning',
      details: {
        message: `Cancelled: "${p.name}" is left at version ${p.toVersion} (published by this release, was ${p.fromVersion ?? 'new'}); it was not rolled back.`
      }
    });
  }
  return conclude(run, { kind: 'cancelled', signal: abortReason(ctx.signal), stage, rollbackReason });
}
