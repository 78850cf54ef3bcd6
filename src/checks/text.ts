// Helpers for kinds' descriptions of their measurements, and the plain rendering the audit uses.
import type { CheckMeasurement } from '../domain/types.ts';
import type { TextKit } from './types.ts';

/**
 * "status FAILED ≠ expected COMPLETED", "HTTP 503 ≠ expected 200": for kinds whose measurement has a `status` and an
 * expected `status`. A failure with the expected status (e.g. a missing output) adds the message that says why.
 */
export function describeStatus(label: string, m: CheckMeasurement, kit: TextKit): string | undefined {
  const measured = m.measured ?? {};
  const expected = m.expected ?? {};
  if (measured.status === undefined || expected.status === undefined) return undefined;
  const same = String(measured.status) === String(expected.status);
  const out = `${label} ${kit.number(measured.status)} ${same ? '=' : '≠'} expected ${kit.number(expected.status)}`;
  return m.result === 'fail' && same && m.message ? `${out}; ${kit.text(m.message, 200)}` : out;
}

/** Values as they are, for the audit (a JSON document: no escaping, no truncation). */
export const PLAIN_TEXT: TextKit = {
  text: (value) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)),
  number: (value) =>
    typeof value !== 'number' || !Number.isFinite(value)
      ? PLAIN_TEXT.text(typeof value === 'object' ? JSON.stringify(value) : value)
      : String(Number.isInteger(value) ? value : Number(value.toPrecision(4)))
};
