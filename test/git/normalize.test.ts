import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import {
  comparableExport,
  contentHash,
  normalizeExport,
  sameContent,
  stripExportHeader
} from '../../src/git/normalize.ts';

const EXPORT = [
  '# Exported by Genesys Cloud Architect emulator at 2025-01-02T03:04:05.678Z',
  '# flow: Support IVR',
  '',
  'inboundCall:   ',
  '    name: "Support IVR"',
  "    description: 'It''s the main line'",
  '    division: Home',
  '    startUpRef: "./menus/menu[Main Menu]"',
  '    defaultLanguage: en-us',
  '    queueCode: "123"',
  '    enabled: "true"',
  '    supportedLanguages: {en-us: {defaultLanguageSkill: {noValue: true}}}',
  '    tags: []',
  '    # an inline comment',
  '    greeting: |',
  '      Welcome.',
  '      Please hold.',
  '    menus:',
  '    - menu:',
  '        name: Main Menu',
  '        audio: \'Tts("Hello: world")\' # trailing comment',
  ''
].join('\r\n');

describe('normalizeExport', () => {
  it('strips the export header, comments, CRLF and trailing whitespace and restyles consistently', () => {
    expect(normalizeExport(EXPORT)).toBe(
      [
        'inboundCall:',
        '  name: Support IVR',
        "  description: It's the main line",
        '  division: Home',
        '  startUpRef: ./menus/menu[Main Menu]',
        '  defaultLanguage: en-us',
        '  queueCode: "123"',
        '  enabled: "true"',
        '  supportedLanguages:',
        '    en-us:',
        '      defaultLanguageSkill:',
        '        noValue: true',
        '  tags: []',
        '  greeting: |',
        '    Welcome.',
        '    Please hold.',
        '  menus:',
        '    - menu:',
        '        name: Main Menu',
        '        audio: \'Tts("Hello: world")\'',
        ''
      ].join('\n')
    );
  });

  it('is idempotent and independent of the export time', () => {
    const once = normalizeExport(EXPORT);
    expect(normalizeExport(once)).toBe(once);
    const later = EXPORT.replace('2025-01-02T03:04:05.678Z', '2030-12-31T23:59:59.999Z');
    expect(normalizeExport(later)).toBe(once);
    expect(contentHash(normalizeExport(later))).toBe(contentHash(once));
  });

  it('keeps key order as written (Archy order is meaningful)', () => {
    const out = normalizeExport('z: 1\na: 2\n"10": x\nm: {y: 1, b: 2}\n');
    expect(out).toBe('z: 1\na: 2\n"10": x\nm:\n  y: 1\n  b: 2\n');
  });

  it('ends with exactly one newline and handles empty input', () => {
    expect(normalizeExport('a: 1\n\n\n\n')).toBe('a: 1\n');
    expect(normalizeExport('a: 1')).toBe('a: 1\n');
    expect(normalizeExport('# only a header\n')).toBe('');
  });

  it('falls back to text normalisation for YAML that does not parse', () => {
    const broken = '# header\r\nkey: [unclosed   \r\n';
    expect(normalizeExport(broken)).toBe('key: [unclosed\n');
  });

  it('is idempotent and value-preserving for arbitrary documents', () => {
    const value = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })
      ),
      { minKeys: 1, maxKeys: 6 }
    );
    fc.assert(
      fc.property(value, fc.boolean(), (doc, flow) => {
        const text = `# Exported at ${Date.now()}\n${stringify(doc, flow ? { collectionStyle: 'flow' } : {})}`;
        const once = normalizeExport(text);
        expect(normalizeExport(once)).toBe(once);
        expect(sameContent(text, once)).toBe(true);
        expect(parse(once)).toEqual(doc);
      }),
      { seed: 4242, numRuns: 300 }
    );
  });
});

describe('contentHash and sameContent', () => {
  it('hashes UTF-8 text with sha256', () => {
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(contentHash('é')).toBe(contentHash(Buffer.from('é', 'utf8').toString()));
  });

  it('compares normalised forms', () => {
    expect(sameContent(EXPORT, normalizeExport(EXPORT))).toBe(true);
    expect(sameContent('a: "x"\n', "a: 'x'   \r\n")).toBe(true);
    expect(sameContent('a: 1\nb: 2\n', 'b: 2\na: 1\n')).toBe(false);
    expect(sameContent('a: "1"\n', 'a: 1\n')).toBe(false);
  });
});

describe('stripExportHeader', () => {
  it('drops the header comments an export puts on top (never uploaded back), keeping the body as it is', () => {
    const body = 'inboundCall:\n  name: Support IVR   # keep\n  description: "x"\n';
    expect(stripExportHeader(`# Exported by Genesys Cloud Architect emulator at 2026-01-01T00:00:00Z\n${body}`)).toBe(
      body
    );
    expect(stripExportHeader(`\uFEFF# a\r\n#b\r\n\r\n${body.replace(/\n/g, '\r\n')}`)).toBe(body);
    expect(stripExportHeader(body)).toBe(body);
  });
});

describe('normalizeExport keeps whitespace that is content', () => {
  it('parses before anything else: trailing spaces inside a block scalar survive', () => {
    const text = 'a:\n  exp: |\n    Append("You typed", \n      Input)\n';
    expect(parse(normalizeExport(text))).toEqual(parse(text));
    expect(normalizeExport(text)).toContain('"You typed", \n');
  });

  it('two spellings of the same value normalise to the same text', () => {
    const quoted = 'a:\n  exp: "Append(\\"You typed\\", \\n  Input)"\n';
    const block = 'a:\n  exp: |-\n    Append("You typed", \n      Input)\n';
    expect(parse(quoted)).toEqual(parse(block));
    expect(normalizeExport(quoted)).toBe(normalizeExport(block));
  });
});

describe('comparableExport', () => {
  const rendered = (n: number, m: number, header = '') =>
    `${header}inboundCall:\n  name: IVR\n  startUpRef: "/inboundCall/menus/menu[Main Menu_${n}]"\n  menus:\n` +
    `    - menu:\n        name: Main Menu\n        refId: Main Menu_${n}\n        choices:\n` +
    `          - menuTask:\n              targetTaskRef: "/inboundCall/tasks/task[Route_${m}]"\n` +
    `  tasks:\n    - task:\n        name: Route\n        refId: Route_${m}\n        text: "You typed "\n`;

  it('renumbers refIds and their references canonically, ignores header comments and layout', () => {
    expect(comparableExport(rendered(10, 20))).toBe(comparableExport(rendered(40, 70, '# Exported at now\n')));
    expect(comparableExport(rendered(10, 20))).toContain('"refId":"Main Menu_#1"');
    expect(comparableExport(rendered(10, 20))).toContain('menu[Main Menu_#1]');
    expect(comparableExport(rendered(10, 20))).toContain('task[Route_#2]');
  });

  it('keeps whitespace inside strings and key order significant', () => {
    expect(comparableExport(rendered(10, 20))).not.toBe(
      comparableExport(rendered(10, 20).replace('"You typed "', '"You typed"'))
    );
    expect(comparableExport('a: 1\nb: 2\n')).not.toBe(comparableExport('b: 2\na: 1\n'));
    expect(comparableExport('a: "x"\n')).toBe(comparableExport("# h\na: 'x'\n"));
  });

  it('references to different objects stay different', () => {
    const swapped = rendered(10, 20).replace('task[Route_20]', 'menu[Main Menu_10]');
    expect(comparableExport(swapped)).not.toBe(comparableExport(rendered(10, 20)));
  });
});
