// The last fact of every run, whichever edge reports it (the action's report, the CLI): the release-finished event
// (unless the engine wrote it) and the seal, so that nothing still winding down may append after the story ends and
// the audit document is built from a finished journal.
import type { Clock } from '../common/clock.ts';
import type { RunEnd } from '../domain/types.ts';
import type { Journal } from '../journal/journal.ts';

const NO_API_CALLS = { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 };

export function sealJournal(journal: Journal, clock: Clock, end: RunEnd): void {
  if (!journal.events.some((e) => e.type === 'release-finished')) {
    journal.append('release-finished', {
      status: end.outcome === 'succeeded' || end.outcome === 'planned' ? 'ok' : 'error',
      details: {
        outcome: end.outcome,
        durationMs: clock.now() - Date.parse(journal.events[0]?.at ?? new Date(clock.now()).toISOString()),
        published: end.published ?? [],
        api: end.api ?? NO_API_CALLS,
        message: end.stepError ?? end.message
      }
    });
  }
  journal.seal();
}
