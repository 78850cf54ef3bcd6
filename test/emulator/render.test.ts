// Exports rendered the way Architect renders them (emulator/render.ts): on a hand-written flow, on the corpus
// (../shared/archy-corpus, skipped when absent), and through export jobs with `exportRendering: architect`.
import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { FakeClock } from '../../src/common/clock.ts';
import { renderExport } from '../../emulator/render.ts';
import { startEmulator } from '../../emulator/server.ts';
import { corpusFiles, fillPlaceholders } from './corpus.ts';
import { harness, uploadJob } from './helpers.ts';
import type { Harness, Json } from './helpers.ts';

const HAND_WRITTEN = `# my IVR
inboundCall:
  defaultLanguage: en-us
  name: Hand IVR
  startUpRef: ./menus/menu[mainMenu]
  variables:
    - stringVariable:
        name: Flow.greeting
  menus:
    - menu:
        audio:
          tts: Hello
        name: Main Menu
        refId: mainMenu
        choices:
          - menuJumpToTask:
              name: Go
              dtmf: digit_1
              targetTaskRef: ./tasks/task[work]
  tasks:
    - task:
        name: Work
        refId: work
        actions:
          - updateData:
              name: Set
              statements:
                - string:
                    variable: Flow.greeting
                    value:
                      exp: |
                        Append("a",
                          "b ")
          - disconnect:
              name: Bye
`;

describe('renderExport', () => {
  const out = renderExport(HAND_WRITTEN);
  const body = (parse(out) as Json).inboundCall;

  it('writes division, an empty description, numbered refIds and absolute quoted references', () => {
    expect(out).not.toContain('#');
    expect(out.split('\n').slice(0, 5)).toEqual([
      'inboundCall:',
      '  name: Hand IVR',
      '  description: ""',
      '  division: Home',
      '  startUpRef: "/inboundCall/menus/menu[Main Menu_10]"'
    ]);
    expect(body.menus[0].menu.refId).toBe('Main Menu_10');
    expect(body.tasks[0].task.refId).toBe('Work_20');
    expect(out).toContain('targetTaskRef: "/inboundCall/tasks/task[Work_20]"');
    expect(Object.keys(body.menus[0].menu).slice(0, 2)).toEqual(['name', 'refId']);
  });

  it('writes out the settings blocks of the flow type and per-object defaults', () => {
    expect(Object.keys(body)).toEqual([
      'name',
      'description',
      'division',
      'startUpRef',
      'defaultLanguage',
      'supportedLanguages',
      'variables',
      'settingsActionDefaults',
      'settingsErrorHandling',
      'settingsMenu',
      'settingsPrompts',
      'settingsSpeechRec',
      'menus',
      'tasks'
    ]);
    expect(body.variables[0].stringVariable).toEqual({
      name: 'Flow.greeting',
      initialValue: { noValue: true },
      isInput: false,
      isOutput: false
    });
    expect(body.menus[0].menu.choices[0].menuJumpToTask).toMatchObject({
      globalDtmf: false,
      globalSpeechRecTerms: false
    });
    expect(body.menus[0].menu.settingsMenu.repeatCount).toEqual({ noValue: true });
    expect(body.settingsErrorHandling.errorHandling).toEqual({ disconnect: { none: true } });
  });

  it('writes expressions as double-quoted one-line strings, trailing spaces kept', () => {
    expect(out).toContain('exp: "Append(\\"a\\",\\n  \\"b \\")\\n"');
  });

  it('is stable, idempotent, and uses the flow’s division', () => {
    expect(renderExport(HAND_WRITTEN)).toBe(out);
    expect(renderExport(out)).toBe(out);
    expect(renderExport(HAND_WRITTEN, { division: 'Sales' })).toContain('\n  division: Sales\n');
    expect(renderExport('inboundCall:\n  name: X\n  division: Ops\n', { division: 'Sales' })).toContain(
      'division: Ops'
    );
  });
});

const corpus = corpusFiles();
(corpus.length > 0 ? describe : describe.skip)('renderExport over the Archy corpus', () => {
  const rendered = corpus.map(({ file, text }) => {
    const source = fillPlaceholders(text);
    return { file, source, out: renderExport(source) };
  });

  it('is idempotent and has the export properties for all 61 files', () => {
    expect(rendered).toHaveLength(61);
    for (const { file, out } of rendered) {
      expect([file, renderExport(out)]).toEqual([file, out]);
      const doc = parse(out) as Json;
      const key = Object.keys(doc)[0] as string;
      const flowBody = doc[key];
      expect([file, typeof flowBody.division, typeof flowBody.description]).toEqual([file, 'string', 'string']);
      expect(out.startsWith('#')).toBe(false);
      for (const m of out.matchAll(/^\s*refId: (.*)$/gm))
        expect([file, m[1]]).toEqual([file, expect.stringMatching(/_\d+$/)]);
      if (flowBody.startUpRef !== undefined) {
        expect([file, out]).toEqual([file, expect.stringContaining(`startUpRef: "/${key}/`)]);
      }
    }
  });

  it('reproduces Architect exports byte for byte where the Archy version matches (a fixed point)', () => {
    const same = rendered.filter(({ source, out }) => source === out).map(({ file }) => file.slice(0, 2));
    expect(same).toEqual(expect.arrayContaining(['01', '03', '09', '11', '35']));
  });
});

describe('export jobs with exportRendering', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function exportText(flowId: string, version: string): Promise<string> {
    const reg = await h.api('POST', '/api/v2/flows/export/jobs', { flows: [{ flow: { id: flowId, version } }] });
    h.clock.advance(1000);
    const job = (await h.api('GET', `/api/v2/flows/export/jobs/${reg.body.id}`)).body;
    return (await fetch(job.downloadUrl)).text();
  }

  async function publish(yaml: string): Promise<string> {
    const id = await uploadJob(h, yaml);
    h.clock.advance(2000);
    const job = (await h.api('GET', `/api/v2/flows/jobs/${id}?expand=messages`)).body;
    expect(job.messages).toEqual([]);
    return job.flow.id as string;
  }

  it('renders like Architect: stable per version, and an exported file re-uploaded exports identically', async () => {
    h = await harness({ exportRendering: 'architect', latency: { jobMs: 2000, exportMs: 1000 } });
    const flowId = await publish(HAND_WRITTEN);
    const first = await exportText(flowId, '1.0');
    expect(first).toBe(renderExport(HAND_WRITTEN));
    expect(await exportText(flowId, '1.0')).toBe(first);
    await publish(first);
    expect(await exportText(flowId, '2.0')).toBe(first);
  });

  it('renders like Architect by default; `uploaded` keeps the text, and startEmulator can choose the rendering', async () => {
    h = await harness({ latency: { jobMs: 2000, exportMs: 1000 } });
    const flowId = await publish(HAND_WRITTEN);
    expect(await exportText(flowId, '1.0')).toBe(renderExport(HAND_WRITTEN));
    await h.close();
    h = await harness({ exportRendering: 'uploaded', latency: { jobMs: 2000, exportMs: 1000 } });
    const again = await publish(HAND_WRITTEN);
    expect(await exportText(again, '1.0')).toMatch(/^# Exported by Genesys Cloud Architect emulator at .*\n# my IVR\n/);
    const em = await startEmulator({ clock: new FakeClock(), exportRendering: 'uploaded' });
    expect(em.org.scenario.exportRendering).toBe('uploaded');
    await em.close();
  });
});
