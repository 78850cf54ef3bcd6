// The one place that reads the action's inputs (core.getInput); what they mean and how they are validated is
// src/settings/inputs.ts, shared with the CLI.
import * as core from '@actions/core';
import type { Redactor } from '../common/redact.ts';
import { redactor as processRedactor } from '../common/redact.ts';
import { getInputs as validateInputs, type Inputs } from '../settings/inputs.ts';

export { hasControlChars, InputError, parseFlowNames, type Inputs } from '../settings/inputs.ts';

/** Reads and validates every input; `get` defaults to core.getInput (tests pass a plain function). */
export function getInputs(
  // flows keeps its line breaks (a trailing one selects line mode for a single name with a comma).
  get: (name: string) => string = (n) => core.getInput(n, { trimWhitespace: n !== 'flows' }),
  secrets: Redactor = processRedactor
): Inputs {
  return validateInputs(get, secrets);
}
