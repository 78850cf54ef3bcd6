// What the main step hands to the post step (core.saveState / core.getState): where the evidence is and whether it
// was uploaded. The post step uploads it when the main step could not (cancelled, crashed, upload failed).
import * as core from '@actions/core';

const KEYS = {
  evidenceDir: 'evidence-dir',
  files: 'evidence-files',
  uploaded: 'evidence-uploaded',
  artifactName: 'audit-artifact-name'
} as const;

export interface EvidenceLocation {
  dir: string;
  journalPath: string;
  auditPath: string;
  /** The audit-artifact-name input, as the main step read it. */
  artifactName: string;
}

export function saveEvidenceLocation(loc: EvidenceLocation): void {
  core.saveState(KEYS.evidenceDir, loc.dir);
  core.saveState(KEYS.files, JSON.stringify([loc.journalPath, loc.auditPath]));
  core.saveState(KEYS.artifactName, loc.artifactName);
  core.saveState(KEYS.uploaded, 'false');
}

export function markEvidenceUploaded(): void {
  core.saveState(KEYS.uploaded, 'true');
}

/** The evidence the main step left for the post step to upload; undefined when uploaded or never started. */
export function evidenceToUpload(): Partial<EvidenceLocation> | undefined {
  if (core.getState(KEYS.uploaded) !== 'false') return undefined;
  const [journalPath, auditPath] = JSON.parse(core.getState(KEYS.files) || '[]') as string[];
  return {
    dir: core.getState(KEYS.evidenceDir),
    journalPath,
    auditPath,
    artifactName: core.getState(KEYS.artifactName)
  };
}
