// What Architect writes out in an export that a hand-written file may leave out: the key order of a flow body and
// the settings blocks of each flow type with their default values. Read off the corpus's exports
// (/work/shared/archy-corpus, PROVENANCE.md "Architect/Archy export"): 01_tf__closedhours_flow (inboundCall),
// 09_tf__inqueuecall_default_example (inqueueCall), 11_tf__workflow_flow_example (workflow), 06 (inboundEmail),
// 55_onoff-hours__del-webmessage_flow (inboundShortMessage), 37_workitem (workitem), 41_transcript__resolve-contact
// (commonModule), 53_triage__quick-response-bot (botFlow), 60_mc-demo__digital-bot (digitalBot).

// The call defaults follow the newest export shape in the corpus (01: promptMediaToValidate and suppressRecording, no
// callBridge); older exports (15, 45, 58) differ, which is why a rendering is compared with itself, never with another
// Archy version's output.

/** The order of a flow body's keys in an export (newest Archy); keys not listed follow in their own order. */
export const BODY_ORDER: readonly string[] = [
  'name',
  'description',
  'division',
  'startUpRef',
  'worktype',
  'defaultLanguage',
  'supportedLanguages',
  'initialGreeting',
  'variables',
  'settingsInQueueCall',
  'settingsOutboundCall',
  'settingsInboundEmailHandling',
  'settingsCommonModule',
  'settingsActionDefaults',
  'settingsErrorHandling',
  'settingsMenu',
  'settingsPrompts',
  'settingsSpeechRec',
  'settingsBotFlow',
  'settingsUserInput',
  'settingsKnowledge',
  'settingsVirtualAgent',
  'menus',
  'states',
  'tasks',
  'bots',
  'settingsNaturalLanguageUnderstanding',
  'startUpTaskActions'
];

const seconds = (n: number) => ({ lit: { seconds: n } });
const noValue = { noValue: true };

const CALL_ACTION_DEFAULTS = {
  playAudioOnSilence: { timeout: seconds(40) },
  detectSilence: { timeout: seconds(40) },
  callData: { processingPrompt: noValue },
  collectInput: { noEntryTimeout: seconds(5) },
  dialByExtension: { interDigitTimeout: seconds(6) },
  transferToUser: { connectTimeout: noValue },
  transferToNumber: { connectTimeout: noValue },
  transferToGroup: { connectTimeout: noValue },
  transferToFlowSecure: { connectTimeout: seconds(15) }
};

const CALL_ERROR_HANDLING = {
  errorHandling: { disconnect: { none: true } },
  preHandlingAudio: { tts: 'Sorry, an error occurred. Please try your call again.' }
};

const PROMPTS = { ensureAudioInPrompts: false, promptMediaToValidate: [{ mediaType: 'audio' }, { mediaType: 'tts' }] };

const MENU = {
  extensionDialingMaxDelay: seconds(1),
  listenForExtensionDialing: { lit: true },
  menuSelectionTimeout: seconds(10),
  repeatCount: { lit: 3 }
};

const SPEECH_REC = {
  completeMatchTimeout: { lit: { ms: 100 } },
  incompleteMatchTimeout: { lit: { ms: 1500 } },
  maxSpeechLengthTimeout: seconds(20),
  minConfidenceLevel: { lit: 50 },
  asrCompanyDir: 'none',
  asrEnabledOnFlow: true,
  suppressRecording: true
};

/** A menu's own settings: every entry written as `noValue` (the flow's settings apply). */
export const MENU_OBJECT_SETTINGS = {
  settingsMenu: {
    extensionDialingMaxDelay: noValue,
    listenForExtensionDialing: noValue,
    menuSelectionTimeout: noValue,
    repeatCount: noValue
  },
  settingsSpeechRec: {
    completeMatchTimeout: noValue,
    incompleteMatchTimeout: noValue,
    maxSpeechLengthTimeout: noValue,
    minConfidenceLevel: noValue
  }
};

const disconnectOnError = { errorHandling: { disconnect: { none: true } } };

const BOT_USER_INPUT = {
  noMatchesMax: { lit: 3 },
  noInputsMax: { lit: 3 },
  confirmationRejectionsMax: { lit: 3 },
  collectionLowConfidenceThreshold: { lit: 20 },
  collectionHighConfidenceThreshold: { lit: 70 },
  confirmationLowConfidenceThreshold: { lit: 40 }
};

const BOT_SETTINGS = {
  settingsErrorHandling: { errorHandling: { exit: { none: true } } },
  settingsBotFlow: { none: true },
  settingsUserInput: BOT_USER_INPUT,
  settingsKnowledge: { none: true }
};

/** The settings blocks each flow type (Archy key) always has in an export, with their defaults. */
export const SETTINGS_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  inboundCall: {
    settingsActionDefaults: CALL_ACTION_DEFAULTS,
    settingsErrorHandling: CALL_ERROR_HANDLING,
    settingsMenu: MENU,
    settingsPrompts: PROMPTS,
    settingsSpeechRec: SPEECH_REC
  },
  outboundCall: {
    settingsActionDefaults: CALL_ACTION_DEFAULTS,
    settingsErrorHandling: CALL_ERROR_HANDLING,
    settingsMenu: MENU,
    settingsPrompts: PROMPTS,
    settingsSpeechRec: SPEECH_REC
  },
  inqueueCall: {
    settingsInQueueCall: { holdMusic: { lit: { name: 'PromptSystem.on_hold_music' } } },
    settingsActionDefaults: CALL_ACTION_DEFAULTS,
    settingsErrorHandling: CALL_ERROR_HANDLING,
    settingsPrompts: PROMPTS
  },
  workflow: { settingsErrorHandling: { errorHandling: { endWorkflow: { none: true } } } },
  workitem: { settingsErrorHandling: { errorHandling: { endFlow: { none: true } } } },
  inboundShortMessage: { settingsErrorHandling: disconnectOnError },
  inboundChat: { settingsErrorHandling: disconnectOnError },
  inboundEmail: {
    settingsInboundEmailHandling: { emailHandling: { disconnect: { none: true } } },
    settingsErrorHandling: disconnectOnError
  },
  commonModule: {
    settingsActionDefaults: { callData: { processingPrompt: noValue }, callDataSecure: { processingPrompt: noValue } },
    settingsPrompts: PROMPTS
  },
  botFlow: { ...BOT_SETTINGS, settingsPrompts: PROMPTS },
  digitalBot: BOT_SETTINGS
};

/** Flow types whose menus carry per-menu settings and whose menu choices carry the global DTMF/speech flags. */
export const MENU_FLOW_KEYS: ReadonlySet<string> = new Set(['inboundCall', 'outboundCall']);
