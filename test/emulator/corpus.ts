// The Archy corpus: 61 real flows kept beside the project (../shared/archy-corpus from the project root), reference
// data read at test time and never copied into the repository. ARCHY_CORPUS overrides the location (e.g. from a git
// worktree). Tests that use it skip when it is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = process.env.ARCHY_CORPUS ?? resolve(process.cwd(), '../shared/archy-corpus');

export interface CorpusFile {
  file: string;
  text: string;
}

/** The corpus's flow files, sorted by name; empty when the corpus is absent. */
export function corpusFiles(): CorpusFile[] {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(CORPUS_DIR, file), 'utf8') }));
}

/** Placeholders filled the way Archy/Terraform would (the exact `{{key}}` text replaced) with generated values. */
export const fillPlaceholders = (text: string) =>
  text.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (_m, key: string) => `ph-${key}`);
