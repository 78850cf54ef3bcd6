// Property: any map of input values gives either valid Inputs or one InputError, and the client secret or token
// never appears in the error message, even when pasted into other inputs.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { getInputs, InputError } from '../../src/action/inputs.ts';
import { Redactor } from '../../src/common/redact.ts';
import { check } from '../manifest/fc-settings.ts';

const NAMES = [
  'command',
  'manifest',
  'region',
  'api-url',
  'login-url',
  'flows',
  'commit-artifacts',
  'audit-artifact-name',
  'client-id'
] as const;
const PLAUSIBLE = [
  '',
  'deploy',
  'plan',
  'rollback',
  'Deploy',
  'delpoy',
  'mypurecloud.com',
  'usw2.pure.cloud',
  'https://mypurecloud.com',
  'http://127.0.0.1:8787',
  'https://api.example.com',
  'http://api.example.com',
  'https://u:p@x.com',
  'true',
  'NO',
  'maybe',
  'flow-release-audit',
  'a/b',
  'x'.repeat(101),
  'A, B,,C',
  'client-1',
  ' id with space ',
  '\n',
  '::add-mask::x',
  '%0A'
];

const secretArb = fc.string({ unit: 'binary', minLength: 8, maxLength: 40 });

describe('getInputs properties', () => {
  it('returns Inputs or throws InputError, and never leaks the secret or token', async () => {
    const arb = fc.tuple(secretArb, secretArb).chain(([secret, token]) => {
      const value = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE) },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.string({ maxLength: 5 }),
              fc.constantFrom(secret, token, secret.toUpperCase()),
              fc.string({ maxLength: 5 })
            )
            .map((p) => p.join(''))
        }
      );
      return fc.tuple(
        fc.constant(secret),
        fc.constant(token),
        fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: NAMES.length })
      );
    });
    await check(
      'inputs',
      fc.asyncProperty(arb, async ([secret, token, map]) => {
        const values: Record<string, string> = { ...map, 'client-secret': secret, 'github-token': token };
        let result: unknown;
        try {
          result = getInputs((n) => values[n] ?? '', new Redactor());
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          const err = e as InputError;
          expect(err.problems.length).toBeGreaterThan(0);
          expect(err.message).not.toContain(secret);
          expect(err.message).not.toContain(token);
          return;
        }
        const r = result as ReturnType<typeof getInputs>;
        expect(['deploy', 'plan', 'rollback']).toContain(r.command);
        expect(r.clientSecret).toBe(secret);
        expect(r.region !== undefined || (r.apiUrl !== undefined && r.loginUrl !== undefined)).toBe(true);
        expect(r.auditArtifactName.length).toBeLessThanOrEqual(100);
      })
    );
  });
});
