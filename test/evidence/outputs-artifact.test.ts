import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGhes, uploadAudit, type ArtifactUploader } from '../../src/action/artifact.ts';
import { computeOutputs } from '../../src/evidence/outputs.ts';
import { setOutputs } from '../../src/action/outputs-sink.ts';
import { redactor } from '../../src/common/redact.ts';
import { scenario, tempDir } from './fixtures.ts';

describe('computeOutputs', () => {
  it('sets every output for a successful release', () => {
    const out = computeOutputs(scenario('succeeded').journal.events, { auditLogPath: '/tmp/a.json', artifactId: 55 });
    expect(out).toEqual({
      outcome: 'succeeded',
      'release-id': 'rel-20260101T000000Z-abc123',
      published: JSON.stringify([
        { name: 'Callback Workflow', type: 'workflow', flowId: 'f-callback', fromVersion: '3.0', toVersion: '4.0' },
        { name: 'Support IVR', type: 'inboundcall', flowId: 'f-support', fromVersion: null, toVersion: '1.0' }
      ]),
      'audit-log': '/tmp/a.json',
      'artifact-id': '55',
      // Taken from the journal's pushed commit when not passed explicitly.
      'commit-sha': 'fedcba9876543210fedcba9876543210fedcba98'
    });
  });

  it('a rolled-back release publishes nothing and has no commit', () => {
    const out = computeOutputs(scenario('rolled-back').journal.events, { auditLogPath: 'a.json' });
    expect(out).toMatchObject({ outcome: 'rolled-back', published: '[]', 'artifact-id': '', 'commit-sha': '' });
  });

  it('a cancelled run reports what the journal proves was published', () => {
    const events = scenario('succeeded').journal.events.slice(0, 8);
    const out = computeOutputs(events, { auditLogPath: 'a.json', commitSha: 'abc' });
    expect(out.outcome).toBe('failed');
    expect(JSON.parse(out.published)).toEqual([
      { name: 'Callback Workflow', type: 'workflow', flowId: 'f-callback', fromVersion: '3.0', toVersion: '4.0' }
    ]);
    expect(out['commit-sha']).toBe('abc');
  });

  it('setOutputs sets each output once, redacted', () => {
    const set: [string, string][] = [];
    redactor.add('planted-secret-xyz');
    setOutputs(
      {
        outcome: 'failed',
        'release-id': 'r',
        published: '[]',
        'audit-log': '/tmp/planted-secret-xyz/a.json',
        'artifact-id': '',
        'commit-sha': ''
      },
      (n, v) => set.push([n, v])
    );
    expect(set.map(([n]) => n)).toEqual([
      'outcome',
      'release-id',
      'published',
      'audit-log',
      'artifact-id',
      'commit-sha'
    ]);
    expect(set.find(([n]) => n === 'audit-log')?.[1]).toBe('/tmp/***/a.json');
  });
});

describe('uploadAudit', () => {
  const files = () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'audit.json'), '{"a":1}');
    writeFileSync(join(dir, 'sub', 'journal.jsonl'), '{"seq":1}\n');
    return { dir, list: [join(dir, 'audit.json'), join(dir, 'sub', 'journal.jsonl')] };
  };

  it('uploads through the client on a runner and returns the id', async () => {
    const { dir, list } = files();
    const calls: unknown[] = [];
    const client: ArtifactUploader = {
      uploadArtifact: async (name, f, root, options) => {
        calls.push({ name, f, root, options });
        return { id: 1234, size: 99 };
      }
    };
    const res = await uploadAudit({
      name: 'flow-release-audit',
      files: list,
      rootDir: dir,
      env: { ACTIONS_RUNTIME_TOKEN: 't' },
      client
    });
    expect(res).toEqual({ id: 1234, size: 99 });
    expect(calls).toEqual([{ name: 'flow-release-audit', f: list, root: dir, options: { compressionLevel: 6 } }]);
  });

  it('a response without an id is an error', async () => {
    const { dir, list } = files();
    const client: ArtifactUploader = { uploadArtifact: async () => ({}) };
    await expect(
      uploadAudit({ name: 'audit', files: list, rootDir: dir, env: { ACTIONS_RUNTIME_TOKEN: 't' }, client })
    ).rejects.toThrow(/returned no artifact id/);
  });

  it('off a runner copies the files to a local folder, keeping their layout', async () => {
    const { dir, list } = files();
    const runnerTemp = tempDir();
    const client: ArtifactUploader = {
      uploadArtifact: async () => {
        throw new Error('must not upload off a runner');
      }
    };
    const res = await uploadAudit({
      name: 'audit',
      files: list,
      rootDir: dir,
      env: { RUNNER_TEMP: runnerTemp },
      client
    });
    expect(res).toEqual({ localPath: join(runnerTemp, 'flow-release-artifacts', 'audit') });
    expect(readFileSync(join(res.localPath!, 'audit.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(join(res.localPath!, 'sub', 'journal.jsonl'), 'utf8')).toBe('{"seq":1}\n');
  });

  it('on GitHub Enterprise Server skips the upload with a notice pointing at the audit-log output', async () => {
    const { dir, list } = files();
    const client: ArtifactUploader = {
      uploadArtifact: async () => {
        throw new Error('must not upload on GHES');
      }
    };
    const env = { ACTIONS_RUNTIME_TOKEN: 't', GITHUB_SERVER_URL: 'https://ghes.contoso.internal' };
    const res = await uploadAudit({ name: 'audit', files: list, rootDir: dir, env, client });
    expect(res.id).toBeUndefined();
    expect(res.skipped).toMatch(/GitHub Enterprise Server \(https:\/\/ghes\.contoso\.internal\).*audit-log output/);
    expect(isGhes({ GITHUB_SERVER_URL: 'https://github.com' })).toBe(false);
    expect(isGhes({ GITHUB_SERVER_URL: 'https://contoso.ghe.com' })).toBe(false);
    expect(isGhes({})).toBe(false);
  });

  it("turns the artifact client's GHESNotSupportedError into the same notice", async () => {
    const { dir, list } = files();
    const client: ArtifactUploader = {
      uploadArtifact: async () => {
        const e = new Error(
          '@actions/artifact v2.0.0+, upload-artifact@v4+ and download-artifact@v4+ are not currently supported on GHES.'
        );
        e.name = 'GHESNotSupportedError';
        throw e;
      }
    };
    const res = await uploadAudit({
      name: 'audit',
      files: list,
      rootDir: dir,
      env: { ACTIONS_RUNTIME_TOKEN: 't' },
      client
    });
    expect(res.skipped).toMatch(/not uploaded.*audit-log output/);
  });

  it('rejects an artifact name the service would refuse, saying what is allowed', async () => {
    const { dir, list } = files();
    await expect(uploadAudit({ name: 'a/b', files: list, rootDir: dir, env: {} })).rejects.toThrow(
      /Invalid audit-artifact-name/
    );
  });
});
