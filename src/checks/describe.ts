// One line per measurement, for the summary (Markdown-safe kit) and the audit (plain kit): the kind's own
// description when it has one, else the engine's message, else the measured and expected values.
import type { CheckMeasurement } from '../domain/types.ts';
import { findCheckKind } from './registry.ts';
import type { TextKit } from './types.ts';

export function describeMeasurement(m: CheckMeasurement, kit: TextKit): string {
  const own = findCheckKind(m.kind)?.describe?.(m, kit);
  if (own !== undefined) return own;
  if (m.message) return kit.text(m.message, 200);
  const measured = pairs(m.measured ?? {}, kit);
  const expected = pairs(m.expected ?? {}, kit);
  return expected ? `${measured} vs ${expected}` : measured || '—';
}

function pairs(o: Record<string, unknown>, kit: TextKit): string {
  return Object.entries(o)
    .map(([k, v]) => `${kit.text(k)} ${kit.number(v)}`)
    .join(', ');
}
