import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, readZip } from './helpers.ts';
import type { Harness } from './helpers.ts';

const v1 = 'inboundCall:\n  name: Support IVR\n  description: one\n';
const v2 = 'inboundCall:\n  name: Support IVR\n  description: two\n';
const scenario = {
  // The upload itself behind a header: these tests are about the export job, not the rendering (render.test.ts).
  exportRendering: 'uploaded' as const,
  latency: { exportMs: 1000 },
  flows: [
    { name: 'Support IVR', type: 'inboundcall', versions: [{ yaml: v1 }, { yaml: v2 }] },
    {
      name: 'Callback',
      type: 'workflow',
      versions: [{ yaml: 'workflow:\n  name: Callback\n' }],
      draft: { yaml: 'workflow:\n  name: Callback\n  description: draft\n' }
    }
  ]
};

let h: Harness;
afterEach(async () => h?.close());

const ids = async () => {
  const flows = (await h.api('GET', '/api/v2/flows')).body.entities as { id: string; name: string }[];
  return Object.fromEntries(flows.map((f) => [f.name, f.id])) as Record<string, string>;
};

describe('export jobs', () => {
  it('exports exactly the requested version as YAML with the emulator header line', async () => {
    h = await harness(scenario);
    const { 'Support IVR': id } = await ids();
    const reg = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [{ flow: { id, version: '1.0' }, exportType: 'Yaml' }]
    });
    expect(reg.body).toMatchObject({ status: 'Registered', totalFlows: 1 });
    expect((await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}`)).body.downloadUrl).toBeUndefined();
    h.clock.advance(1000);
    const job = (await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}?expand=messages`)).body;
    expect(job).toMatchObject({ status: 'Success', command: 'Export', messages: [] });
    const download = await fetch(job.downloadUrl); // plain GET, no Authorization
    expect(download.status).toBe(200);
    const text = await download.text();
    expect(text).toBe(
      `# Exported by Genesys Cloud Architect emulator at ${new Date(h.clock.now()).toISOString()}\n${v1}`
    );
  });

  it('exports the draft when no version is given', async () => {
    h = await harness(scenario);
    const { Callback: id } = await ids();
    const reg = await h.api('POST', '/api/v2/flows/export/jobs', { flows: [{ flow: { id } }] });
    h.clock.advance(1000);
    const job = (await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}`)).body;
    expect(await (await fetch(job.downloadUrl)).text()).toContain('description: draft');
  });

  it('zips several flows', async () => {
    h = await harness(scenario);
    const flows = await ids();
    const reg = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [
        { flow: { id: flows['Support IVR'], version: '2.0' }, exportType: 'Yaml', fileName: 'support' },
        { flow: { id: flows.Callback, version: '1.0' }, exportType: 'Yaml' }
      ]
    });
    h.clock.advance(1000);
    const job = (await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}`)).body;
    const res = await fetch(job.downloadUrl);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = readZip(Buffer.from(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['Callback_v1.0.yaml', 'support.yaml']);
    expect(files['support.yaml']).toMatch(/^# Exported by .*\n/);
    expect(files['support.yaml']?.endsWith(v2)).toBe(true);
    expect(files['Callback_v1.0.yaml']?.endsWith('workflow:\n  name: Callback\n')).toBe(true);
  });

  it('fails for an unknown version, and on export-failure; slow-export delays', async () => {
    h = await harness({
      ...scenario,
      faults: [
        { kind: 'export-failure', flow: 'Callback', message: 'Export service unavailable', count: 1 },
        { kind: 'slow-export', flow: 'Support IVR', ms: 30_000, count: 1 }
      ]
    });
    const flows = await ids();
    const missing = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [{ flow: { id: flows.Callback, version: '9.0' } }]
    });
    expect(missing.status).toBe(200);
    h.clock.advance(1000);
    const failed = (await h.api('GET', `/api/v2/flows/export/jobs/${missing.body.id}?expand=messages`)).body;
    expect(failed.status).toBe('Failure');
    expect(failed.messages[0].text).toBe('Export service unavailable');
    const again = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [{ flow: { id: flows.Callback, version: '9.0' } }]
    });
    h.clock.advance(1000);
    const notFound = (await h.api('GET', `/api/v2/flows/export/jobs/${again.body.id}?expand=messages`)).body;
    expect(notFound.messages[0].text).toBe("Unable to find version '9.0' of flow 'Callback'.");

    const slow = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [{ flow: { id: flows['Support IVR'], version: '2.0' } }]
    });
    h.clock.advance(29_000);
    expect((await h.api('GET', `/api/v2/flows/export/jobs/${slow.body.id}`)).body.status).toBe('Started');
    h.clock.advance(1_000);
    expect((await h.api('GET', `/api/v2/flows/export/jobs/${slow.body.id}`)).body.status).toBe('Success');
  });

  it('refuses a download URL with a wrong signature', async () => {
    h = await harness(scenario);
    const flows = await ids();
    const reg = await h.api('POST', '/api/v2/flows/export/jobs', {
      flows: [{ flow: { id: flows.Callback, version: '1.0' } }]
    });
    h.clock.advance(1000);
    const job = (await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}`)).body;
    expect((await fetch(job.downloadUrl.replace(/Signature=\w+/, 'Signature=x'))).status).toBe(403);
  });
});
