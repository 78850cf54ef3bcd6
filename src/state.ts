// Names of the values the main step saves for the post step (core.saveState / core.getState).
export const STATE = { evidenceDir: 'evidence-dir', files: 'evidence-files', uploaded: 'evidence-uploaded' } as const;
