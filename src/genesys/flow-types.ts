// The action's one table of Genesys flow types: the lowercase API `type` filter value (what the manifest's `type:`
// says; `Flow.type` in responses is its UPPERCASE form) and the top-level key real Archy files write for it —
// case-sensitive. Validation (src/manifest/flow-file.ts), export matching and anything else that maps a key to a type
// reads it from here. The emulator keeps its own reading (emulator/flow-types.ts): never share the two.
//
// Sources (see docs/platform.md and ../shared/genesys-api.md, "What a real org does with Archy YAML"):
//   corpus = 61 real flows from Genesys' public repositories (../shared/archy-corpus), counts are files
//   sdk    = the `type` filter values of GET /api/v2/flows as genesys-api.md lists them (Flow.type enum)

export interface FlowTypeInfo {
  /** The API type, lowercase as the `type` filter spells it. */
  readonly type: string;
  /** The top-level key of an Archy file of this type, exactly as Archy writes it. */
  readonly key: string;
  /** Where the key's spelling comes from; `unconfirmed` when no real file shows it. */
  readonly source: string;
}

export const FLOW_TYPE_TABLE = [
  { type: 'bot', key: 'botFlow', source: 'corpus (5 files; no `bot:` key anywhere), sdk' },
  { type: 'commonmodule', key: 'commonModule', source: 'corpus, sdk' },
  { type: 'digitalbot', key: 'digitalBot', source: 'corpus, sdk' },
  { type: 'inboundcall', key: 'inboundCall', source: 'corpus, sdk' },
  { type: 'inboundchat', key: 'inboundChat', source: 'corpus, sdk' },
  { type: 'inboundemail', key: 'inboundEmail', source: 'corpus, sdk' },
  { type: 'inboundshortmessage', key: 'inboundShortMessage', source: 'corpus, sdk' },
  { type: 'inqueuecall', key: 'inqueueCall', source: 'corpus (5 files; `inQueueCall` appears nowhere), sdk' },
  { type: 'inqueueemail', key: 'inqueueEmail', source: 'sdk; key unconfirmed (spelled like inqueueCall)' },
  {
    type: 'inqueueshortmessage',
    key: 'inqueueShortMessage',
    source: 'sdk; key unconfirmed (spelled like inqueueCall)'
  },
  { type: 'outboundcall', key: 'outboundCall', source: 'corpus, sdk' },
  { type: 'securecall', key: 'secureCall', source: 'sdk; key unconfirmed' },
  { type: 'surveyinvite', key: 'surveyInvite', source: 'corpus, sdk' },
  { type: 'workflow', key: 'workflow', source: 'corpus, sdk' },
  { type: 'workitem', key: 'workitem', source: 'corpus, sdk' }
] as const satisfies readonly FlowTypeInfo[];

/** Flow type as the API's `type` query filter spells it (lowercase). Responses spell it UPPERCASE. */
export type FlowType = (typeof FLOW_TYPE_TABLE)[number]['type'];

export const FLOW_TYPES = FLOW_TYPE_TABLE.map((e) => e.type) as unknown as readonly [FlowType, ...FlowType[]];

/** Types the manifest once accepted, with the value to write now (a clear error, never a silent alias). */
export const RENAMED_FLOW_TYPES: Readonly<Record<string, FlowType>> = { inqueueemailflow: 'inqueueemail' };

const BY_KEY = new Map<string, FlowTypeInfo>(FLOW_TYPE_TABLE.map((e) => [e.key, e]));
const BY_TYPE = new Map<string, FlowTypeInfo>(FLOW_TYPE_TABLE.map((e) => [e.type, e]));

/** The API type an Archy top-level key creates (case-sensitive), or undefined for a key Archy does not write. */
export function typeForArchyKey(key: string): FlowType | undefined {
  return BY_KEY.get(key)?.type as FlowType | undefined;
}

/** The Archy top-level key for an API type (any case: `Flow.type` is UPPERCASE). */
export function archyKeyForType(type: string): string | undefined {
  return BY_TYPE.get(type.toLowerCase())?.key;
}

/** True when the flow's `type` (any case) is the manifest's lowercase type. */
export function isFlowType(flowType: string | undefined, type: string): boolean {
  return (flowType ?? '').toLowerCase() === type.toLowerCase();
}

/**
 * The Archy key someone meant by a key Archy does not write: the same letters in another case (`InboundCall`,
 * `inQueueCall`), or the API type's name where Archy uses another (`bot` → `botFlow`).
 */
export function intendedArchyKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  const byCase = FLOW_TYPE_TABLE.find((e) => e.key.toLowerCase() === lower);
  if (byCase) return byCase.key;
  const renamed = RENAMED_FLOW_TYPES[lower];
  return (renamed ? BY_TYPE.get(renamed) : BY_TYPE.get(lower))?.key;
}
