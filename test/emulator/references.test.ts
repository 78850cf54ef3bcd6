// The reference extraction (emulator/references.ts) on hand-written forms and on the 61 real Archy flows of
// ../shared/archy-corpus (reference data read at test time, never copied here; skipped when absent).
import { describe, expect, it } from '@jest/globals';
import { extractReferences, placeholderKeys } from '../../emulator/references.ts';
import { corpusFiles, fillPlaceholders } from './corpus.ts';

const corpus = corpusFiles();
const describeCorpus = corpus.length > 0 ? describe : describe.skip;

describe('extractReferences', () => {
  it('reads queues, data actions by integration, and flows of every kind from the real forms', () => {
    const refs = extractReferences(`inboundCall:
  name: Main
  tasks:
    - task:
        actions:
          - findQueue:
              name: Find Queue
              findName:
                exp: Flow.q
          - callData:
              name: Look up
              category:
                Web Services:
                  dataAction:
                    Get Customer:
                      inputs: {}
          - callCommonModule:
              commonModule:
                Shared:
                  ver_latestPublished: {}
          - callBotFlow:
              botFlow:
                Helper Bot:
                  ver_latestPublished: { none: true }
          - transferToAcd:
              targetQueue: { lit: { name: Support } }
              overrideInQueueFlow: { name: Hold Music }
          - transferToFlow:
              targetFlow: { name: Other IVR }
          - updateData:
              statements:
                - queue:
                    variable: Task.q
                    value: { lit: { name: Billing } }
          - transferToAcd:
              targetQueue: { exp: Task.q }
`);
    expect(refs.type).toBe('inboundcall');
    expect(refs.queues.sort()).toEqual(['Billing', 'Support']);
    expect(refs.dataActions).toEqual([{ category: 'Web Services', name: 'Get Customer' }]);
    expect(refs.flows).toEqual(
      expect.arrayContaining([
        { type: 'commonmodule', name: 'Shared' },
        { type: 'bot', name: 'Helper Bot' },
        { type: 'inqueuecall', name: 'Hold Music' },
        { name: 'Other IVR' }
      ])
    );
    expect(refs.flows).toHaveLength(4);
  });

  it('reads digitalBotFlow references and the in-queue type of a message flow', () => {
    const refs = extractReferences(`inboundShortMessage:
  name: M
  states:
    - state:
        actions:
          - callDigitalBotFlow:
              digitalBotFlow:
                "Digital Helper":
                  ver_latestPublished: { none: true }
          - transferToAcd:
              targetQueue: { lit: { name: Chat } }
              overrideInQueueFlow: { name: Message Hold }
`);
    expect(refs.flows).toEqual([
      { type: 'digitalbot', name: 'Digital Helper' },
      { type: 'inqueueshortmessage', name: 'Message Hold' }
    ]);
    expect(refs.queues).toEqual(['Chat']);
  });

  it('lists placeholders in order of first appearance', () => {
    expect(placeholderKeys('a: {{x}}\n{{y}}:\n  b: "{{x}}"\n')).toEqual(['x', 'y']);
  });
});

describeCorpus('extractReferences over the Archy corpus', () => {
  const all = corpus.map(({ file, text }) => ({ file, text, refs: extractReferences(fillPlaceholders(text)) }));

  it('reads all 61 files and knows every top-level key', () => {
    expect(all).toHaveLength(61);
    for (const { file, refs } of all) expect([file, refs.type]).toEqual([file, expect.any(String)]);
  });

  it('finds the data-action references in every file that has them (27 files)', () => {
    const withDataActions = all.filter(({ text }) => /^\s*dataAction:/m.test(text));
    expect(withDataActions).toHaveLength(27);
    for (const { file, refs } of withDataActions) {
      expect([file, refs.dataActions.length > 0]).toEqual([file, true]);
      for (const ref of refs.dataActions) expect(ref.category).toEqual(expect.any(String));
    }
    const noDataActions = all.filter(({ text }) => !/^\s*dataAction:/m.test(text));
    for (const { file, refs } of noDataActions) expect([file, refs.dataActions]).toEqual([file, []]);
  });

  it('never reports an action name as a queue (the findQueue files)', () => {
    const findQueue = all.filter(({ text }) => /- findQueue:/.test(text));
    expect(findQueue).toHaveLength(3);
    for (const { file, text, refs } of findQueue) {
      const actionNames = [...text.matchAll(/- findQueue:\s*\n\s*name: (.+)/g)].map((m) => (m[1] as string).trim());
      expect(actionNames.length).toBeGreaterThan(0);
      for (const name of actionNames) expect([file, refs.queues]).toEqual([file, expect.not.arrayContaining([name])]);
    }
  });

  it('finds the flow references the corpus writes (botFlow, digitalBotFlow, commonModule, targetFlow, overrideInQueueFlow)', () => {
    const flows = all.flatMap(({ refs }) => refs.flows);
    const types = new Set(flows.map((f) => f.type ?? 'any'));
    expect([...types].sort()).toEqual(['any', 'bot', 'commonmodule', 'digitalbot', 'inqueuecall']);
    expect(flows.filter((f) => f.type === 'bot').length).toBeGreaterThanOrEqual(7);
  });

  it('finds the literal queue references (targetQueue / queue / updateData)', () => {
    const byFile = new Map(all.map(({ file, refs }) => [file.slice(0, 2), refs.queues]));
    expect(byFile.get('22')).toEqual(['GeneralSupport']);
    expect(byFile.get('23')).toEqual(expect.arrayContaining(['dude-general-support', 'dude-cancellations']));
  });
});
