// The step summary of `command: doctor`: one table of the probes (a pure function of the `doctor-probe` events).
import type { DerivedRelease } from '../journal/derive.ts';
import { escapeText, table } from './markdown.ts';

const RESULT: Record<string, string> = { ok: '✅ ok', warn: '⚠️ warn', fail: '❌ fail', skipped: '➖ skipped' };

export function doctorSection(d: DerivedRelease): string[] {
  if (d.command !== 'doctor') return [];
  if (!d.probes.length) return ['### Probes', '', 'No probe ran.', ''];
  return [
    '### Probes',
    '',
    ...table(
      ['Probe', 'Result', 'Observed', 'What to do'],
      d.probes.map((p) => [
        `${escapeText(p.name)}${p.required ? ' (required)' : ''}`,
        RESULT[p.result] ?? escapeText(p.result),
        escapeText(p.observed, 600),
        p.fix ? `${p.result === 'skipped' ? 'why: ' : ''}${escapeText(p.fix, 400)}` : ''
      ])
    ),
    '',
    'Read-only: the only request that creates anything is one Architect job registered and never uploaded; no API ' +
      'deletes or cancels an Architect job, and an unused registered job expires on its own. Export jobs and analytics ' +
      'queries are POSTs that change no flow.',
    ''
  ];
}
