import { describe, expect, it } from '@jest/globals';
import type { JournalEvent } from '../../src/journal/events.ts';
import {
  buildSummary,
  capSummary,
  escapeText,
  formatMeasurement,
  MAX_SUMMARY_BYTES,
  safeUrl
} from '../../src/evidence/summary.ts';
import { writeSummary } from '../../src/action/summary-sink.ts';
import { newJournal, scenario, type Scenario } from './fixtures.ts';

const LINKS = {
  runUrl: 'https://github.com/acme/contact-centre/actions/runs/1001',
  artifactUrl: 'https://github.com/acme/contact-centre/actions/runs/1001/artifacts/55',
  commitUrl: 'https://github.com/acme/contact-centre/commit/fedcba9876543210fedcba9876543210fedcba98'
};

describe('buildSummary snapshots', () => {
  it.each<Scenario>(['succeeded', 'rolled-back', 'rollback-failed', 'failed-validation', 'planned'])('%s', (name) => {
    const md = buildSummary(scenario(name).journal.events, LINKS);
    expect(md).toMatchSnapshot();
  });

  it('puts the outcome first, with the reason on the next line', () => {
    const lines = buildSummary(scenario('rolled-back').journal.events, LINKS).split('\n');
    expect(lines[0]).toBe('## ↩️ Flow Release rolled back');
    expect(lines[2]).toBe(
      '**Rolled back 2 flows (verified) after stage everything: check outcome-failures failed: failure rate 0.12 &gt; max 0.05**'
    );
  });

  it('shows measured value vs threshold and rollback expected vs actual', () => {
    const md = buildSummary(scenario('rollback-failed').journal.events, LINKS);
    expect(md).toContain('❌ outcome-failures: failure rate 0.12 > max 0.05 (140 samples, previous 0.01)');
    expect(md).toContain(
      '| Support IVR | delete | deleted | version 1.0 | 3 | ❌ failed: flow is locked by Jane Doe |'
    );
    // A republish restores old content as a new version: never implies that version 3.0 itself is live again.
    expect(md).toContain('| Callback Workflow | republish | content of 3.0 | 5.0 (content matches) | 1 | ✅ ok |');
    expect(md).toContain('new → 1.0 ↩ ❌');
  });

  it('shows the failing measurement, and the re-check after rollback as such', () => {
    const md = buildSummary(scenario('rolled-back').journal.events, LINKS);
    expect(md).toContain(
      '| ❌ outcome-failures: failure rate 0.12 > max 0.05 (140 samples, previous 0.01) (round 2)<br>' +
        'after rollback: ✅ failure rate 0.01 ≤ max 0.05 (51 samples, previous 0.01) |'
    );
  });

  it('shows validation issues as file:line field message, and no stage table', () => {
    const md = buildSummary(scenario('failed-validation').journal.events, LINKS);
    expect(md).toContain(
      '| genesys/release.yml:12:5 | stages\\[1\\].checks\\[0\\] | unknown check &quot;outcome-failure&quot;'
    );
    expect(md).not.toContain('### Stages');
  });

  it('links only to http(s) URLs and says where a local audit log went', () => {
    const { journal } = scenario('succeeded');
    const md = buildSummary(journal.events, {
      runUrl: 'javascript:alert(1)',
      commitUrl: 'https://x.test/c/(evil)',
      auditLocalPath: '/tmp/out/a'
    });
    expect(md).not.toContain('javascript:');
    expect(md).toContain('Audit log written to /tmp/out/a');
    expect(md).toContain('(https://x.test/c/%28evil%29)');
  });

  it('summarises a cancelled run that never finished', () => {
    const { journal } = newJournal();
    const full = scenario('succeeded').journal.events.slice(0, 6) as JournalEvent[];
    for (const e of full) journal.append(e.type, { ...e } as never);
    journal.append('cancelled', { status: 'warning', details: { signal: 'SIGTERM' } });
    const md = buildSummary(journal.events);
    expect(md.split('\n')[0]).toBe('## ❌ Flow Release failed');
    expect(md).toContain('The run was cancelled (SIGTERM) before the release finished');
  });
});

describe('escaping hostile text', () => {
  const HOSTILE = [
    '::add-mask::x',
    '::stop-commands::token',
    'line1\nline2\r\n::error::injected',
    'a%0A::warning::b%0D',
    '<script>alert(1)</script>',
    'pipe | in | name',
    '*bold* _em_ [link](https://evil.test) ![img](x) `code` # h',
    '\u202eevil\u0000'
  ];

  it.each(HOSTILE)('escapeText(%j) is one inert line', (text) => {
    const out = escapeText(text);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\r\n\u0000\u202e]/);
    expect(out).not.toContain('::');
    expect(out).not.toMatch(/%0[AD]/i);
    expect(out).not.toMatch(/<[a-z/]/i);
    expect(out).not.toMatch(/(^|[^\\])\|/);
    expect(out).not.toMatch(/(^|[^\\])[*_[\]`]/);
  });

  it('hostile flow, stage, check names and API messages cannot change the summary structure', () => {
    const build = (bad: (i: number) => string) => {
      const { journal } = newJournal();
      journal.append('release-started', {
        status: 'info',
        details: {
          releaseId: 'rel-1',
          command: 'deploy',
          toolVersion: '0.1.0',
          target: { apiUrl: 'https://api.example.test', loginUrl: 'https://login.example.test' },
          github: {},
          manifest: 'm.yml'
        }
      });
      const names = [bad(0), bad(1)];
      journal.append('plan', {
        status: 'info',
        details: {
          flows: names.map((n) => ({
            name: n,
            type: 'inboundcall',
            stage: bad(2),
            action: 'update' as const,
            source: 'file' as const,
            publishedVersion: '1.0',
            reason: bad(3)
          })),
          stages: [{ name: bad(2), flows: names, bakeMs: 0, checks: [bad(4)] }]
        }
      });
      journal.append('stage-started', {
        stage: bad(2),
        status: 'info',
        details: { index: 0, name: bad(2), flows: names }
      });
      journal.append('publish-failed', {
        stage: bad(2),
        flow: names[0],
        status: 'error',
        details: { error: bad(5), messages: [bad(6)] }
      });
      journal.append('check-result', {
        stage: bad(2),
        status: 'error',
        details: {
          check: bad(4),
          kind: 'http',
          round: 1,
          result: 'fail',
          measured: { status: bad(7) },
          expected: { status: 200 },
          message: bad(7)
        }
      });
      journal.append('stage-failed', { stage: bad(2), status: 'error', details: { name: bad(2), reason: bad(5) } });
      journal.append('rollback-started', { status: 'warning', details: { reason: bad(5), flows: names } });
      const r = {
        name: names[0]!,
        type: 'inboundcall',
        flowId: 'f1',
        action: 'republish' as const,
        attempts: 1,
        ok: false,
        expected: { version: '1.0' },
        actual: { version: bad(1) },
        error: bad(6)
      };
      journal.append('rollback-finished', { status: 'error', details: { ok: false, flows: [r] } });
      journal.append('error', { status: 'error', details: { message: bad(0) } });
      journal.append('warning', { status: 'warning', details: { message: bad(3) } });
      journal.append('release-finished', {
        status: 'error',
        details: {
          outcome: 'rollback-failed',
          durationMs: 1,
          published: [],
          api: { calls: 1, callsByEndpoint: {}, retries: 0, throttled: 0 },
          message: bad(5)
        }
      });
      return buildSummary(journal.events);
    };
    const benign = build((i) => `name${i}`);
    const hostile = build((i) => HOSTILE[i % HOSTILE.length]!);
    const shape = (md: string) => md.split('\n').map((l) => (l.match(/(?<!\\)\|/g) ?? []).length);
    // Same number of lines and the same number of real (unescaped) cell separators on every line.
    expect(shape(hostile)).toEqual(shape(benign));
    const body = hostile.replace(/<br>|<\/?sub>/g, '');
    expect(body).not.toMatch(/^::/m);
    expect(body).not.toContain('::');
    expect(body).not.toMatch(/%0[AD]/i);
    expect(body).not.toMatch(/<[a-z/]/i);
    expect(body).not.toMatch(/(?<!\\)\]\(/); // no live link: every ] is escaped
    expect(body).toContain('&lt;script&gt;');
    expect(body).toContain('pipe \\| in \\| name');
  });

  it('safeUrl rejects non-http schemes and encodes link-breaking characters', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    expect(safeUrl('https://github.com/a/b/actions/runs/1')).toBe('https://github.com/a/b/actions/runs/1');
    expect(safeUrl('https://x.test/a)b')).toBe('https://x.test/a%29b');
  });
});

describe('measurements', () => {
  const base = { check: 'c', round: 1, message: 'm', measured: {}, expected: {} };
  it('formats each check kind as measured vs threshold', () => {
    expect(
      formatMeasurement({
        ...base,
        kind: 'analytics',
        result: 'fail',
        measured: { failureRate: 0.12, samples: 140 },
        expected: { max: 0.05, minSamples: 20 }
      })
    ).toBe('failure rate 0.12 > max 0.05 (140 samples)');
    expect(
      formatMeasurement({
        ...base,
        kind: 'analytics',
        result: 'pass-with-warning',
        measured: { failureRate: 0, samples: 5 },
        expected: { max: 0.05, minSamples: 20 }
      })
    ).toBe('insufficient data: 5 samples < min 20 (passed with warning)');
    expect(
      formatMeasurement({
        ...base,
        kind: 'execution',
        result: 'fail',
        measured: { status: 'FAILED' },
        expected: { status: 'COMPLETED' }
      })
    ).toBe('status FAILED ≠ expected COMPLETED');
    expect(
      formatMeasurement({ ...base, kind: 'http', result: 'fail', measured: { status: 503 }, expected: { status: 200 } })
    ).toBe('HTTP 503 ≠ expected 200');
    expect(formatMeasurement({ ...base, kind: 'http', result: 'inconclusive', message: 'timed out' })).toBe(
      'timed out'
    );
  });
});

describe('1 MiB cap', () => {
  it('truncates at a line boundary with a note and stays under the limit', () => {
    // A plan with thousands of flows with long (multi-byte) names: several MiB of table rows.
    const { journal } = newJournal();
    const flows = Array.from({ length: 3000 }, (_, i) => ({
      name: `flow ${i} ${'é'.repeat(400)}`,
      type: 'inboundcall',
      stage: 'all',
      action: 'update' as const,
      source: 'file' as const,
      publishedVersion: '1.0',
      reason: 'ü'.repeat(400)
    }));
    journal.append('plan', {
      status: 'info',
      details: { flows, stages: [{ name: 'all', flows: flows.map((f) => f.name), bakeMs: 0, checks: [] }] }
    });
    journal.append('release-finished', {
      status: 'ok',
      details: {
        outcome: 'planned',
        durationMs: 1,
        published: [],
        api: { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 }
      }
    });
    const md = buildSummary(journal.events);
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(Buffer.byteLength(md, 'utf8')).toBeGreaterThan(MAX_SUMMARY_BYTES - 4096);
    expect(md).toMatch(/\*\*Summary truncated\*\*: showing \d+ of \d+ bytes/);
    expect(md.split('\n')[0]).toBe('## 📋 Flow Release planned');
    expect(md).not.toContain('\uFFFD');
  });

  it('capSummary leaves short text alone and cuts long text to the byte budget', () => {
    expect(capSummary('short')).toBe('short');
    const long = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(50)}`).join('\n');
    const cut = capSummary(long, 2000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2000);
    expect(cut.startsWith('line 0 ')).toBe(true);
    expect(cut).toMatch(/showing \d+ of \d+ bytes/);
  });
});

describe('writeSummary', () => {
  it('appends the markdown through the summary sink and writes it', async () => {
    const calls: string[] = [];
    const sink = {
      addRaw(text: string, eol?: boolean) {
        calls.push(`add:${text}:${String(eol)}`);
        return { write: async () => void calls.push('write') };
      }
    };
    await expect(writeSummary('# hi', sink)).resolves.toBe(true);
    expect(calls).toEqual(['add:# hi:true', 'write']);
  });

  it('does nothing off a runner (no GITHUB_STEP_SUMMARY)', async () => {
    const saved = process.env.GITHUB_STEP_SUMMARY;
    delete process.env.GITHUB_STEP_SUMMARY;
    try {
      await expect(writeSummary('# hi')).resolves.toBe(false);
    } finally {
      if (saved !== undefined) process.env.GITHUB_STEP_SUMMARY = saved;
    }
  });
});
