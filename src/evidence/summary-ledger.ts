// The step summary's "Release state" section: what the org's release ledger said and what this run recorded in it —
// the lock (taken, taken over, released), a dead run's unfinished release and its recovery (which flows it may have
// changed, what was live, who published it and when, what was restored), and flows that are still live but no longer
// managed by the manifest. A pure function of the journal's ledger events.
import type { JournalEvent } from '../journal/events.ts';
import { escapeText, table } from './markdown.ts';

type Of<T extends JournalEvent['type']> = Extract<JournalEvent, { type: T }>;

function first<T extends JournalEvent['type']>(events: readonly JournalEvent[], type: T): Of<T> | undefined {
  return events.find((e) => e.type === type) as Of<T> | undefined;
}

function recoveryLines(events: readonly JournalEvent[]): string[] {
  const started = first(events, 'recovery-started');
  if (!started) return [];
  const d = started.details;
  const out = [
    `**Unfinished release ${escapeText(d.releaseId)}** of a previous run${d.runUrl ? ` (${escapeText(d.runUrl)})` : ''}, ` +
      `started ${escapeText(d.startedAt)} (on-unfinished: ${d.onUnfinished}). The flows it may have changed, as found:`,
    ''
  ];
  const finished = first(events, 'recovery-finished')?.details;
  const rows = d.flows.map((f) => {
    const r = finished?.flows.find((x) => x.name === f.name);
    const who = [f.live?.createdByClient ? `client ${f.live.createdByClient}` : '', f.live?.createdBy ?? '']
      .filter(Boolean)
      .join(', ');
    return [
      escapeText(f.name),
      escapeText(f.beforeVersion ?? 'none'),
      f.live ? escapeText(f.live.version ?? 'none') : 'absent',
      escapeText(who || '—'),
      escapeText(f.live?.datePublished ?? '—'),
      r
        ? r.ok
          ? `✅ ${r.action === 'delete' ? 'deleted' : `restored → ${escapeText(r.actual.version ?? '?')}`}`
          : `❌ ${escapeText(r.error ?? 'not restored')}`
        : '—'
    ];
  });
  out.push(...table(['Flow', 'Before', 'Live when found', 'Published by', 'Published at', 'Recovery'], rows));
  if (finished) {
    out.push(
      finished.ok
        ? `Recovered: every flow is back at its last known-good content, verified; recorded as ${escapeText(finished.recordedAs ?? '')}.`
        : 'Recovery incomplete: the release stays in progress in the ledger for the next run.',
      ''
    );
  }
  return out;
}

export function ledgerSection(events: readonly JournalEvent[]): string[] {
  const read = first(events, 'ledger-read');
  if (!read) return [];
  const d = read.details;
  const out = ['### Release state', ''];
  out.push(
    `Ledger of org ${escapeText(d.orgId)}${d.orgName ? ` (${escapeText(d.orgName)})` : ''} on ${escapeText(d.location)}: ` +
      `${d.releases} release(s) in its history.`,
    ''
  );
  for (const e of events) {
    if (e.type === 'lock-taken-over') {
      out.push(
        `- ⚠️ Lock taken over from release ${escapeText(e.details.from)}${e.details.fromRunUrl ? ` (${escapeText(e.details.fromRunUrl)})` : ''}, ` +
          `lease until ${escapeText(e.details.fromLeaseUntil)} (${e.details.reason === 'explicit' ? 'takeover-lock: true' : 'lease ended, run finished'}).`
      );
    } else if (e.type === 'lock-acquired') {
      out.push(`- Lock taken by ${escapeText(e.details.holder)}, lease until ${escapeText(e.details.leaseUntil)}.`);
    } else if (e.type === 'lock-released') {
      out.push(
        `- Lock released after ${e.details.pushes} ledger push(es)${e.details.note ? `: ${escapeText(e.details.note)}` : '.'}`
      );
    }
  }
  if (out.length > 4) out.push('');
  out.push(...recoveryLines(events));
  const orphaned = first(events, 'orphaned-flows');
  if (orphaned) {
    out.push(
      '**Still live in the org, no longer managed by this manifest:** ' +
        orphaned.details.flows
          .map((f) => `${escapeText(f.name)} (${escapeText(f.type)}, version ${escapeText(f.version ?? '?')})`)
          .join(', ') +
        '. List them under `retired:` to delete them, or add them back to the manifest.',
      ''
    );
  }
  return out;
}
