// An export is Architect's rendering of a flow version, not the uploaded text (shared/genesys-api.md, "What a real org
// does with Archy YAML"). From the stored YAML this module renders what a real export looks like:
//   - `division:` always (the flow's division, `Home` by default) and `description: ""` when empty;
//   - every refId renamed `<object name>_<n>`, n an object number (10, 20, … in document order, so one version always
//     renders the same), and references to them rewritten: `startUpRef` and the other `…Ref`s absolute and quoted
//     ("/inboundCall/menus/menu[Main Menu_10]"); references relative to their object (./choices/…) stay relative;
//   - every settings block of the flow type written out with defaults (render-defaults.ts), per-object defaults
//     (variables' `initialValue: { noValue: true }`, `isInput: false`, `isOutput: false`; menus' own settings as
//     `noValue`; choices' `globalDtmf: false`, `globalSpeechRecTerms: false`);
//   - a fixed key order (the flow body's per render-defaults.ts; `name`, `refId` first in objects with a refId);
//   - strings plain where YAML allows, else double-quoted on one line with escapes (expressions with `\n`, trailing
//     spaces kept); no block scalars, no folding, no header comment. References stay by name.
// Rendering its own output gives the same text (idempotent): numbering depends only on document order.
import { Document, isScalar, parse as parseYaml, visit } from 'yaml';
import { BODY_ORDER, MENU_FLOW_KEYS, MENU_OBJECT_SETTINGS, SETTINGS_DEFAULTS } from './render-defaults.ts';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

const YAML11_LOOKALIKE = /^(?:[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

export interface RenderOptions {
  /** The flow's division in the org, written when the file names none (default `Home`). */
  division?: string;
}

interface Addressed {
  newId: string;
  path: string;
}

/** Numbers every object with a refId (document order) and records its new id and absolute path by `elem[oldId]`. */
class RefNumbering {
  readonly byOldRef = new Map<string, Addressed>();
  private next = 10;

  /** `node` is a list under `listKey` in the object at `path`. */
  list(node: unknown[], listKey: string, path: string): void {
    for (const item of node) {
      if (!isRecord(item)) continue;
      const entries = Object.entries(item);
      const [elem, obj] = entries[0] ?? [];
      if (entries.length === 1 && elem !== undefined && isRecord(obj) && typeof obj.refId === 'string') {
        const base = typeof obj.name === 'string' ? obj.name : obj.refId.replace(/_\d+$/, '');
        const newId = `${base}_${this.next}`;
        this.next += 10;
        const at = `${path}/${listKey}/${elem}[${newId}]`;
        if (!this.byOldRef.has(`${elem}[${obj.refId}]`))
          this.byOldRef.set(`${elem}[${obj.refId}]`, { newId, path: at });
        obj.refId = newId;
        this.walk(obj, at);
      } else {
        this.walk(item, path);
      }
    }
  }

  walk(node: unknown, path: string): void {
    if (Array.isArray(node)) {
      for (const item of node) this.walk(item, path);
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) this.list(value, key, path);
      else this.walk(value, path);
    }
  }
}

/** Rewrites every `…Ref` string that names a numbered object. */
function rewriteRefs(node: unknown, numbering: RefNumbering, topLists: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, numbering, topLists);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && /Ref$/.test(key) && key !== 'refId') {
      const match = /([A-Za-z]+)\[([^\]]*)\]$/.exec(value);
      const target = match ? numbering.byOldRef.get(`${match[1]}[${match[2]}]`) : undefined;
      if (!target || !match) continue;
      const first = /^\.\/([^/]+)\//.exec(value)?.[1];
      const absolute = value.startsWith('/') || (first !== undefined && topLists.has(first));
      node[key] = absolute ? target.path : `${value.slice(0, match.index)}${match[1]}[${target.newId}]`;
    } else {
      rewriteRefs(value, numbering, topLists);
    }
  }
}

/** `name` and `refId` first, then `order`, then the rest in their own order. */
function ordered(obj: Rec, order: readonly string[] = []): Rec {
  const keys = [...new Set(['name', 'refId', ...order, ...Object.keys(obj)])].filter((k) => k in obj);
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

/** Every object with a refId (menus, tasks, states, bots, …) reordered with `name`, `refId` first (deep). */
function orderDeep(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(orderDeep);
  if (!isRecord(node)) return node;
  const deep = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, orderDeep(v)]));
  return 'refId' in deep ? ordered(deep) : deep;
}

/** Adds the keys of `defaults` that `block` lacks (one level: a block's entries are alternatives below that). */
function withDefaults(block: unknown, defaults: unknown): unknown {
  if (block === undefined || block === null) return clone(defaults);
  if (!isRecord(block) || !isRecord(defaults)) return block;
  const out: Rec = {};
  for (const key of Object.keys(defaults)) out[key] = key in block ? block[key] : clone(defaults[key]);
  for (const [key, value] of Object.entries(block)) if (!(key in out)) out[key] = value;
  return out;
}

function variableDefaults(body: Rec): void {
  if (!Array.isArray(body.variables)) return;
  body.variables = body.variables.map((entry: unknown) => {
    if (!isRecord(entry)) return entry;
    return Object.fromEntries(
      Object.entries(entry).map(([kind, spec]) => {
        if (!isRecord(spec)) return [kind, spec];
        const full = { initialValue: { noValue: true }, isInput: false, isOutput: false, ...spec };
        return [kind, ordered(full, ['initialValue', 'isInput', 'isOutput'])];
      })
    );
  });
}

function menuDefaults(body: Rec): void {
  if (!Array.isArray(body.menus)) return;
  for (const item of body.menus) {
    const menu = isRecord(item) ? item.menu : undefined;
    if (!isRecord(menu)) continue;
    for (const [key, value] of Object.entries(MENU_OBJECT_SETTINGS)) menu[key] = withDefaults(menu[key], value);
    if (!Array.isArray(menu.choices)) continue;
    for (const choice of menu.choices) {
      if (!isRecord(choice)) continue;
      for (const spec of Object.values(choice)) {
        if (!isRecord(spec)) continue;
        spec.globalDtmf ??= false;
        spec.globalSpeechRecTerms ??= false;
      }
    }
  }
}

/** The flow body as an export writes it. */
function renderBody(key: string, source: Rec, options: RenderOptions): Rec {
  const body = clone(source);
  const numbering = new RefNumbering();
  numbering.walk(body, `/${key}`);
  const topLists = new Set(Object.keys(body).filter((k) => Array.isArray(body[k])));
  rewriteRefs(body, numbering, topLists);
  if (typeof body.division !== 'string' || body.division === '') body.division = options.division ?? 'Home';
  if (typeof body.description !== 'string') body.description = '';
  if (isRecord(body.supportedLanguages) === false && typeof body.defaultLanguage === 'string') {
    body.supportedLanguages = { [body.defaultLanguage]: { defaultLanguageSkill: { noValue: true } } };
  }
  for (const [name, defaults] of Object.entries(SETTINGS_DEFAULTS[key] ?? {})) {
    body[name] = withDefaults(body[name], defaults);
  }
  variableDefaults(body);
  if (MENU_FLOW_KEYS.has(key)) menuDefaults(body);
  const deep = orderDeep(body) as Rec;
  const keys = [...new Set([...BODY_ORDER, ...Object.keys(deep)])].filter((k) => k in deep);
  return Object.fromEntries(keys.map((k) => [k, deep[k]]));
}

/**
 * Architect's export of a stored flow version. Stable for one version and idempotent: rendering the result again
 * gives the same text. A file that is not one flow-type key over a mapping is returned as it is.
 */
export function renderExport(yaml: string, options: RenderOptions = {}): string {
  let doc: unknown;
  try {
    doc = parseYaml(yaml, { maxAliasCount: 100 });
  } catch {
    return yaml;
  }
  const [key, ...rest] = isRecord(doc) ? Object.keys(doc) : [];
  const body = key !== undefined && isRecord(doc) ? doc[key] : undefined;
  if (key === undefined || rest.length > 0 || !isRecord(body)) return yaml;
  const out = new Document({ [key]: renderBody(key, body, options) }, { aliasDuplicateObjects: false });
  visit(out, {
    Scalar(_, scalar) {
      // YAML 1.1 booleans ("yes", "no", …) are quoted, as in the corpus's newer exports (46_survey-sms).
      if (typeof scalar.value === 'string' && YAML11_LOOKALIKE.test(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
    Pair(_, pair) {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof k === 'string' && /Ref$/.test(k) && k !== 'refId' && isScalar(pair.value)) {
        pair.value.type = 'QUOTE_DOUBLE';
      }
    }
  });
  return out.toString({
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: false,
    singleQuote: false,
    doubleQuotedAsJSON: true,
    indentSeq: true
  });
}
