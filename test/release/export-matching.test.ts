// Several flows exported in one job come back as several files: each is matched to its flow by the Archy key and name
// inside it, through the action's one key↔type table (`botFlow:` is type bot, `inqueueCall:` is type inqueuecall).
import { describe, expect, it } from '@jest/globals';
import { archy, fileFlow, harness, manifest, stage } from './helpers.ts';

describe('multi-flow exports are matched by Archy key and name', () => {
  it('releases two bot flows and an in-queue flow in one stage (snapshot and verification exports match)', async () => {
    const h = harness();
    h.api.addFlow({ name: 'Help Bot', type: 'bot', content: archy('Help Bot', 'bot', 'v1') });
    h.api.addFlow({ name: 'Sales Bot', type: 'bot', content: archy('Sales Bot', 'bot', 'v1') });
    h.api.addFlow({ name: 'Hold', type: 'inqueuecall', content: archy('Hold', 'inqueuecall', 'v1') });
    const flows = [fileFlow('Help Bot', 'bot'), fileFlow('Sales Bot', 'bot'), fileFlow('Hold', 'inqueuecall')];
    expect(flows.map((f) => f.content.split(':')[0])).toEqual(['botFlow', 'botFlow', 'inqueueCall']);
    const result = await h.run({
      manifest: manifest(flows, [
        stage(
          'all',
          flows.map((f) => f.name)
        )
      ])
    });
    if (result.outcome !== 'succeeded') throw new Error(h.log.lines.join('\n'));
    expect(h.flows().map((f) => [f.name, f.finalVersion])).toEqual([
      ['Help Bot', '2.0'],
      ['Sales Bot', '2.0'],
      ['Hold', '2.0']
    ]);
  });
});
