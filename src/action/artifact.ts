// Uploads the audit evidence as a workflow artifact on a runner; off a runner (local runs, the demo) copies it to a
// local folder instead and says where. The artifact client is injected so tests never upload.
import { copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, dirname, isAbsolute } from 'node:path';

/** The part of @actions/artifact's `ArtifactClient` used here. */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number; compressionLevel?: number }
  ): Promise<{ id?: number; size?: number; digest?: string }>;
}

export interface UploadAuditOptions {
  name: string;
  files: string[];
  rootDir: string;
  env?: NodeJS.ProcessEnv;
  client?: ArtifactUploader;
  retentionDays?: number;
}

export interface UploadAuditResult {
  id?: number;
  size?: number;
  localPath?: string;
  /** Why nothing was uploaded (GitHub Enterprise Server): a notice for the log. */
  skipped?: string;
}

/** What the artifact client says of a GitHub Enterprise Server host (it has no artifact service for it). */
export function isGhes(env: NodeJS.ProcessEnv): boolean {
  let host: string;
  try {
    host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

function ghesNotice(env: NodeJS.ProcessEnv): string {
  return (
    `The audit artifact was not uploaded: this action's artifact client does not support GitHub Enterprise Server ` +
    `(${env.GITHUB_SERVER_URL ?? 'this server'}). The audit log stays on the runner at the path in the audit-log ` +
    'output; to keep it, add a step that uploads that path with the upload-artifact version your server supports.'
  );
}

/** Artifact names may not contain these (the artifact service rejects them). */
const BAD_NAME = /["':<>|*?\\/\r\n]/;

export async function uploadAudit(options: UploadAuditOptions): Promise<UploadAuditResult> {
  const env = options.env ?? process.env;
  const { name, files, rootDir } = options;
  if (!name.trim() || BAD_NAME.test(name)) {
    throw new Error(
      `Invalid audit-artifact-name "${name}": use letters, digits, dots, dashes and underscores (no " : < > | * ? \\ / or newlines).`
    );
  }
  if (!files.length) throw new Error('No audit files to upload.');
  if (env.ACTIONS_RUNTIME_TOKEN) {
    if (isGhes(env)) return { skipped: ghesNotice(env) };
    const client = options.client ?? (await defaultClient());
    let res: Awaited<ReturnType<ArtifactUploader['uploadArtifact']>>;
    try {
      res = await client.uploadArtifact(name, files, rootDir, {
        ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
        // The audit log is JSON: it compresses well and is small.
        compressionLevel: 6
      });
    } catch (e) {
      if (e instanceof Error && e.name === 'GHESNotSupportedError') return { skipped: ghesNotice(env) };
      throw e;
    }
    if (res.id === undefined || res.id === null) {
      throw new Error(
        `Uploading artifact "${name}" returned no artifact id, so it cannot be linked or proven uploaded. ` +
          'Check that the job can write artifacts (actions/upload-artifact works in this workflow) and re-run.'
      );
    }
    return { id: res.id, ...(res.size !== undefined && { size: res.size }) };
  }
  // Off a runner: keep the same layout the artifact would have, relative to rootDir.
  const target = join(env.RUNNER_TEMP || tmpdir(), 'flow-release-artifacts', name);
  const root = resolve(rootDir);
  for (const file of files) {
    const rel = relative(root, resolve(file));
    const dest = rel && !rel.startsWith('..') && !isAbsolute(rel) ? join(target, rel) : join(target, basename(file));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(file, dest);
  }
  return { localPath: target };
}

async function defaultClient(): Promise<ArtifactUploader> {
  // Loaded only on a runner: the artifact client pulls in a large dependency tree.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return new DefaultArtifactClient();
}
