import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { toPlainJson, toRedactedPlainJson } from '../../src/journal/journal.ts';
import { Redactor } from '../../src/common/redact.ts';

/** The redactor as it was before the hot-path work: sort every call, split/join every secret, every pattern. */
function reference(secrets: string[], text: string): string {
  const PATTERNS: [RegExp, string][] = [
    [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, '$1 ***'],
    [/("?(?:access_token|client_secret|refresh_token|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***'],
    [/(https?:\/\/[^\s"'?#]+)\?[^\s"'#]*/gi, '$1?***']
  ];
  let out = text;
  for (const s of [...new Set(secrets)].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

function formsOf(secret: string): string[] {
  return secret.length < 4 ? [] : [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

describe('Redactor', () => {
  it('replaces every registered form, longest first, and the patterns', () => {
    const r = new Redactor();
    r.addBasic('client-id', 's3cr3t-value');
    r.add('s3cr3t'); // contained in the longer secret: the longer one must still be replaced whole
    const basic = Buffer.from('client-id:s3cr3t-value').toString('base64');
    expect(r.redact(`a s3cr3t-value b s3cr3t c ${basic}`)).toBe('a *** b *** c ***');
    expect(r.redact('Authorization: Bearer abcdefgh12345')).toBe('Authorization: Bearer ***');
    expect(r.redact('{"access_token":"tok-123"}')).toBe('{"access_token":"***"}');
    expect(r.redact('get https://x.example/a/b?sig=1&e=2 now')).toBe('get https://x.example/a/b?*** now');
    expect(r.redact('')).toBe('');
  });

  it('a secret registered after earlier calls is redacted from then on (the sorted list is rebuilt)', () => {
    const r = new Redactor();
    expect(r.redact('late-secret-1 here')).toBe('late-secret-1 here');
    r.add('late-secret-1');
    expect(r.redact('late-secret-1 here')).toBe('*** here');
    r.add('late-secret-1-longer');
    expect(r.redact('late-secret-1-longer')).toBe('***');
  });

  it('returns the same string object when there is nothing to redact (no copies on the hot path)', () => {
    const r = new Redactor();
    r.add('some-secret-value');
    const line = 'Published "Bench IVR 001": 1.0 → 2.0 at https://api.example.com/api/v2/flows/abc';
    expect(r.redact(line)).toBe(line);
  });

  it('matches the straightforward implementation on arbitrary text and secrets (property)', () => {
    const piece = fc.constantFrom('Bearer ', 'basic ', 'access_token=', '"password": "', 'https://h.io/p?', '?', '&');
    const text = fc.array(fc.oneof(fc.string({ maxLength: 12 }), piece), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 10 }), { maxLength: 4 }), text, (secrets, t) => {
        const r = new Redactor();
        for (const s of secrets) r.add(s);
        const forms = secrets.flatMap(formsOf);
        // Plant the secrets in the text too, so they are actually found.
        const planted = `${t}${forms.join(' ')}${t}`;
        expect(r.redact(planted)).toBe(reference(forms, planted));
        expect(r.redact(t)).toBe(reference(forms, t));
      }),
      { numRuns: 300 }
    );
  });
});

describe('toRedactedPlainJson', () => {
  it('equals redactDeep(toPlainJson(value)) (property), errors, dates and cycles included', () => {
    const r = new Redactor();
    r.add('hunter2-secret');
    const leaf = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constant('x hunter2-secret y'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(new Error('boom hunter2-secret')),
      fc.constant(new Date(0)),
      fc.bigInt()
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 5 }), fc.constant('hunter2-secret')), tie('node'), { maxKeys: 4 })
      )
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(toRedactedPlainJson(v, r)).toEqual(r.redactDeep(toPlainJson(v)));
      }),
      { numRuns: 300 }
    );
    const cyclic: Record<string, unknown> = { a: 'hunter2-secret' };
    cyclic.self = cyclic;
    expect(toRedactedPlainJson(cyclic, r)).toEqual({ a: '***', self: '[circular]' });
  });
});

describe('safeText', () => {
  it('redacts, defuses workflow commands and normalises line breaks; plain lines come back unchanged', async () => {
    const { safeText } = await import('../../src/action/logger.ts');
    const { redactor } = await import('../../src/common/redact.ts');
    redactor.add('safe-text-secret');
    const plain = 'Published "Bench IVR 001": 1.0 → 2.0';
    expect(safeText(plain)).toBe(plain);
    expect(safeText('x safe-text-secret y')).toBe('x *** y');
    expect(safeText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(safeText('ok\n::set-output name=x::1')).toBe('ok\n\u2063:\u2063:set-output name=x:\u2063:1');
    expect(safeText('see ##[error]x')).toBe('see #\u2063#[error]x');
    expect(safeText('a::b')).toBe('a::b');
  });
});
