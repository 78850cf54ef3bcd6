// The checks the org makes of a parsed Archy file before publishing it (Architect jobs) or when asked to validate a
// stored version (validate jobs): every referenced object must exist, and the flow must not be locked.
import type { ParsedArchy } from '../archy.ts';
import type { FlowRecord } from '../model.ts';
import type { Org } from '../org.ts';
import type { DataActionRef, FlowRef } from '../references.ts';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** How a real job names the kind of flow it could not find. */
const FLOW_KIND: Readonly<Record<string, string>> = {
  commonmodule: 'a common module',
  bot: 'a bot flow',
  digitalbot: 'a digital bot flow',
  inqueuecall: 'an in-queue call flow',
  inqueueemail: 'an in-queue email flow',
  inqueueshortmessage: 'an in-queue message flow'
};

function dataActionError(org: Org, ref: DataActionRef): string | undefined {
  const found = org.dataActions.some(
    (a) =>
      sameName(a.name, ref.name) &&
      (a.category === undefined || ref.category === undefined || sameName(a.category, ref.category))
  );
  if (found) return undefined;
  return ref.category === undefined
    ? `Unable to find a data action named '${ref.name}'.`
    : `Unable to find a data action named '${ref.name}' in the integration '${ref.category}'.`;
}

function flowError(org: Org, parsed: ParsedArchy, ref: FlowRef): string | undefined {
  if (sameName(ref.name, parsed.name) && (ref.type === undefined || ref.type === parsed.type)) return undefined;
  const target = org.findFlowByName(ref.name);
  if (!target || (ref.type !== undefined && target.type !== ref.type)) {
    return `Unable to find ${(ref.type && FLOW_KIND[ref.type]) ?? 'a flow'} named '${ref.name}'.`;
  }
  if (!target.publishedVersionId) {
    return `The flow '${ref.name}' referenced by '${parsed.name}' has no published version.`;
  }
  return undefined;
}

function referenceErrors(org: Org, parsed: ParsedArchy): string[] {
  const refs = parsed.references;
  const errors: (string | undefined)[] = [
    ...refs.queues.map((name) =>
      org.queues.some((q) => sameName(q.name, name)) ? undefined : `Unable to find a queue named '${name}'.`
    ),
    ...refs.dataActions.map((ref) => dataActionError(org, ref)),
    ...refs.flows.map((ref) => flowError(org, parsed, ref))
  ];
  return errors.filter((e): e is string => e !== undefined);
}

/** The checks Archy and the org would make before publishing; empty when the file can be published. */
export function checkAgainstOrg(org: Org, parsed: ParsedArchy, self?: FlowRecord): string[] {
  const errors = referenceErrors(org, parsed);
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
