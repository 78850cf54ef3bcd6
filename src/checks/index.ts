// The checks module's public face: the bake's round runner and the check-kind registry.
export { defaultHttpGet, runStageChecks, type CheckRun, type LiveFlow } from './run.ts';
export { checkKindNames, findCheckKind, registerCheckKind, unregisterCheckKind } from './registry.ts';
export { describeMeasurement } from './describe.ts';
export { defineCheckKind } from './types.ts';
export type { CheckContext, CheckKind, CheckRound, CheckSpec, CheckValidation, HttpGet, TextKit } from './types.ts';
