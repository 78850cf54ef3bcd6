// Turns a successful release into the files the repository keeps — `<dir>/<type>/<name>.yaml` for every flow the
// manifest releases and `<dir>/release.json` — and hands them to the committer. Flows not released this time (a
// `flows` subset, or unchanged) keep the files and record entries of the last release, so the directory always
// describes everything that is live.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalSink } from '../journal/events.ts';
import type { ReleaseManifest } from '../manifest/types.ts';
import type { Command, ExportedFlow } from '../domain/types.ts';
import { artifactPath, renderReleaseRecord } from './record.ts';
import type { CommitResult, Committer, ReleaseRecord } from './types.ts';

export interface CommitArtifactsOptions {
  committer: Committer;
  workspace: string;
  manifest: ReleaseManifest;
  /** The result of the release: the exported content of every flow it left live at a new version. */
  result: { exports: ExportedFlow[] };
  lastRecord?: ReleaseRecord;
  releaseId: string;
  command: Command;
  sourceCommit: string;
  branch: string;
  token?: string;
  journal: JournalSink;
}

export function buildArtifactFiles(opts: Omit<CommitArtifactsOptions, 'committer' | 'branch' | 'token' | 'journal'>): {
  record: ReleaseRecord;
  files: { path: string; content: string }[];
} {
  const { manifest, result, lastRecord, workspace } = opts;
  const dir = manifest.artifacts.dir.replace(/\/+$/, '');
  const exported = new Map(result.exports.map((e) => [e.name, e]));
  const previous = new Map((lastRecord?.flows ?? []).map((f) => [f.name, f]));
  const flows: ReleaseRecord['flows'] = [];
  const files: { path: string; content: string }[] = [];
  for (const spec of manifest.flows) {
    const file = artifactPath(spec.type, spec.name);
    const e = exported.get(spec.name);
    const old = previous.get(spec.name);
    if (e) {
      // After `command: rollback` the live content is the recorded one, not the manifest's current file.
      const hash =
        opts.command === 'rollback'
          ? (old?.contentHash ?? e.contentHash)
          : spec.source === 'file'
            ? spec.contentHash
            : e.contentHash;
      flows.push({ name: spec.name, type: spec.type, id: e.flowId, version: e.version, contentHash: hash, file });
      files.push({ path: `${dir}/${file}`, content: e.content });
      continue;
    }
    if (!old) continue;
    flows.push(old);
    try {
      files.push({ path: `${dir}/${old.file}`, content: readFileSync(join(workspace, dir, old.file), 'utf8') });
    } catch {
      // The old export is gone from the tree: keep the record entry; the next release of that flow restores it.
    }
  }
  const record: ReleaseRecord = {
    schemaVersion: 1,
    releaseId: opts.releaseId,
    sourceCommit: opts.sourceCommit,
    outcome: 'succeeded',
    flows
  };
  files.push({ path: `${dir}/release.json`, content: renderReleaseRecord(record) });
  return { record, files };
}

export async function commitArtifacts(opts: CommitArtifactsOptions): Promise<CommitResult> {
  const { files } = buildArtifactFiles(opts);
  const message = opts.manifest.artifacts.message.split('{{release}}').join(opts.releaseId);
  if (!opts.branch) {
    throw new Error(
      'Cannot tell which branch to push to (GITHUB_REF_NAME is empty). Run the release on a branch push or workflow_dispatch, or set commit-artifacts: false.'
    );
  }
  try {
    const res = await opts.committer.commitAndPush({
      cwd: opts.workspace,
      files,
      cleanDir: opts.manifest.artifacts.dir,
      message,
      branch: opts.branch,
      token: opts.token
    });
    opts.journal.append('commit', {
      status: 'ok',
      details: {
        sha: res.sha,
        files: res.files,
        pushed: res.pushed,
        attempts: res.attempts,
        skipped: res.sha ? undefined : 'nothing changed'
      }
    });
    return res;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    opts.journal.append('commit', {
      status: 'error',
      details: { files: files.map((f) => f.path), pushed: false, attempts: 0, error: msg }
    });
    throw e;
  }
}
