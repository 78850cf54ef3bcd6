// Writes the action's outputs to the runner. What they hold is computed from the journal by evidence/outputs.ts.
import * as core from '@actions/core';
import type { OutputName } from '../evidence/outputs.ts';
import { redactor } from '../common/redact.ts';

/** Sets every output, redacted (outputs end up in logs and in later steps' environments). */
export function setOutputs(
  outputs: Record<OutputName, string>,
  set: (name: string, value: string) => void = core.setOutput
): void {
  for (const [name, value] of Object.entries(outputs)) set(name, redactor.redact(value));
}
