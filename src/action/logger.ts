// The Logger that writes to the runner through @actions/core. Every line is redacted, and a line that would start a
// workflow command (`::name::`) is defused, so a hostile flow name or API message can never mask output, stop command
// processing or set an output.
import * as core from '@actions/core';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';

/**
 * Makes text safe to print on a runner: redacted, and no line can be read as a workflow command — neither `::name::`
 * at the start of a line nor the legacy `##[name]` form, which the runner recognises anywhere in a line.
 */
export function safeText(text: string): string {
  const clean = redactor.redact(text);
  // Fast path for the common line (no CR, nothing that could read as a command): no split/map/join copies.
  if (!clean.includes('::') && !clean.includes('##[') && !clean.includes('\r')) return clean;
  return clean
    .split(/\r?\n|\r/)
    .map((line) => (/^\s*::/.test(line) ? `\u2063${line.replace(/::/g, ':\u2063:')}` : line))
    .map((line) => line.replace(/##\[/g, '#\u2063#['))
    .join('\n');
}

export const coreLogger: Logger = {
  debug: (m) => core.debug(safeText(m)),
  info: (m) => core.info(safeText(m)),
  warning: (m, a) => core.warning(safeText(m), a),
  error: (m, a) => core.error(safeText(m), a),
  startGroup: (n) => core.startGroup(safeText(n)),
  endGroup: () => core.endGroup(),
  setSecret: (v) => {
    redactor.add(v);
    core.setSecret(v);
  }
};
