// The objects an Archy flow references, read from the forms real Archy files write (studied on the 61 flows in
// /work/shared/archy-corpus) — what a real Architect job resolves against the org before it publishes:
//   queues       targetQueue: { lit: { name: X } }        (transferToAcd, menuTransferToAcd, error handling)
//                queue: { lit: { name: X } } | { lit: X } | X
//                updateData statement  - queue: { variable: …, value: { lit: { name: X } } }
//                queueVariable / queueCollectionVariable: { initialValue: { lit: { name: X } } }
//   data actions callData / callDataSecure: category: { <integration>: { dataAction: { <action name>: {…} } } }
//                (27 files); the older `dataAction: { lit: { name: X } }` is read as a name in any integration
//   flows        commonModule: { "<name>": { ver_latestPublished: … } } | literal        → common module
//                botFlow: { "<name>": { ver_latestPublished: … } }                        → bot flow
//                digitalBotFlow: { "<name>": { ver_latestPublished: … } }                 → digital bot flow
//                overrideInQueueFlow: { name: X } | literal                               → the in-queue flow type
//                                                                                            of the media
//                targetFlow: { name: X } | literal, flow: literal                         → a flow of any type
// Never from action names: `- findQueue: { name: Find Queue, findName: … }` is an action named "Find Queue" that
// looks a queue up at run time. Expressions (`exp:`) are resolved at run time and are not references.
import { parse as parseYaml } from 'yaml';
import { typeForKey } from './flow-types.ts';

export interface DataActionRef {
  /** The integration (data action category); absent only for the older name-only form. */
  category?: string;
  name: string;
}

export interface FlowRef {
  /** Lowercase API type the referenced flow must have; absent when any type will do. */
  type?: string;
  name: string;
}

export interface ArchyReferences {
  queues: string[];
  dataActions: DataActionRef[];
  flows: FlowRef[];
}

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const META_KEYS = new Set(['exp', 'noValue', 'lit', 'name', 'none', 'variable']);

/** A literal object name: `X`, `{ lit: X }` or `{ lit: { name: X } }`. Expressions give undefined. */
function literal(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || !('lit' in value)) return undefined;
  const lit = value.lit;
  if (typeof lit === 'string') return lit;
  if (isRecord(lit) && typeof lit.name === 'string') return lit.name;
  return undefined;
}

/** A literal, or the `{ name: X }` form Archy writes for targetFlow / overrideInQueueFlow. */
const literalOrNamed = (value: unknown): string | undefined =>
  literal(value) ?? (isRecord(value) && typeof value.name === 'string' ? value.name : undefined);

/** Flow references keyed by name: `commonModule: { "My Module": { ver_latestPublished: … } }`, or a literal. */
function keyedNames(value: unknown): string[] {
  const single = literal(value);
  if (single !== undefined) return [single];
  if (!isRecord(value)) return [];
  return Object.keys(value).filter((k) => !META_KEYS.has(k));
}

/** The in-queue flow type that handles the media of a flow of `hostType`. */
function inQueueTypeFor(hostType: string | undefined): string | undefined {
  if (hostType === undefined) return undefined;
  if (/call$/.test(hostType)) return 'inqueuecall';
  if (hostType === 'inboundemail') return 'inqueueemail';
  if (hostType === 'inboundshortmessage') return 'inqueueshortmessage';
  return undefined;
}

class Collector {
  readonly queues = new Set<string>();
  readonly dataActions = new Map<string, DataActionRef>();
  readonly flows = new Map<string, FlowRef>();
  readonly hostType: string | undefined;
  constructor(hostType: string | undefined) {
    this.hostType = hostType;
  }

  queue(name: string | undefined): void {
    if (name !== undefined && name !== '') this.queues.add(name);
  }
  dataAction(ref: DataActionRef): void {
    this.dataActions.set(`${ref.category ?? ''}\u0000${ref.name}`, ref);
  }
  flow(name: string | undefined, type: string | undefined): void {
    if (name === undefined || name === '') return;
    this.flows.set(`${type ?? ''}\u0000${name}`, type === undefined ? { name } : { type, name });
  }

  /** `category: { <integration>: { dataAction: { <action name>: … } } }` */
  category(value: unknown): void {
    if (!isRecord(value)) return;
    for (const [integration, spec] of Object.entries(value)) {
      if (!isRecord(spec) || !isRecord(spec.dataAction)) continue;
      for (const name of Object.keys(spec.dataAction)) this.dataAction({ category: integration, name });
    }
  }

  /** Reads the references one key of a mapping makes; returns true when its value holds no further references. */
  entry(key: string, value: unknown): boolean {
    switch (key) {
      case 'category':
        this.category(value);
        return false;
      case 'dataAction': {
        const name = literal(value); // the older name-only form; the keyed form sits under `category`
        if (name !== undefined) this.dataAction({ name });
        return name !== undefined;
      }
      case 'targetQueue':
        this.queue(literal(value));
        return true;
      case 'queue':
        this.queue(literal(value) ?? (isRecord(value) ? literal(value.value) : undefined));
        return false;
      case 'queueVariable':
      case 'queueCollectionVariable':
        if (isRecord(value)) this.queue(literal(value.initialValue));
        return true;
      case 'commonModule':
        for (const name of keyedNames(value)) this.flow(name, 'commonmodule');
        return false;
      case 'botFlow':
        for (const name of keyedNames(value)) this.flow(name, 'bot');
        return false;
      case 'digitalBotFlow':
        for (const name of keyedNames(value)) this.flow(name, 'digitalbot');
        return false;
      case 'overrideInQueueFlow':
        this.flow(literalOrNamed(value), inQueueTypeFor(this.hostType));
        return true;
      case 'targetFlow':
        this.flow(literalOrNamed(value), undefined);
        return true;
      case 'flow':
        this.flow(literal(value), undefined);
        return false;
      default:
        return false;
    }
  }

  walk(node: unknown): void {
    if (Array.isArray(node)) {
      for (const item of node) this.walk(item);
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (!this.entry(key, value)) this.walk(value);
    }
  }

  result(): ArchyReferences {
    return { queues: [...this.queues], dataActions: [...this.dataActions.values()], flows: [...this.flows.values()] };
  }
}

/** The references in a flow's body (the mapping under its top-level key); `hostType` is the flow's API type. */
export function referencesInBody(body: unknown, hostType: string | undefined): ArchyReferences {
  const collector = new Collector(hostType);
  collector.walk(body);
  return collector.result();
}

/**
 * The objects an Archy file references. The text must be YAML, i.e. `{{placeholders}}` already replaced. Throws on a
 * document that is not one flow-type key over a mapping.
 */
export function extractReferences(text: string): ArchyReferences & { key: string; type?: string; name?: string } {
  const doc: unknown = parseYaml(text, { maxAliasCount: 100 });
  if (!isRecord(doc)) throw new Error('not a YAML mapping');
  const [key, ...rest] = Object.keys(doc);
  if (key === undefined || rest.length > 0) throw new Error('expected exactly one top-level flow-type key');
  const body = doc[key];
  if (!isRecord(body)) throw new Error(`'${key}' is not a mapping`);
  const type = typeForKey(key);
  return {
    key,
    ...(type !== undefined ? { type } : {}),
    ...(typeof body.name === 'string' ? { name: body.name } : {}),
    ...referencesInBody(body, type)
  };
}

/** The `{{key}}` placeholders in a file, in order of first appearance. */
export function placeholderKeys(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{([A-Za-z0-9_.-]+)\}\}/g)].map((m) => m[1] as string))];
}
