// `{{placeholder}}` substitution, shared by flow files (substitutions and built-ins) and check inputs (built-ins).

/** A `{{name}}` placeholder; the name is captured. Global: use with matchAll / replace. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
