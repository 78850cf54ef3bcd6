// Durations in the manifest are short strings such as `500ms`, `90s`, `2m`, `1h` or combinations like `1m30s`.
// Plain numbers are refused (except 0) because `bake: 10` is ambiguous: ten seconds or ten minutes?

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: Unit[] = ['h', 'm', 's', 'ms'];

export const DURATION_FORMS = '500ms, 90s, 2m, 1h or a combination such as 1m30s';

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string; fix: string };

export function parseDuration(value: unknown): DurationResult {
  if (value === 0 || value === '0') return { ok: true, ms: 0 };
  if (typeof value === 'number') {
    return {
      ok: false,
      message: `duration ${String(value)} has no unit`,
      fix: `write it with a unit, e.g. '${String(value)}s' or '${String(value)}m' (accepted: ${DURATION_FORMS})`
    };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: `expected a duration string, got ${describe(value)}`, fix: `use ${DURATION_FORMS}` };
  }
  const text = value.trim();
  const bad = (): DurationResult => ({
    ok: false,
    message: `'${truncate(text)}' is not a duration`,
    fix: `use ${DURATION_FORMS}`
  });
  // Bounded: a duration is short; refusing long strings keeps the regex work trivial.
  if (text.length === 0 || text.length > 40) return bad();
  const re = /(\d+)(ms|h|m|s)/gy;
  let ms = 0;
  let last = -1;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const unit = m[2] as Unit;
    const idx = ORDER.indexOf(unit);
    // Units must appear largest first and at most once: `30s1m` or `1m1m` are almost certainly typos.
    if (idx <= last) return bad();
    last = idx;
    ms += Number(m[1]) * UNIT_MS[unit];
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || !Number.isSafeInteger(ms)) return bad();
  return { ok: true, ms };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${truncate(value)}'`;
  return `${typeof value} ${truncate(String(value))}`;
}

export function truncate(text: string, max = 60): string {
  const oneLine = text.replace(/[\r\n\t]/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
