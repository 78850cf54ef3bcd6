// Moved to src/checks/ (the check-kind registry and the round runner). This re-export keeps the engine's import
// working until its import path points at ../checks/index.ts; then delete this file.
export { defaultHttpGet, runStageChecks, type LiveFlow } from '../checks/index.ts';
