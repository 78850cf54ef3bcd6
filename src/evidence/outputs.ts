// The action's outputs: a pure function of the journal plus what happened after it (audit path, artifact, commit).
import { deriveRelease } from '../journal/derive.ts';
import type { JournalEvent } from '../journal/events.ts';

export type OutputName = 'outcome' | 'release-id' | 'published' | 'audit-log' | 'artifact-id' | 'commit-sha';

export interface OutputExtra {
  auditLogPath: string;
  artifactId?: string | number;
  commitSha?: string;
}

export function computeOutputs(events: readonly JournalEvent[], extra: OutputExtra): Record<OutputName, string> {
  const d = deriveRelease(events);
  // Fixed key order so the output is byte-stable for the same release.
  const published = d.published.map((p) => ({
    name: p.name,
    type: p.type,
    flowId: p.flowId,
    fromVersion: p.fromVersion,
    toVersion: p.toVersion
  }));
  const commitSha = extra.commitSha ?? (d.commit?.pushed ? d.commit.sha : undefined);
  const artifactId = extra.artifactId;
  return {
    outcome: d.outcome,
    'release-id': d.releaseId ?? '',
    published: JSON.stringify(published),
    'audit-log': extra.auditLogPath,
    'artifact-id': artifactId === undefined ? '' : String(artifactId),
    'commit-sha': commitSha ?? ''
  };
}
