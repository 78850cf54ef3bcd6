// Writes the step summary through @actions/core: the action's edge, kept out of the pure summary builder.
import * as core from '@actions/core';
import { capSummary } from '../evidence/markdown.ts';

/** The part of `core.summary` this module needs; tests pass a fake. */
export interface SummarySink {
  addRaw(text: string, addEOL?: boolean): { write(): Promise<unknown> };
}

/**
 * Appends the Markdown to the job summary. Returns false (and writes nothing) off a runner, where the default
 * `core.summary` has no GITHUB_STEP_SUMMARY file to write to.
 */
export async function writeSummary(markdown: string, summary?: SummarySink): Promise<boolean> {
  if (!summary && !process.env.GITHUB_STEP_SUMMARY) return false;
  await (summary ?? core.summary).addRaw(capSummary(markdown), true).write();
  return true;
}
