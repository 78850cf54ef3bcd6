// The checks the org makes of a parsed Archy file before publishing it (Architect jobs) or when asked to validate a
// stored version (validate jobs): every referenced object must exist, and the flow must not be locked.
import type { ArchyReference, ParsedArchy } from '../archy.ts';
import type { FlowRecord } from '../model.ts';
import type { Org } from '../org.ts';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function referenceError(org: Org, parsed: ParsedArchy, ref: ArchyReference): string | undefined {
  if (ref.kind === 'queue') {
    return org.queues.some((q) => sameName(q.name, ref.name))
      ? undefined
      : `Unable to find a queue named '${ref.name}'.`;
  }
  if (ref.kind === 'dataAction') {
    return org.dataActions.some((a) => sameName(a.name, ref.name))
      ? undefined
      : `Unable to find a data action named '${ref.name}'.`;
  }
  if (sameName(ref.name, parsed.name)) return undefined;
  const target = org.findFlowByName(ref.name);
  if (!target || (ref.kind === 'commonModule' && target.type !== 'commonmodule')) {
    return ref.kind === 'commonModule'
      ? `Unable to find a common module named '${ref.name}'.`
      : `Unable to find a flow named '${ref.name}'.`;
  }
  if (!target.publishedVersionId)
    return `The flow '${ref.name}' referenced by '${parsed.name}' has no published version.`;
  return undefined;
}

/** The checks Archy and the org would make before publishing; empty when the file can be published. */
export function checkAgainstOrg(org: Org, parsed: ParsedArchy, self?: FlowRecord): string[] {
  const errors: string[] = [];
  for (const ref of parsed.references) {
    const error = referenceError(org, parsed, ref);
    if (error !== undefined) errors.push(error);
  }
  const division = parsed.body.division;
  if (typeof division === 'string' && !org.divisions.some((d) => sameName(d.name, division))) {
    errors.push(`Unable to find a division named '${division}'.`);
  }
  if (self?.lockedUser) {
    errors.push(
      `Flow '${self.name}' is locked by user '${self.lockedUser.name}' and cannot be published. ` +
        `The user must check the flow in, or an administrator must unlock it.`
    );
  }
  return errors;
}
