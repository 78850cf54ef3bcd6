import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { buildSummary } from '../../src/evidence/summary.ts';
import { renderSummaryForTerminal } from '../../src/evidence/terminal.ts';
import { scenario } from './fixtures.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function rendered(name: Parameters<typeof scenario>[0]): string {
  const s = scenario(name);
  dirs.push(s.dir);
  return renderSummaryForTerminal(buildSummary(s.journal.events, { runUrl: 'https://github.com/o/r/actions/runs/1' }));
}

describe('renderSummaryForTerminal', () => {
  it('renders the summary of every outcome as plain text: no Markdown syntax, entities or HTML left', () => {
    for (const name of ['succeeded', 'rolled-back', 'rollback-failed', 'failed-validation', 'planned'] as const) {
      const text = rendered(name);
      expect(text).not.toMatch(/^#{1,6} |\*\*|&(amp|lt|gt|quot|#37|#58);|<\/?(br|sub)>|^\|/m);
      expect(text.endsWith('\n')).toBe(true);
    }
  });

  it('underlines headings, aligns tables and shows links as text (url)', () => {
    const text = renderSummaryForTerminal(
      [
        '## ✅ Done',
        '',
        '**Release rel\\_1 &amp; more**',
        '',
        '| Stage | Flow |',
        '| --- | --- |',
        '| canary | Callback\\|Workflow |',
        '| everything | Support IVR |',
        '',
        '[Workflow run](https://github.com/o/r/actions/runs/1) · <sub>Journal</sub>'
      ].join('\n')
    );
    expect(text).toBe(
      [
        '✅ Done',
        '=======',
        '',
        'Release rel_1 & more',
        '',
        'Stage       Flow',
        '----------  -----------------',
        'canary      Callback|Workflow',
        'everything  Support IVR',
        '',
        'Workflow run (https://github.com/o/r/actions/runs/1) · Journal',
        ''
      ].join('\n')
    );
  });

  it('counts wide emoji as two columns when aligning', () => {
    expect(renderSummaryForTerminal('| A | B |\n| - | - |\n| ✅ ok | x |\n| plain | y |')).toBe(
      'A      B\n-----  -\n✅ ok  x\nplain  y\n'
    );
  });

  it('never lets a control character through', () => {
    expect(renderSummaryForTerminal('a\u001b[31mred\u0007')).toBe('a[31mred\n');
  });
});
