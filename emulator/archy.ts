// Just enough of Archy to reject an upload the way a real org would: the flow-type key, the name, and references to
// objects (queues, data actions, other flows) that must exist in the org.
import { parse as parseYaml } from 'yaml';

/** Archy's top-level keys and the API type (lowercase) each one creates. */
export const ARCHY_FLOW_KEYS: Readonly<Record<string, string>> = {
  bot: 'bot',
  commonModule: 'commonmodule',
  digitalBot: 'digitalbot',
  inboundCall: 'inboundcall',
  inboundChat: 'inboundchat',
  inboundEmail: 'inboundemail',
  inboundShortMessage: 'inboundshortmessage',
  inQueueCall: 'inqueuecall',
  inQueueEmail: 'inqueueemailflow',
  inQueueShortMessage: 'inqueueshortmessage',
  outboundCall: 'outboundcall',
  secureCall: 'securecall',
  surveyInvite: 'surveyinvite',
  voice: 'voice',
  voicemail: 'voicemail',
  voiceSurvey: 'voicesurvey',
  workflow: 'workflow',
  workitem: 'workitem'
};

/** The Archy key for an API type (inverse of ARCHY_FLOW_KEYS). */
export function archyKeyForType(type: string): string | undefined {
  return Object.entries(ARCHY_FLOW_KEYS).find(([, t]) => t === type)?.[0];
}

export interface ArchyReference {
  kind: 'queue' | 'dataAction' | 'flow' | 'commonModule';
  name: string;
}

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
  references: ArchyReference[];
  variables: ArchyVariable[];
}

export type ArchyResult = { ok: true; flow: ParsedArchy } | { ok: false; errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Extracts a literal object name from `X`, `{ lit: X }`, `{ lit: { name: X } }` or `{ name: X }`; expressions give
 * undefined because only the runtime knows what they resolve to. */
function literalName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  if ('lit' in value) {
    const lit = value.lit;
    if (typeof lit === 'string') return lit;
    if (isRecord(lit) && typeof lit.name === 'string') return lit.name;
    return undefined;
  }
  if (typeof value.name === 'string') return value.name;
  return undefined;
}

/** Archy also writes flow references keyed by name: `commonModule: { "My Module": { ver_latest: ... } }`. */
function flowReferenceNames(value: unknown): string[] {
  const literal = literalName(value);
  if (literal !== undefined) return [literal];
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => !['exp', 'noValue', 'lit', 'name'].includes(k));
    if (keys.length === 1 && keys[0] !== undefined) return [keys[0]];
  }
  return [];
}

function collectReferences(node: unknown, out: ArchyReference[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectReferences(item, out);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'queue' || /[a-z]Queue$/.test(key)) {
      const name = literalName(value);
      if (name !== undefined) out.push({ kind: 'queue', name });
    } else if (key === 'dataAction') {
      const name = literalName(value);
      if (name !== undefined) out.push({ kind: 'dataAction', name });
    } else if (key === 'commonModule') {
      for (const name of flowReferenceNames(value)) out.push({ kind: 'commonModule', name });
    } else if (key === 'flow' || key === 'targetFlow') {
      for (const name of flowReferenceNames(value)) out.push({ kind: 'flow', name });
    }
    collectReferences(value, out);
  }
}

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
  const type = ARCHY_FLOW_KEYS[key];
  if (type === undefined) {
    return {
      ok: false,
      errors: [`Unknown flow type '${key}'. Valid flow types: ${Object.keys(ARCHY_FLOW_KEYS).join(', ')}.`]
    };
  }
  const body = doc[key];
  if (!isRecord(body)) return { ok: false, errors: [`The '${key}' flow definition must be a mapping.`] };
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    return { ok: false, errors: [`The '${key}' flow definition is missing the required 'name' property.`] };
  }
  const references: ArchyReference[] = [];
  collectReferences(body, references);
  return { ok: true, flow: { key, type, name: body.name, body, references, variables: collectVariables(body) } };
}
