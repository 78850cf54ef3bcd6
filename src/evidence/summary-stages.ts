// The stage and plan tables of the step summary: stages × flows with their checks' measurements (each described by
// its check kind). Every value from a person or an API goes through escapeText.
import { describeMeasurement } from '../checks/describe.ts';
import type { CheckMeasurement } from '../domain/types.ts';
import { formatDuration, type DerivedCheck, type DerivedFlow, type DerivedRelease } from '../journal/derive.ts';
import { escapeText, MARKDOWN, table } from './markdown.ts';

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

export function stagesSection(d: DerivedRelease): string[] {
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

export function planSection(d: DerivedRelease): string[] {
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
