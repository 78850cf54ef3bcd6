// Export comparison for the engine: the git module's normalisation (leading comment headers, comments, line endings,
// trailing whitespace and YAML style removed; key order kept), so that what the rollback verifies is exactly what
// the committer stores.
import { contentHash, normalizeExport } from '../git/normalize.ts';

export { normalizeExport };

/** sha256 of the normalised export: the identity of a flow's published content. */
export function exportHash(content: string): string {
  return contentHash(normalizeExport(content));
}
