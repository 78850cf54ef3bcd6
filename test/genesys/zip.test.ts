import { describe, expect, it } from '@jest/globals';
import { isZip, readZip, ZipError } from '../../src/genesys/zip.ts';
import { buildZip } from './helpers.ts';

describe('zip reader', () => {
  const support =
    'inboundCall:\n  name: Support IVR\n  defaultLanguage: en-us\n' + '  # filler line to compress\n'.repeat(50);
  const callback = 'workflow:\n  name: Callback Workflow — ünïcode\n';

  it('reads deflated and stored entries, skipping directories', () => {
    const zip = buildZip([
      { name: 'flows/', content: '', method: 0 },
      { name: 'flows/Support IVR.yaml', content: support, method: 8 },
      { name: 'Callback Workflow.yaml', content: callback, method: 0 }
    ]);
    expect(isZip(zip)).toBe(true);
    const files = readZip(zip);
    expect(files.map((f) => f.name)).toEqual(['flows/Support IVR.yaml', 'Callback Workflow.yaml']);
    expect(files[0]?.data.toString('utf8')).toBe(support);
    expect(files[1]?.data.toString('utf8')).toBe(callback);
  });

  it('detects a CRC mismatch, truncation and non-zips', () => {
    const bad = buildZip([{ name: 'a.yaml', content: support, method: 8 }], { corruptCrcOf: 'a.yaml' });
    expect(() => readZip(bad)).toThrow(/CRC mismatch for "a.yaml"/);
    const good = buildZip([{ name: 'a.yaml', content: support, method: 8 }]);
    expect(() => readZip(good.subarray(0, 40))).toThrow(ZipError);
    expect(isZip(Buffer.from('inboundCall:\n'))).toBe(false);
    expect(() => readZip(Buffer.from('inboundCall:\n  name: x\n  more: text'))).toThrow(/not a zip/);
  });

  it('refuses entries that would escape the target directory', () => {
    expect(() => readZip(buildZip([{ name: '../evil.yaml', content: 'x', method: 0 }]))).toThrow(/parent-relative/);
    expect(() => readZip(buildZip([{ name: '/etc/passwd', content: 'x', method: 0 }]))).toThrow(/absolute/);
  });
});
