// The step summary: a pure function of the journal, written on every outcome. Every value that came from a person or
// an API (flow names, messages, file paths) goes through `escapeText`, so nothing can inject Markdown, HTML or a
// workflow command, and the whole text stays under GitHub's 1 MiB step-summary limit.
import * as core from '@actions/core';
import {
  deriveRelease,
  formatDuration,
  type DerivedCheck,
  type DerivedFlow,
  type DerivedRelease
} from '../journal/derive.ts';
import type { JournalEvent } from '../journal/events.ts';
import { describeMeasurement } from '../checks/describe.ts';
import type { TextKit } from '../checks/types.ts';
import type { CheckMeasurement, Outcome, RollbackFlowResult } from '../domain/types.ts';
import { hashEvent } from '../journal/journal.ts';

/** GitHub rejects step summaries over 1 MiB. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;
/** Longest single value shown in a cell; the audit log keeps the full text. */
const MAX_VALUE_CHARS = 500;
const MAX_LIST_ITEMS = 50;

export interface SummaryLinks {
  runUrl?: string;
  artifactUrl?: string;
  commitUrl?: string;
}

const OUTCOME_HEAD: Record<Outcome, string> = {
  succeeded: '✅ Flow Release succeeded',
  planned: '📋 Flow Release planned',
  'rolled-back': '↩️ Flow Release rolled back',
  failed: '❌ Flow Release failed',
  'rollback-failed': '🚨 Flow Release rollback failed'
};

/**
 * Makes untrusted text inert inside Markdown (including table cells): one line, no control characters, the Markdown
 * punctuation that can start emphasis, code, links, math, headings or cells backslash-escaped, HTML special characters as entities, and `::` / `%` as entities so no line can
 * read as a workflow command or smuggle a percent-encoded newline.
 */
export function escapeText(value: unknown, maxChars = MAX_VALUE_CHARS): string {
  let s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const chars = Array.from(s);
  if (chars.length > maxChars) s = chars.slice(0, maxChars).join('') + '…';
  s = s
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\`*_[\]|~$#]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/%/g, '&#37;')
    .replace(/:(?=:)/g, '&#58;');
  return s;
}

/** Only http(s) links, with the characters that could end a Markdown link target percent-encoded. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(
    /[()<>\s"'`[\]\\|]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function fmtNumber(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return escapeText(typeof v === 'object' ? JSON.stringify(v) : v);
  return String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
}

/** Markdown-safe rendering for the check kinds' descriptions. */
const MARKDOWN: TextKit = { text: escapeText, number: fmtNumber };

/** "failure rate 0.12 > max 0.05 (140 samples)", "status FAILED ≠ expected COMPLETED", "HTTP 503 ≠ expected 200". */
export function formatMeasurement(c: CheckMeasurement): string {
  return describeMeasurement(c, MARKDOWN);
}

const CHECK_ICON: Record<DerivedCheck['result'], string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '❔',
  'pass-with-warning': '⚠️'
};

const FAILING = new Set<DerivedCheck['result']>(['fail', 'inconclusive']);

function checkText(c: DerivedCheck): string {
  return `${CHECK_ICON[c.result]} ${escapeText(c.check)}: ${formatMeasurement(c)}${c.round > 1 ? ` (round ${c.round})` : ''}`;
}

/**
 * One entry per check (and flow) of a stage: the measurement that decided the stage — the first failing bake round,
 * else the last round — followed by the re-check on the restored versions after a rollback (round 0), labelled as
 * such, so a passing re-check never hides the measurement that caused the rollback.
 */
function stageCheckTexts(checks: DerivedCheck[]): { flow: string | null; text: string }[] {
  const byName = new Map<string, { decisive?: DerivedCheck; recheck?: DerivedCheck }>();
  for (const c of [...checks].sort((a, b) => a.seq - b.seq)) {
    const key = `${c.check}\u0000${c.flow ?? ''}`;
    const entry = byName.get(key) ?? {};
    byName.set(key, entry);
    if (c.round === 0) entry.recheck = c;
    else if (!entry.decisive || !FAILING.has(entry.decisive.result)) entry.decisive = c;
  }
  return [...byName.values()].map(({ decisive, recheck }) => {
    const after = recheck
      ? `after rollback: ${CHECK_ICON[recheck.result]} ${decisive ? '' : `${escapeText(recheck.check)}: `}${formatMeasurement(recheck)}`
      : '';
    const first = decisive ?? recheck;
    return {
      flow: first?.flow ?? null,
      text: decisive ? (after ? `${checkText(decisive)}<br>${after}` : checkText(decisive)) : after
    };
  });
}

function versionCell(f: DerivedFlow): string {
  const from = f.fromVersion === null ? 'new' : escapeText(f.fromVersion);
  let out = f.toVersion !== null ? `${from} → ${escapeText(f.toVersion)}` : f.fromVersion === null ? '—' : from;
  if (f.rollback)
    out += f.rollback.ok ? ` ↩ ${f.finalVersion === null ? 'deleted' : escapeText(f.finalVersion)}` : ' ↩ ❌';
  return out;
}

const STATUS_TEXT: Record<DerivedFlow['status'], string> = {
  planned: '📋 planned',
  unchanged: '➖ unchanged',
  skipped: '⏭️ skipped',
  refused: '⛔ refused',
  'not-started': '⏸️ not started',
  publishing: '⏳ publishing',
  published: '✅ published',
  'publish-failed': '❌ publish failed',
  'rolled-back': '↩️ rolled back',
  'rollback-failed': '🚨 rollback failed'
};

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => c || ' ').join(' | ')} |`)
  ];
}

function stagesSection(d: DerivedRelease): string[] {
  const rows: string[][] = [];
  const byName = new Map(d.flows.map((f) => [f.name, f]));
  const placed = new Set<string>();
  for (const st of d.stages) {
    const checks = stageCheckTexts(d.checks.filter((c) => c.stage === st.name));
    const stageChecks = checks.filter((c) => !c.flow || !st.flows.includes(c.flow));
    const names = st.flows.length ? st.flows : [''];
    names.forEach((name, i) => {
      const f = byName.get(name);
      if (name) placed.add(name);
      const cellChecks = [...(i === 0 ? stageChecks : []), ...checks.filter((c) => c.flow === name && name)];
      const stageLabel =
        i === 0
          ? `${escapeText(st.name)}${st.status === 'failed' ? ' ❌' : st.status === 'succeeded' ? ' ✅' : ''}`
          : '';
      rows.push([
        stageLabel,
        name ? escapeText(name) : '—',
        f?.action ? escapeText(f.action) : '—',
        f ? versionCell(f) : '—',
        f ? STATUS_TEXT[f.status] : '—',
        cellChecks.map((c) => c.text).join('<br>') || (i === 0 && st.checks.length ? 'not run' : '—')
      ]);
    });
  }
  for (const f of d.flows) {
    if (placed.has(f.name)) continue;
    rows.push([
      '—',
      escapeText(f.name),
      f.action ? escapeText(f.action) : '—',
      versionCell(f),
      STATUS_TEXT[f.status],
      '—'
    ]);
  }
  if (!rows.length) return [];
  const out = ['### Stages', '', ...table(['Stage', 'Flow', 'Action', 'Version', 'Result', 'Checks'], rows), ''];
  const failed = d.stages.filter((s) => s.status === 'failed' && s.reason);
  for (const s of failed) out.push(`**Stage ${escapeText(s.name)} failed:** ${escapeText(s.reason)}`, '');
  return out;
}

function planSection(d: DerivedRelease): string[] {
  if (!d.flows.length) return [];
  const rows = d.flows.map((f) => {
    const notes = [escapeText(f.reason ?? '')];
    if (f.drift) {
      notes.push(
        `⚠️ drift: release record says ${escapeText(f.drift.recordedVersion)}, org has ${escapeText(f.drift.actualVersion ?? 'none')}`
      );
    }
    if (f.lockedBy) notes.push(`🔒 locked by ${escapeText(f.lockedBy)}`);
    if (f.error) notes.push(`⛔ ${escapeText(f.error)}`);
    return [
      escapeText(f.stage ?? '—'),
      escapeText(f.name),
      escapeText(f.type ?? '—'),
      f.action ? `**${escapeText(f.action)}**` : '—',
      f.fromVersion === null ? 'none' : escapeText(f.fromVersion),
      escapeText(f.source ?? '—'),
      notes.filter(Boolean).join('<br>')
    ];
  });
  const out = [
    '### Plan',
    '',
    ...table(['Stage', 'Flow', 'Type', 'Action', 'Published version', 'Source', 'Reason'], rows),
    ''
  ];
  const withChecks = d.stages.filter((s) => s.checks.length || s.bakeMs);
  if (withChecks.length) {
    out.push(
      ...table(
        ['Stage', 'Bake', 'Checks'],
        withChecks.map((s) => [
          escapeText(s.name),
          s.bakeMs ? formatDuration(s.bakeMs) : '—',
          s.checks.map((c) => escapeText(c)).join(', ') || '—'
        ])
      ),
      ''
    );
  }
  return out;
}

function rollbackSection(d: DerivedRelease): string[] {
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

function validationSection(d: DerivedRelease): string[] {
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

function listSection(title: string, items: string[]): string[] {
  if (!items.length) return [];
  const out = [`### ${title}`, '', ...items.slice(0, MAX_LIST_ITEMS).map((m) => `- ${escapeText(m)}`)];
  if (items.length > MAX_LIST_ITEMS) out.push(`- …and ${items.length - MAX_LIST_ITEMS} more in the audit log.`);
  return [...out, ''];
}

function linksSection(d: DerivedRelease, links: SummaryLinks): string[] {
  const parts: string[] = [];
  const run = safeUrl(links.runUrl);
  const artifact = safeUrl(links.artifactUrl);
  const commit = safeUrl(links.commitUrl);
  if (run) parts.push(`[Workflow run](${run})`);
  if (artifact) parts.push(`[Audit log artifact](${artifact})`);
  else if (d.artifact?.localPath) parts.push(`Audit log written to ${escapeText(d.artifact.localPath)}`);
  if (commit)
    parts.push(`[Release commit${d.commit?.sha ? ` ${escapeText(d.commit.sha.slice(0, 7))}` : ''}](${commit})`);
  else if (d.commit?.sha) parts.push(`Release commit ${escapeText(d.commit.sha.slice(0, 7))}`);
  return parts.length ? ['### Links', '', parts.join(' · '), ''] : [];
}

/** Cuts whole lines so the text fits in `maxBytes`, ending with a note that says so. */
export function capSummary(markdown: string, maxBytes = MAX_SUMMARY_BYTES): string {
  const total = Buffer.byteLength(markdown, 'utf8');
  if (total <= maxBytes) return markdown;
  const note = (shown: number) =>
    `\n> ⚠️ **Summary truncated**: showing ${shown} of ${total} bytes (GitHub limits a step summary to 1 MiB). The audit log artifact holds the full record.\n`;
  const budget = maxBytes - Buffer.byteLength(note(total), 'utf8');
  const kept: string[] = [];
  let used = 0;
  for (const line of markdown.split('\n')) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
  }
  return kept.join('\n') + '\n' + note(used);
}

export function buildSummary(events: readonly JournalEvent[], links: SummaryLinks = {}): string {
  const d = deriveRelease(events);
  const out: string[] = [];
  out.push(`## ${OUTCOME_HEAD[d.outcome]}`, '');
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

  if (d.outcome === 'planned') out.push(...planSection(d));
  else if (!(d.outcome === 'failed' && d.validationIssues.length && !d.stages.some((s) => s.startedAt))) {
    out.push(...stagesSection(d));
  }
  out.push(...rollbackSection(d));
  out.push(...validationSection(d));
  out.push(...listSection('Errors', d.errors));
  out.push(...listSection('Warnings', d.warnings));
  if (d.commit?.error) out.push(`**Commit failed:** ${escapeText(d.commit.error)}`, '');
  out.push(...linksSection(d, links));
  const last = events.at(-1);
  if (last) out.push(`<sub>Journal: ${events.length} events, head sha256 ${hashEvent(last)}</sub>`, '');
  return capSummary(out.join('\n'));
}

/** The part of `core.summary` this module needs; tests pass a fake. */
export interface SummarySink {
  addRaw(text: string, addEOL?: boolean): { write(): Promise<unknown> };
}

/**
 * Appends the Markdown to the job summary. Returns false (and writes nothing) off a runner, where the default
 * `core.summary` has no GITHUB_STEP_SUMMARY file to write to.
 */
export async function writeSummary(markdown: string, summary?: SummarySink): Promise<boolean> {
  if (!summary && !process.env.GITHUB_STEP_SUMMARY) return false;
  await (summary ?? core.summary).addRaw(capSummary(markdown), true).write();
  return true;
}
