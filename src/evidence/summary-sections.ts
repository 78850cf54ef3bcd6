// The sections of the step summary after the stages: rollbacks, validation issues, errors and warnings, links.
// Every value from a person or an API goes through escapeText.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { DerivedRelease } from '../journal/derive.ts';
import { escapeText, safeUrl, table } from './markdown.ts';

const MAX_LIST_ITEMS = 50;

export interface SummaryLinks {
  runUrl?: string;
  artifactUrl?: string;
  commitUrl?: string;
  /** Off a runner: the folder the audit log and journal were copied to instead of an artifact. */
  auditLocalPath?: string;
}

export function rollbackSection(d: DerivedRelease): string[] {
  if (!d.rollbacks.length) return [];
  const out = ['### Rollback', ''];
  type FlowState = RollbackFlowResult['expected'];
  const state = (s: FlowState): string =>
    s.deleted ? 'deleted' : s.version !== undefined ? `version ${escapeText(s.version)}` : 'unknown';
  // A republish restores the old content as a new version: say so instead of implying the old version is live.
  const expectedText = (r: RollbackFlowResult): string =>
    r.action === 'republish' && !r.expected.deleted && r.expected.version !== undefined
      ? `content of ${escapeText(r.expected.version)}`
      : state(r.expected);
  const actualText = (r: RollbackFlowResult): string => {
    if (r.action !== 'republish' || r.actual.deleted || r.actual.version === undefined) return state(r.actual);
    const { contentHash: want } = r.expected;
    const { contentHash: got } = r.actual;
    const match = want && got ? (want === got ? ' (content matches)' : ' (content differs)') : '';
    return `${escapeText(r.actual.version)}${match}`;
  };
  for (const rb of d.rollbacks) {
    const verdict = rb.ok === null ? '⏳ did not finish' : rb.ok ? '✅ verified' : '🚨 failed';
    out.push(`**Reason:** ${escapeText(rb.reason)} — ${verdict}`, '');
    if (rb.flows.length) {
      out.push(
        ...table(
          ['Flow', 'Action', 'Expected', 'Actual', 'Attempts', 'Result'],
          rb.flows.map((r) => [
            escapeText(r.name),
            escapeText(r.action),
            expectedText(r),
            actualText(r),
            escapeText(r.attempts),
            r.ok ? '✅ ok' : `❌ failed${r.error ? `: ${escapeText(r.error)}` : ''}`
          ])
        ),
        ''
      );
    }
  }
  return out;
}

export function validationSection(d: DerivedRelease): string[] {
  if (!d.validationIssues.length) return [];
  const shown = d.validationIssues.slice(0, MAX_LIST_ITEMS * 4);
  const out = [
    `### Validation issues (${d.validationIssues.length})`,
    '',
    ...table(
      ['Location', 'Field', 'Message'],
      shown.map((i) => [
        `${escapeText(i.file)}:${escapeText(i.line)}${i.column ? `:${escapeText(i.column)}` : ''}`,
        escapeText(i.path || '—'),
        escapeText(i.message) + (i.fix ? `<br>Fix: ${escapeText(i.fix)}` : '')
      ])
    ),
    ''
  ];
  if (shown.length < d.validationIssues.length) {
    out.push(`…and ${d.validationIssues.length - shown.length} more in the audit log.`, '');
  }
  return out;
}

export function listSection(title: string, items: string[]): string[] {
  if (!items.length) return [];
  const out = [`### ${title}`, '', ...items.slice(0, MAX_LIST_ITEMS).map((m) => `- ${escapeText(m)}`)];
  if (items.length > MAX_LIST_ITEMS) out.push(`- …and ${items.length - MAX_LIST_ITEMS} more in the audit log.`);
  return [...out, ''];
}

export function linksSection(d: DerivedRelease, links: SummaryLinks): string[] {
  const parts: string[] = [];
  const run = safeUrl(links.runUrl);
  const artifact = safeUrl(links.artifactUrl);
  const commit = safeUrl(links.commitUrl);
  if (run) parts.push(`[Workflow run](${run})`);
  if (artifact) parts.push(`[Audit log artifact](${artifact})`);
  else if (links.auditLocalPath) parts.push(`Audit log written to ${escapeText(links.auditLocalPath)}`);
  if (commit)
    parts.push(`[Release commit${d.commit?.sha ? ` ${escapeText(d.commit.sha.slice(0, 7))}` : ''}](${commit})`);
  else if (d.commit?.sha) parts.push(`Release commit ${escapeText(d.commit.sha.slice(0, 7))}`);
  return parts.length ? ['### Links', '', parts.join(' · '), ''] : [];
}
