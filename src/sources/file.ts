// `file:` flows: Archy YAML in the repository, substituted by the manifest loader, uploaded through an Architect job.
// Changed when its content differs from what the last release recorded, or when the org drifted from that record.
import type { FileFlowSpec } from '../manifest/types.ts';
import type { FlowSource, PlanInput, SourcePlan } from './source.ts';

function plan({ spec, org, recorded: rec, lastReleaseId }: PlanInput<FileFlowSpec>): SourcePlan {
  const contentHash = spec.contentHash;
  if (!org) return { action: 'create', reason: 'does not exist in the org', contentHash };
  if (!rec || rec.contentHash !== spec.contentHash) {
    const reason = rec ? 'content changed since the last release' : 'no record of a previous release of this content';
    return { action: 'update', reason, contentHash };
  }
  const published = org.publishedVersion?.id;
  if (rec.id === org.id && rec.version === published) {
    return {
      action: 'unchanged',
      reason: `same content as release ${lastReleaseId}, still published as version ${rec.version}`,
      contentHash
    };
  }
  return {
    action: 'update',
    drift: { recordedVersion: rec.version, actualVersion: published },
    reason: `drift: release ${lastReleaseId} left version ${rec.version}, the org publishes ${published ?? 'nothing'}`,
    contentHash
  };
}

export const fileSource: FlowSource<FileFlowSpec> = {
  kind: 'file',
  plan,
  validatedBeforeRelease: false,
  publish: (spec, _planned, via) => via.architectJob(spec.content),
  contentHash: (spec) => spec.contentHash
};
