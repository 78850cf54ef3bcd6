// The release record (`<artifacts.dir>/release.json`) and the file layout of the committed exports.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ReleaseRecord } from './types.ts';

export const RELEASE_RECORD_FILE = 'release.json';

/** Longest safe-name in UTF-8 bytes: leaves room for the `.yaml` suffix under the usual 255-byte file name limit. */
const MAX_NAME_BYTES = 200;

const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the artifacts directory'
  })
  // A segment git could read as an option (`--upload-pack=…`) or a control character never comes from artifactPath.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  .refine((p) => !p.split('/').some((seg) => seg.startsWith('-')) && !/[\u0000-\u001f\u007f]/.test(p), {
    message: 'must not have a segment starting with "-" or contain control characters'
  });

const releaseRecordSchema = z.object({
  schemaVersion: z.literal(1),
  releaseId: z.string().min(1),
  sourceCommit: z.string(),
  outcome: z.literal('succeeded'),
  flows: z.array(
    z.object({
      name: z.string().min(1),
      type: z.string().min(1),
      id: z.string().min(1),
      version: z.string().min(1),
      contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case sha256 hex digest'),
      file: relativeFile
    })
  )
});

export class ReleaseRecordError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'ReleaseRecordError';
    this.path = path;
  }
}

/**
 * Reads `<dir>/release.json`. Returns undefined when the file does not exist (first release); throws a
 * ReleaseRecordError naming the file when it is unreadable, not JSON, or not a valid record.
 */
export async function readReleaseRecord(dir: string): Promise<ReleaseRecord | undefined> {
  const path = join(dir, RELEASE_RECORD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReleaseRecordError(path, `Cannot read the release record ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ReleaseRecordError(
      path,
      `The release record ${path} is not valid JSON (${(e as Error).message}). ` +
        'Restore it from git history, or delete it so that the next release treats every flow as changed.'
    );
  }
  const parsed = releaseRecordSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ReleaseRecordError(
      path,
      `The release record ${path} is invalid: ${issues.join('; ')}. ` +
        'Restore it from git history, or delete it so that the next release treats every flow as changed.'
    );
  }
  return parsed.data;
}

/**
 * Pretty JSON with a fixed key order and flows sorted by type and name, so that the same release state always
 * renders to the same bytes (no diff noise in git). Ends with a newline.
 */
export function renderReleaseRecord(record: ReleaseRecord): string {
  const flows = [...record.flows]
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.name, b.name))
    .map((f) => ({
      name: f.name,
      type: f.type,
      id: f.id,
      version: f.version,
      contentHash: f.contentHash,
      file: f.file
    }));
  const ordered = {
    schemaVersion: record.schemaVersion,
    releaseId: record.releaseId,
    sourceCommit: record.sourceCommit,
    outcome: record.outcome,
    flows
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A file-name-safe form of a flow (or type) name: keeps letters, digits, space, dot, dash and underscore, replaces
 * everything else with `_`, and never yields a name that starts with `-` or `.`, contains `..` or `/`, or is empty.
 * Hostile names such as `--upload-pack=touch x` or `../../.git/hooks/x` therefore become inert file names.
 */
export function safeName(name: string): string {
  let s = name.normalize('NFC').replace(/[^\p{L}\p{N} ._-]/gu, '_');
  s = s.replace(/\.{2,}/g, (m) => '_'.repeat(m.length));
  s = s.replace(/^[-.]/, '_');
  if (Buffer.byteLength(s, 'utf8') > MAX_NAME_BYTES) {
    let out = '';
    for (const ch of s) {
      if (Buffer.byteLength(out + ch, 'utf8') > MAX_NAME_BYTES) break;
      out += ch;
    }
    s = out;
  }
  // A trailing dot would form `..` with the `.yaml` suffix; trailing spaces are invisible and trouble on Windows.
  s = s.replace(/[ .]+$/, '');
  return s === '' ? '_' : s;
}

/** Path of a flow's exported YAML relative to the artifacts dir: `<type>/<safe-name>.yaml`. */
export function artifactPath(type: string, name: string): string {
  return `${safeName(type)}/${safeName(name)}.yaml`;
}
