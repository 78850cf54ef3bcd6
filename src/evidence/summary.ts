// The step summary: a pure function of the journal, written on every outcome. Every value that came from a person or
// an API (flow names, messages, file paths) goes through `escapeText`, so nothing can inject Markdown, HTML or a
// workflow command, and the whole text stays under GitHub's 1 MiB step-summary limit.
import type { Outcome } from '../domain/types.ts';
import { deriveRelease, formatDuration } from '../journal/derive.ts';
import type { JournalEvent } from '../journal/events.ts';
import { hashEvent } from '../journal/journal.ts';
import { capSummary, escapeText } from './markdown.ts';
import {
  linksSection,
  listSection,
  rollbackSection,
  validationSection,
  type SummaryLinks
} from './summary-sections.ts';
import { doctorSection } from './summary-doctor.ts';
import { planSection, stagesSection } from './summary-stages.ts';
import { ledgerSection } from './summary-ledger.ts';

export { capSummary, escapeText, MAX_SUMMARY_BYTES, safeUrl } from './markdown.ts';
export type { SummaryLinks } from './summary-sections.ts';
export { formatMeasurement } from './summary-stages.ts';

const OUTCOME_HEAD: Record<Outcome, string> = {
  succeeded: '✅ Flow Release succeeded',
  planned: '📋 Flow Release planned',
  'rolled-back': '↩️ Flow Release rolled back',
  failed: '❌ Flow Release failed',
  'rollback-failed': '🚨 Flow Release rollback failed'
};

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function buildSummary(events: readonly JournalEvent[], links: SummaryLinks = {}): string {
  const d = deriveRelease(events);
  const out: string[] = [];
  const head =
    d.command === 'doctor'
      ? d.outcome === 'succeeded'
        ? '🩺 Flow Release doctor: every required probe passed'
        : '🩺❌ Flow Release doctor: a required probe failed'
      : OUTCOME_HEAD[d.outcome];
  out.push(`## ${head}`, '');
  out.push(`**${escapeText(d.reason, 2000)}**`, '');
  const facts = [
    d.releaseId ? `Release ${escapeText(d.releaseId)}` : undefined,
    d.command ? `command ${escapeText(d.command)}` : undefined,
    d.started?.target ? `org ${escapeText(d.started.target.region ?? hostOf(d.started.target.apiUrl))}` : undefined,
    `duration ${formatDuration(d.durationMs)}`,
    d.api ? `API ${d.api.calls} calls, ${d.api.retries} retries, ${d.api.throttled} throttled` : undefined
  ].filter(Boolean);
  out.push(facts.join(' · '), '');
  for (const n of d.notes) out.push(`> ⚠️ ${escapeText(n)}`, '');

  if (d.command === 'doctor') out.push(...doctorSection(d));
  else if (d.outcome === 'planned') out.push(...planSection(d));
  else if (!(d.outcome === 'failed' && d.validationIssues.length && !d.stages.some((s) => s.startedAt))) {
    out.push(...stagesSection(d));
  }
  out.push(...rollbackSection(d));
  out.push(...ledgerSection(events));
  out.push(...validationSection(d));
  out.push(...listSection('Errors', d.errors));
  out.push(...listSection('Warnings', d.warnings));
  if (d.commit?.error) out.push(`**Commit failed:** ${escapeText(d.commit.error)}`, '');
  out.push(...linksSection(d, links));
  const last = events.at(-1);
  if (last) out.push(`<sub>Journal: ${events.length} events, head sha256 ${hashEvent(last)}</sub>`, '');
  return capSummary(out.join('\n'));
}
