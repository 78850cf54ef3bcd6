// The emulator's own reading of Archy's flow-type keys (never the action's table in src/: the two must not agree by
// construction). Case-sensitive, exactly as real Archy files write them; a key that is not here fails the job.
//
// Sources:
//   corpus   = /work/shared/archy-corpus (61 flows from Genesys' public repositories; counts are files)
//   gc-cli   = Genesys' `gc flows list --varType` help: the lowercase `type` filter values of GET /api/v2/flows
//   archy-ui = a third-party Archy front-end README listing Archy's 16 flow-type keys (not confirmed by the corpus)

export interface FlowTypeEntry {
  /** The top-level key in an Archy file. */
  key: string;
  /** The API type, lowercase as in the `type` filter; `Flow.type` in responses is its UPPERCASE form. */
  type: string;
  /** Where the spelling comes from. */
  source: string;
}

export const FLOW_TYPES: readonly FlowTypeEntry[] = [
  { key: 'inboundCall', type: 'inboundcall', source: 'corpus (17 files), gc-cli' },
  { key: 'inboundShortMessage', type: 'inboundshortmessage', source: 'corpus (13 files), gc-cli' },
  { key: 'inboundEmail', type: 'inboundemail', source: 'corpus (2 files), gc-cli' },
  { key: 'inboundChat', type: 'inboundchat', source: 'corpus (1 file), gc-cli' },
  { key: 'outboundCall', type: 'outboundcall', source: 'corpus (2 files), gc-cli' },
  { key: 'workflow', type: 'workflow', source: 'corpus (12 files), gc-cli' },
  { key: 'commonModule', type: 'commonmodule', source: 'corpus (1 file), gc-cli' },
  { key: 'workitem', type: 'workitem', source: 'corpus (1 file), gc-cli' },
  { key: 'surveyInvite', type: 'surveyinvite', source: 'corpus (1 file), gc-cli' },
  { key: 'digitalBot', type: 'digitalbot', source: 'corpus (1 file), gc-cli' },
  // `inQueueCall` appears nowhere; 5 files in 4 repositories write `inqueueCall`.
  { key: 'inqueueCall', type: 'inqueuecall', source: 'corpus (5 files), gc-cli' },
  // API type `bot` is written `botFlow` (5 files, 5 repositories; no `bot:` key anywhere), also inside reference
  // paths: "/botFlow/bots/bot[Default Bot_10]".
  { key: 'botFlow', type: 'bot', source: 'corpus (5 files), gc-cli' },
  // Not in the corpus: spelled like `inqueueCall`. The Flow type enum says INQUEUEEMAIL (INQUEUEEMAILFLOW is only a
  // dependency-tracking type).
  { key: 'inqueueEmail', type: 'inqueueemail', source: 'archy-ui, gc-cli' },
  { key: 'inqueueShortMessage', type: 'inqueueshortmessage', source: 'archy-ui, gc-cli' },
  { key: 'secureCall', type: 'securecall', source: 'archy-ui, gc-cli' },
  { key: 'voicemail', type: 'voicemail', source: 'archy-ui, gc-cli' },
  { key: 'voiceSurvey', type: 'voicesurvey', source: 'archy-ui, gc-cli' }
  // gc-cli also lists `speech` and `voice` API types; no source shows an Archy key for them, so none is accepted.
];

const BY_KEY = new Map(FLOW_TYPES.map((e) => [e.key, e]));
const BY_TYPE = new Map(FLOW_TYPES.map((e) => [e.type, e]));

/** The lowercase API type an Archy key creates (case-sensitive), or undefined for a key Archy does not write. */
export function typeForKey(key: string): string | undefined {
  return BY_KEY.get(key)?.type;
}

/** The Archy key for a lowercase API type. */
export function keyForType(type: string): string | undefined {
  return BY_TYPE.get(type)?.key;
}

export const ARCHY_KEYS: readonly string[] = FLOW_TYPES.map((e) => e.key);
export const API_TYPES: readonly string[] = FLOW_TYPES.map((e) => e.type);
