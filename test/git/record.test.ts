import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  artifactPath,
  readReleaseRecord,
  ReleaseRecordError,
  renderReleaseRecord,
  safeName
} from '../../src/git/record.ts';
import type { ReleaseRecord } from '../../src/git/types.ts';

const HASH = 'a'.repeat(64);
const RECORD: ReleaseRecord = {
  schemaVersion: 1,
  releaseId: 'rel-42',
  sourceCommit: '0123456789abcdef0123456789abcdef01234567',
  outcome: 'succeeded',
  flows: [
    {
      name: 'Support IVR',
      type: 'inboundcall',
      id: 'f-1',
      version: '3.0',
      contentHash: HASH,
      file: 'inboundcall/Support IVR.yaml'
    },
    {
      name: 'Callback',
      type: 'workflow',
      id: 'f-2',
      version: '7.0',
      contentHash: HASH,
      file: 'workflow/Callback.yaml'
    },
    {
      name: 'Billing IVR',
      type: 'inboundcall',
      id: 'f-3',
      version: '2.0',
      contentHash: HASH,
      file: 'inboundcall/Billing IVR.yaml'
    }
  ]
};

let dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flow-release-record-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('release record', () => {
  it('renders stable pretty JSON and reads it back', async () => {
    const text = renderReleaseRecord(RECORD);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "releaseId": "rel-42",\n');
    // Flows are sorted by type then name, so the order of the release does not create diffs.
    const reordered = renderReleaseRecord({ ...RECORD, flows: [...RECORD.flows].reverse() });
    expect(reordered).toBe(text);
    expect(JSON.parse(text).flows.map((f: { name: string }) => f.name)).toEqual([
      'Billing IVR',
      'Support IVR',
      'Callback'
    ]);
    const dir = tempDir();
    writeFileSync(join(dir, 'release.json'), text);
    const back = await readReleaseRecord(dir);
    expect(back && renderReleaseRecord(back)).toBe(text);
  });

  it('returns undefined when there is no record yet', async () => {
    expect(await readReleaseRecord(tempDir())).toBeUndefined();
  });

  it('names the file when it is not JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'release.json'), '{"schemaVersion": 1,');
    const err = await readReleaseRecord(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseRecordError);
    expect((err as Error).message).toContain(join(dir, 'release.json'));
    expect((err as Error).message).toMatch(/not valid JSON/);
  });

  it('names the file and the fields when the record is invalid', async () => {
    const dir = tempDir();
    const bad = {
      ...RECORD,
      schemaVersion: 2,
      flows: [{ ...RECORD.flows[0], contentHash: 'xyz', file: '../../etc/passwd' }]
    };
    writeFileSync(join(dir, 'release.json'), JSON.stringify(bad));
    const err = (await readReleaseRecord(dir).catch((e: unknown) => e)) as ReleaseRecordError;
    expect(err).toBeInstanceOf(ReleaseRecordError);
    expect(err.path).toBe(join(dir, 'release.json'));
    expect(err.message).toContain('schemaVersion');
    expect(err.message).toContain('flows.0.contentHash');
    expect(err.message).toContain('flows.0.file');
  });

  it('refuses a recorded file that git could read as an option', async () => {
    const dir = tempDir();
    const bad = { ...RECORD, flows: [{ ...RECORD.flows[0], file: 'inboundcall/--upload-pack=touch x.yaml' }] };
    writeFileSync(join(dir, 'release.json'), JSON.stringify(bad));
    const err = (await readReleaseRecord(dir).catch((e: unknown) => e)) as ReleaseRecordError;
    expect(err).toBeInstanceOf(ReleaseRecordError);
    expect(err.message).toContain('flows.0.file');
    expect(err.message).toContain('starting with "-"');
  });
});

describe('artifactPath', () => {
  it('maps type and name to <type>/<safe-name>.yaml', () => {
    expect(artifactPath('inboundcall', 'Support IVR')).toBe('inboundcall/Support IVR.yaml');
    expect(artifactPath('workflow', 'Callback_Workflow-v2.1')).toBe('workflow/Callback_Workflow-v2.1.yaml');
    expect(artifactPath('inboundcall', 'Café Ligne')).toBe('inboundcall/Café Ligne.yaml');
  });

  it('neutralises hostile names', () => {
    expect(artifactPath('inboundcall', '--upload-pack=touch x')).toBe('inboundcall/_-upload-pack_touch x.yaml');
    expect(artifactPath('inboundcall', '-rf')).toBe('inboundcall/_rf.yaml');
    expect(artifactPath('inboundcall', '../../.git/hooks/pre-commit')).toBe(
      'inboundcall/______.git_hooks_pre-commit.yaml'
    );
    expect(artifactPath('../x', '.hidden')).toBe('___x/_hidden.yaml');
    expect(artifactPath('inboundcall', 'a\nb\u0000c')).toBe('inboundcall/a_b_c.yaml');
    expect(artifactPath('inboundcall', '')).toBe('inboundcall/_.yaml');
    expect(artifactPath('inboundcall', 'ends with dot.')).toBe('inboundcall/ends with dot.yaml');
    expect(safeName('x'.repeat(500)).length).toBe(200);
  });

  it('never yields an unsafe path for any name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.string({ maxLength: 40 }), (name, type) => {
        const p = artifactPath(type, name);
        const parts = p.split('/');
        expect(parts).toHaveLength(2);
        for (const part of parts) {
          expect(part.startsWith('-') || part.startsWith('.')).toBe(false);
          expect(part).toMatch(/^[\p{L}\p{N} ._-]+$/u);
        }
        expect(p).not.toContain('..');
        expect(Buffer.byteLength(parts[1] ?? '', 'utf8')).toBeLessThanOrEqual(205);
      }),
      { seed: 7, numRuns: 1000 }
    );
  });
});
