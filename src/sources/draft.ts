// `source: draft` flows: promote the version checked in with Architect (actions/publish). Changed when a checked-in
// version is newer than the published one; validated by one validate job before anything changes. Nothing is
// uploaded, so there is no content to verify the published version against.
import type { DraftFlowSpec } from '../manifest/types.ts';
import type { FlowSource, PlanInput, SourcePlan } from './source.ts';

/** Numeric comparison of Genesys version ids such as "14.0" (a string compare would put "9.0" after "10.0"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10));
  const pb = b.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

function plan({ spec, org, recorded: rec, lastReleaseId }: PlanInput<DraftFlowSpec>): SourcePlan {
  if (!org) {
    return {
      action: 'create',
      reason: 'missing in the org',
      error: `Flow "${spec.name}" (${spec.type}) has source: draft but does not exist in the org. Create and check it in with Architect first, or give it a file: in the manifest.`
    };
  }
  const published = org.publishedVersion?.id;
  const checkedIn = org.checkedInVersion?.id;
  if (checkedIn && (!published || compareVersions(checkedIn, published) > 0)) {
    return {
      action: 'update',
      draftVersion: checkedIn,
      reason: `promote checked-in version ${checkedIn} over published ${published ?? 'none'}`
    };
  }
  if (rec && rec.id === org.id && rec.version === published) {
    return {
      action: 'unchanged',
      reason: `no checked-in version newer than published ${published}, as recorded by release ${lastReleaseId}`
    };
  }
  return {
    action: 'update',
    reason: 'nothing to promote',
    error:
      `Flow "${spec.name}" has source: draft but no checked-in version newer than the published one ` +
      `(checked in ${checkedIn ?? 'none'}, published ${published ?? 'none'}). Check in the draft in Architect, or remove the flow from this release.`
  };
}

export const draftSource: FlowSource<DraftFlowSpec> = {
  kind: 'draft',
  plan,
  validatedBeforeRelease: true,
  publish: (_spec, planned, via) => via.promoteVersion(planned.draftVersion!),
  contentHash: () => undefined
};
