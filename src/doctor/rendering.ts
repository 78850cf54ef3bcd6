// Which of the known differences between an Architect export and hand-written Archy YAML (genesys-api.md, "An export
// is Architect's rendering") one export shows against the repository file.

type Doc = Record<string, unknown>;

function body(doc: unknown): Doc {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return {};
  const first = Object.values(doc as Doc)[0];
  return first && typeof first === 'object' && !Array.isArray(first) ? (first as Doc) : {};
}

/** Every mapping key anywhere in the document. */
function allKeys(doc: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) for (const x of doc) allKeys(x, out);
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc as Doc)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}

export function renderingDifferences(exported: string, exportDoc: unknown, file: string, fileDoc: unknown): string[] {
  const e = body(exportDoc);
  const f = body(fileDoc);
  const out: string[] = [];
  if (/^\s*#/.test(exported)) out.push('a header comment');
  if ('division' in e && !('division' in f)) out.push(`division added (${String(e.division)})`);
  if (e.description === '' && !('description' in f)) out.push('description: "" added');
  const renumbered = /\[[^\]\n]*_\d+\]/;
  if (renumbered.test(exported) && !renumbered.test(file)) out.push('refIds renamed <name>_<n>');
  if (/startUpRef:\s*"\//.test(exported) && !/startUpRef:\s*"\//.test(file)) out.push('startUpRef absolute and quoted');
  const fileKeys = allKeys(fileDoc);
  const exportKeys = allKeys(exportDoc);
  const settings = [...exportKeys].filter((k) => k.startsWith('settings') && !fileKeys.has(k));
  if (settings.length) out.push(`settings written out (${settings.slice(0, 6).join(', ')})`);
  const defaults = ['globalDtmf', 'noValue', 'isInput', 'isOutput'].filter(
    (k) => exportKeys.has(k) && !fileKeys.has(k)
  );
  if (defaults.length) out.push(`per-object defaults added (${defaults.join(', ')})`);
  const common = Object.keys(e).filter((k) => k in f);
  const fileOrder = Object.keys(f).filter((k) => k in e);
  if (common.join() !== fileOrder.join()) out.push('key order changed');
  return out;
}
