// Export comparison for the engine. Exports are compared only with exports (an export is Architect's rendering, never
// the uploaded text): `exportHash` is the sha256 of `comparableExport` — parsed values with refIds renumbered
// canonically, header comments ignored, whitespace inside strings kept — so that the rollback verification (restored
// export vs snapshot export) and `command: rollback` (restored export vs the committed export) compare like with like.
// What is committed is `normalizeExport` (git/normalize.ts): stable text, key order kept.
import { comparableExport, contentHash, normalizeExport } from '../git/normalize.ts';

export { normalizeExport };

/** sha256 of the export's comparable form: the identity of a flow's published content. */
export function exportHash(content: string): string {
  return contentHash(comparableExport(content));
}
