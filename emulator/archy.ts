// Just enough of Archy to reject an upload the way a real org would: the flow-type key (flow-types.ts), the name, and
// references to objects (queues, data actions, other flows) that must exist in the org (references.ts).
import { parse as parseYaml } from 'yaml';
import { ARCHY_KEYS, typeForKey } from './flow-types.ts';
import { referencesInBody } from './references.ts';
import type { ArchyReferences } from './references.ts';

export type { ArchyReferences } from './references.ts';

export interface ArchyVariable {
  name: string;
  isInput: boolean;
  isOutput: boolean;
  initialValue?: unknown;
}

export interface ParsedArchy {
  key: string;
  /** Lowercase API type. */
  type: string;
  name: string;
  body: Record<string, unknown>;
  references: ArchyReferences;
  variables: ArchyVariable[];
}

export type ArchyResult = { ok: true; flow: ParsedArchy } | { ok: false; errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function collectVariables(body: Record<string, unknown>): ArchyVariable[] {
  const out: ArchyVariable[] = [];
  const list = body.variables;
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    for (const spec of Object.values(entry)) {
      if (!isRecord(spec) || typeof spec.name !== 'string') continue;
      const initial = spec.initialValue;
      out.push({
        name: spec.name.replace(/^Flow\./, ''),
        isInput: spec.isInput === true,
        isOutput: spec.isOutput === true,
        ...(isRecord(initial) && 'lit' in initial ? { initialValue: initial.lit } : {})
      });
    }
  }
  return out;
}

/** Parses Archy YAML and checks what Archy itself checks before looking at the org. */
export function parseArchy(text: string): ArchyResult {
  const placeholder = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/.exec(text);
  if (placeholder) {
    return {
      ok: false,
      errors: [`Unresolved substitution '${placeholder[0]}': no value was supplied for '${placeholder[1]}'.`]
    };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [`Unable to parse the flow file as YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (!isRecord(doc)) {
    return {
      ok: false,
      errors: ['The flow file must be a YAML mapping with a single flow type key, e.g. inboundCall.']
    };
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] === undefined) {
    return {
      ok: false,
      errors: [`The flow file must have exactly one top-level flow type key; found ${keys.length}: ${keys.join(', ')}.`]
    };
  }
  const key = keys[0];
  const type = typeForKey(key);
  if (type === undefined) {
    return { ok: false, errors: [`Unknown flow type '${key}'. Valid flow types: ${ARCHY_KEYS.join(', ')}.`] };
  }
  const body = doc[key];
  if (!isRecord(body)) return { ok: false, errors: [`The '${key}' flow definition must be a mapping.`] };
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    return { ok: false, errors: [`The '${key}' flow definition is missing the required 'name' property.`] };
  }
  const references = referencesInBody(body, type);
  return { ok: true, flow: { key, type, name: body.name, body, references, variables: collectVariables(body) } };
}
