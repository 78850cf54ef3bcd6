// The one owner of "what is the outcome, and how is it said". Pure: journal events (and, for the engine's own
// finish, the facts it derived from them) in, { outcome, message } out. Three callers, one rule:
// - the engine, when it finishes (release/finish.ts → verdict);
// - the cancellation flush (main.ts cancelledFinish → cancelledVerdict), when the engine did not finish in time;
// - the post step's rebuild of the audit document (derive.ts → unfinishedOutcome), when the journal has no
//   release-finished event.
import type { ConflictEvidence, Outcome, PublishedFlow, RollbackFlowResult } from '../domain/types.ts';
import type { DerivedFlow, DerivedRollback } from './derived.ts';
import type { JournalEvent } from './events.ts';

export interface Verdict {
  outcome: Outcome;
  message: string;
}

/**
 * The outcome of a run that ends without its own conclusion (cancelled, crashed, or the engine's cancellation path):
 * the worst thing the journal proves. The signal's time is the first `cancelled` event (main.ts journals it the
 * moment the signal arrives; the engine journals one before it closes a cancelled rollback).
 * - A rollback that finished unverified before the signal, or a failed restore in a run that was not cancelled
 *   → rollback-failed.
 * - The last rollback finished verified → rolled-back.
 * - Otherwise (cancelled before any publish, after publishes without rollback, or while a rollback was running: its
 *   flows are reported restored, left or in flight, as after a cancelled publish) → failed.
 */
export function unfinishedOutcome(events: readonly JournalEvent[]): Outcome {
  const signal = events.find((e) => e.type === 'cancelled')?.seq;
  const failedRestore = events.some((e) =>
    signal === undefined
      ? (e.type === 'rollback-flow' || e.type === 'rollback-finished') && !e.details.ok
      : e.type === 'rollback-finished' && !e.details.ok && e.seq < signal
  );
  if (failedRestore) return 'rollback-failed';
  const lastRollback = events.findLast((e) => e.type === 'rollback-started' || e.type === 'rollback-finished');
  if (lastRollback?.type === 'rollback-finished' && lastRollback.details.ok) return 'rolled-back';
  return 'failed';
}

/** Flows this run published and nothing since took back (a conflict, a restore): left at their new versions. */
function leftAtNewVersion(events: readonly JournalEvent[]): Map<string, string> {
  const left = new Map<string, string>();
  for (const e of events) {
    if (!e.flow) continue;
    if (e.type === 'publish-succeeded') left.set(e.flow, e.details.toVersion);
    else if ((e.type === 'publish-failed' && e.details.conflict) || e.type === 'rollback-flow') left.delete(e.flow);
  }
  return left;
}

/** The cancellation flush: the evidence must be written while the engine is still running. */
export function cancelledVerdict(events: readonly JournalEvent[], signal: string): Verdict {
  const outcome = unfinishedOutcome(events);
  const started = events.filter((e) => e.type === 'rollback-started').length;
  const finished = events.filter((e) => e.type === 'rollback-finished').length;
  if (started > finished) {
    return {
      outcome,
      message: `Cancelled by ${signal}: the rollback did not finish before the evidence had to be written, so the flows it was restoring are unverified and need manual attention.`
    };
  }
  if (outcome === 'rollback-failed') return { outcome, message: `Cancelled by ${signal}: the rollback failed.` };
  if (outcome === 'rolled-back' || finished > 0) return { outcome, message: `Cancelled by ${signal}` };
  const left = [...leftAtNewVersion(events)].map(([name, v]) => `${name} ${v}`);
  return {
    outcome,
    message: left.length
      ? `Cancelled by ${signal}: nothing was rolled back; left at their new versions: ${left.join(', ')}. Re-run the release, or run it with command: rollback.`
      : `Cancelled by ${signal}`
  };
}

/** What the engine derived from the journal when it finishes (see view.ts: RunView provides these). */
export interface RunFacts {
  /** Flows whose new version is live at the end, in manifest order. */
  published: PublishedFlow[];
  /** Flows where another publisher's content is live, in manifest order. */
  conflicts: DerivedFlow[];
  /** Flows with a change still with the platform when the run was cancelled, in manifest order. */
  inFlight: DerivedFlow[];
  /** The last rollback (automatic or command: rollback), if one ran. */
  rollback: DerivedRollback | null;
}

/** How the engine's run ended; what the journal does not hold (reasons, signal, names requested) travels here. */
export type Ending =
  | { kind: 'unknown-flows'; unknown: string[]; known: string[] }
  | { kind: 'plan-errors'; errors: string[] }
  | { kind: 'planned'; toPublish: number; stages: number }
  | { kind: 'succeeded' }
  | { kind: 'crashed'; error: string }
  | { kind: 'stage-failed'; reason: string }
  | { kind: 'rollback-off'; reason: string; flows: string[] }
  | { kind: 'rollback-done'; reason: string; flows: string[] }
  | { kind: 'cancelled'; signal: string; stage?: string; rollbackReason?: string }
  | { kind: 'no-record'; dir: string }
  | { kind: 'restore-refused'; releaseId: string; errors: string[] }
  | { kind: 'restore-nothing'; releaseId: string }
  | { kind: 'restore-done'; releaseId: string; flows: string[]; signal?: string }
  /** Stopped by what the ledger says (a lock held by a live run, an unfinished release, nothing to restore). */
  | { kind: 'refused'; message: string };

/** Who created the other publisher's version: its OAuth client, or its user. */
export function conflictCreator(c: ConflictEvidence): string {
  if (c.createdByClient) return `OAuth client ${c.createdByClient}`;
  const u = c.createdBy;
  return u?.name || u?.id ? `user ${u.name ?? u.id}${u.name && u.id ? ` (${u.id})` : ''}` : 'an unnamed creator';
}

function conflictText(facts: RunFacts): string {
  const list = facts.conflicts.flatMap((f) =>
    f.conflict
      ? [
          `${f.name} (version ${f.conflict.version} created by ${conflictCreator(f.conflict)}, published ${f.conflict.datePublished ?? 'at an unknown time'})`
        ]
      : []
  );
  return list.length
    ? ` Not rolled back because another publisher's version is live (conflict): ${list.join('; ')}.`
    : '';
}

const expectedVsActual = (r: RollbackFlowResult) =>
  `${r.name} (expected ${JSON.stringify(r.expected)}, actual ${JSON.stringify(r.actual)}: ${r.error ?? ''})`;

function successText(published: PublishedFlow[]): string {
  if (published.length === 0) return 'Release succeeded: nothing needed publishing (every flow is unchanged).';
  return `Release succeeded: published ${published.map((p) => `${p.name} ${p.fromVersion ?? 'new'} → ${p.toVersion}`).join(', ')}.`;
}

/** A cancelled run starts nothing new, not even a rollback publish: it says what it leaves behind. */
function cancelledText(facts: RunFacts, e: Extract<Ending, { kind: 'cancelled' }>): string {
  const where = e.stage ? ` during stage ${e.stage}` : '';
  const left = facts.published;
  let text: string;
  if (left.length === 0 && facts.inFlight.length === 0 && facts.conflicts.length === 0) {
    text = `Cancelled (${e.signal})${where}: no change was started after the signal, and nothing had been changed in the org.`;
  } else {
    const parts = [
      `Cancelled (${e.signal})${where}: no change was started after the signal and nothing was rolled back.`
    ];
    if (left.length) {
      parts.push(
        `Left at their new versions (published by this release, not rolled back): ${left
          .map((p) => `${p.name} ${p.toVersion} (was ${p.fromVersion ?? 'new'})`)
          .join(', ')}.`
      );
    }
    if (facts.inFlight.length) {
      parts.push(
        `In flight when cancelled, may still publish on the platform (state unknown): ${facts.inFlight
          .map((f) => `${f.name} (${f.inFlight})`)
          .join(', ')}.`
      );
    }
    if (facts.conflicts.length) parts.push(conflictText(facts).trim());
    parts.push('To finish or undo it: re-run the release, or run it with command: rollback.');
    text = parts.join(' ');
  }
  if (e.rollbackReason === undefined) return text;
  const done = (facts.rollback?.flows ?? []).filter((r) => r.ok).map((r) => r.name);
  return `${e.rollbackReason}. The rollback was cancelled${done.length ? ` after restoring ${done.join(', ')}` : ''}. ${text}`;
}

function rollbackText(facts: RunFacts, e: Extract<Ending, { kind: 'rollback-done' }>): Verdict {
  const conflicts = conflictText(facts);
  const results = facts.rollback?.flows ?? [];
  if (facts.rollback?.ok) {
    return {
      outcome: 'rolled-back',
      message: `${e.reason.replace(/\.$/, '')}. Rolled back and verified: ${e.flows.join(', ')}.${conflicts}`
    };
  }
  const bad = results.filter((r) => !r.ok);
  return {
    outcome: 'rollback-failed',
    message: `${e.reason}. ROLLBACK FAILED for ${bad.map(expectedVsActual).join('; ')}. Restore these flows by hand in Architect or run command: rollback.${conflicts}`
  };
}

/** `command: rollback` after its restores (or after the signal stopped them). */
function restoreText(
  events: readonly JournalEvent[],
  facts: RunFacts,
  e: Extract<Ending, { kind: 'restore-done' }>
): Verdict {
  const results = facts.rollback?.flows ?? [];
  if (e.signal !== undefined) {
    const done = results.filter((r) => r.ok).map((r) => `${r.name} → ${r.actual.version ?? '?'}`);
    const unsure = results.filter((r) => !r.ok && r.attempts > 0).map((r) => r.name);
    const notReached = e.flows.filter((n) => !results.some((r) => r.name === n && r.ok));
    return {
      outcome: unfinishedOutcome(events),
      message:
        `Rollback to release ${e.releaseId} cancelled (${e.signal}): no restore was started after the signal.` +
        (done.length ? ` Restored and verified: ${done.join(', ')}.` : '') +
        (unsure.length ? ` In flight when cancelled, state unknown: ${unsure.join(', ')}.` : '') +
        (notReached.length ? ` Not restored: ${notReached.join(', ')}.` : '') +
        ' Run command: rollback again to finish.'
    };
  }
  if (!facts.rollback?.ok) {
    const bad = results.filter((r) => !r.ok);
    return {
      outcome: results.length < e.flows.length && bad.length === 0 ? 'failed' : 'rollback-failed',
      message: `Rollback to release ${e.releaseId} incomplete: ${bad.map(expectedVsActual).join('; ') || 'cancelled'}`
    };
  }
  return {
    outcome: 'succeeded',
    message: `Restored release ${e.releaseId}: ${results.map((r) => `${r.name} → ${r.actual.version}`).join(', ')}.`
  };
}

/** The engine's conclusion. */
export function verdict(events: readonly JournalEvent[], facts: RunFacts, e: Ending): Verdict {
  const failed = (message: string): Verdict => ({ outcome: 'failed', message });
  switch (e.kind) {
    case 'unknown-flows':
      return failed(
        `The flows input names flow(s) the manifest does not define; nothing was changed. Unknown:\n${e.unknown.map((n) => `  - ${JSON.stringify(n)}`).join('\n')}\nThe manifest defines:\n${e.known.map((n) => `  - ${JSON.stringify(n)}`).join('\n')}`
      );
    case 'plan-errors':
      return failed(`The plan has ${e.errors.length} problem(s); nothing was changed:\n- ${e.errors.join('\n- ')}`);
    case 'planned':
      return {
        outcome: 'planned',
        message: `Plan: ${e.toPublish} flow(s) to publish in ${e.stages} stage(s); nothing was changed.`
      };
    case 'succeeded':
      return { outcome: 'succeeded', message: successText(facts.published) };
    case 'crashed':
      return failed(`Release failed: ${e.error}`);
    case 'stage-failed':
      return failed(
        facts.conflicts.length
          ? `${e.reason}. ${conflictText(facts)}`
          : `${e.reason}. Nothing had been changed in the org.`
      );
    case 'rollback-off':
      return failed(
        `${e.reason}. Automatic rollback is off (rollback.automatic: false): ${e.flows.join(', ')} stay as published; run command: rollback to restore the last release.${conflictText(facts)}`
      );
    case 'rollback-done':
      return rollbackText(facts, e);
    case 'cancelled':
      return { outcome: unfinishedOutcome(events), message: cancelledText(facts, e) };
    case 'no-record':
      return failed(
        `No release record found (${e.dir}/release.json). command: rollback restores the last successful release, so a successful deploy must have committed release.json first.`
      );
    case 'restore-refused':
      return failed(`Cannot roll back to release ${e.releaseId}; nothing was changed:\n- ${e.errors.join('\n- ')}`);
    case 'restore-nothing':
      return {
        outcome: 'succeeded',
        message: `Every flow of release ${e.releaseId} is still at its recorded version; nothing to restore.`
      };
    case 'restore-done':
      return restoreText(events, facts, e);
    case 'refused':
      return failed(e.message);
  }
}
