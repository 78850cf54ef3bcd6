import { describe, expect, it } from '@jest/globals';
import type { FlowSpec } from '../../src/manifest/types.ts';
import { draftSource } from '../../src/sources/draft.ts';
import { fileSource } from '../../src/sources/file.ts';
import { sourceOf, UnknownFlowSourceError } from '../../src/sources/registry.ts';
import { archy, draftFlow, fileFlow, harness, manifest, stage } from './helpers.ts';

describe('flow sources', () => {
  it('dispatches every manifest source to its module', () => {
    expect(sourceOf(fileFlow('Support IVR'))).toBe(fileSource);
    expect(sourceOf(draftFlow('Billing IVR'))).toBe(draftSource);
  });

  it('an unknown source is a typed error, never treated as another kind', () => {
    const spec = { name: 'Odd IVR', type: 'inboundcall', source: 'ftp', forceUnlock: false } as unknown as FlowSpec;
    expect(() => sourceOf(spec)).toThrow(UnknownFlowSourceError);
    expect(() => sourceOf(spec)).toThrow(
      'Flow "Odd IVR" has source "ftp", which this version of Flow Release does not know'
    );
  });

  it('the plan refuses a flow with an unknown source and changes nothing', async () => {
    const h = harness();
    h.api.addFlow({ name: 'Odd IVR', type: 'inboundcall', content: archy('Odd IVR', 'inboundcall', 'v1') });
    const odd = { ...draftFlow('Odd IVR'), source: 'ftp' } as unknown as FlowSpec;
    const r = await h.run({
      manifest: manifest([fileFlow('Support IVR'), odd], [stage('all', ['Support IVR', 'Odd IVR'])])
    });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/The plan has 1 problem\(s\); nothing was changed:\n- Flow "Odd IVR" has source "ftp"/);
    expect(h.journal.ofType('publish-started')).toEqual([]);
  });

  it('file: the file hash is recorded; draft: no hash, validated before the release', () => {
    const file = fileFlow('Support IVR');
    expect(fileSource.contentHash(file)).toBe(file.contentHash);
    expect(draftSource.contentHash(draftFlow('Billing IVR'))).toBeUndefined();
    expect([fileSource.validatedBeforeRelease, draftSource.validatedBeforeRelease]).toEqual([false, true]);
  });
});
