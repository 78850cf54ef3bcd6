// Archy as real flows write it: the case-sensitive flow-type keys (emulator/flow-types.ts) and references read from
// the real forms (emulator/references.ts), checked against the org by an Architect job.
import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, uploadJob } from './helpers.ts';
import type { Harness } from './helpers.ts';

const scenario = {
  queues: ['Support'],
  dataActions: ['Legacy Lookup', { category: 'Web Services', name: 'Get Customer' }],
  latency: { jobMs: 2000 },
  flows: [
    { name: 'Helper Bot', type: 'bot' },
    { name: 'Digital Helper', type: 'digitalbot' },
    { name: 'Hold Music', type: 'inqueuecall' },
    { name: 'Message Hold', type: 'inqueueshortmessage' },
    { name: 'Shared Module', type: 'commonmodule' }
  ]
};

let h: Harness;
afterEach(async () => h?.close());

async function run(yaml: string) {
  const id = await uploadJob(h, yaml);
  h.clock.advance(2000);
  return (await h.api('GET', `/api/v2/flows/jobs/${id}?expand=messages`)).body;
}
const texts = (job: { messages?: { text: string }[] }) => (job.messages ?? []).map((m) => m.text);

const callFlow = (actions: string) => `inboundCall:
  name: Caller
  division: Home
  tasks:
    - task:
        name: Main
        refId: Main
        actions:
${actions}`;

describe('Archy flow-type keys', () => {
  it.each([
    ['inqueueCall', 'INQUEUECALL', 'inqueuecall'],
    ['botFlow', 'BOT', 'bot'],
    ['inqueueEmail', 'INQUEUEEMAIL', 'inqueueemail'],
    ['inqueueShortMessage', 'INQUEUESHORTMESSAGE', 'inqueueshortmessage'],
    ['workitem', 'WORKITEM', 'workitem'],
    ['surveyInvite', 'SURVEYINVITE', 'surveyinvite']
  ])('publishes a %s file as type %s (filter %s)', async (key, upper, lower) => {
    h = await harness(scenario);
    const job = await run(`${key}:\n  name: New ${key}\n  division: Home\n`);
    expect(job.status).toBe('Success');
    const flow = (await h.api('GET', `/api/v2/flows/${job.flow.id}`)).body;
    expect(flow.type).toBe(upper);
    const listed = (await h.api('GET', `/api/v2/flows?type=${lower}&name=New`)).body;
    expect(listed.entities.map((f: { name: string }) => f.name)).toEqual([`New ${key}`]);
  });

  it.each(['inQueueCall', 'bot', 'InboundCall', 'inQueueEmail', 'voice'])(
    'fails a %s file: a key real Archy does not write',
    async (key) => {
      h = await harness(scenario);
      const job = await run(`${key}:\n  name: Wrong\n`);
      expect(job.status).toBe('Failure');
      expect(texts(job).join(' ')).toContain(`Unknown flow type '${key}'`);
    }
  );
});

describe('references read from the real forms', () => {
  it('does not read a findQueue action name as a queue', async () => {
    h = await harness(scenario);
    const job = await run(
      callFlow(`          - findQueue:
              name: Find Queue
              findName:
                exp: Flow.queueName
              findResult:
                var: Flow.queue
`)
    );
    expect(texts(job)).toEqual([]);
    expect(job.status).toBe('Success');
  });

  it('accepts references the org has: data action by integration, bot, digital bot, in-queue flow, module', async () => {
    h = await harness(scenario);
    const job = await run(
      callFlow(`          - callData:
              name: Look up
              category:
                Web Services:
                  dataAction:
                    Get Customer:
                      inputs: {}
          - callData:
              name: Old form
              category:
                Any Integration:
                  dataAction:
                    Legacy Lookup: {}
          - callBotFlow:
              botFlow:
                Helper Bot:
                  ver_latestPublished: { none: true }
          - callCommonModule:
              commonModule:
                Shared Module:
                  ver_latestPublished: {}
          - transferToAcd:
              targetQueue: { lit: { name: Support } }
              overrideInQueueFlow: { name: Hold Music }
`)
    );
    expect(texts(job)).toEqual([]);
    expect(job.status).toBe('Success');
  });

  it.each([
    [
      'a data action missing from its integration',
      `          - callData:
              category:
                Other Integration:
                  dataAction:
                    Get Customer: {}
`,
      "Unable to find a data action named 'Get Customer' in the integration 'Other Integration'."
    ],
    [
      'a missing bot flow',
      `          - callBotFlow:
              botFlow:
                Missing Bot:
                  ver_latestPublished: { none: true }
`,
      "Unable to find a bot flow named 'Missing Bot'."
    ],
    [
      'a flow of the wrong type named as a bot flow',
      `          - callBotFlow:
              botFlow:
                Digital Helper: {}
`,
      "Unable to find a bot flow named 'Digital Helper'."
    ],
    [
      'a missing in-queue flow',
      `          - transferToAcd:
              targetQueue: { lit: { name: Support } }
              overrideInQueueFlow: { name: Message Hold }
`,
      "Unable to find an in-queue call flow named 'Message Hold'."
    ],
    [
      'a missing queue in an updateData statement',
      `          - updateData:
              statements:
                - queue:
                    variable: Task.q
                    value: { lit: { name: Overflow } }
`,
      "Unable to find a queue named 'Overflow'."
    ]
  ])('fails a job for %s, naming it', async (_what, actions, message) => {
    h = await harness(scenario);
    const job = await run(callFlow(actions));
    expect(job.status).toBe('Failure');
    expect(texts(job)).toEqual([message]);
  });

  it('fails a digitalBotFlow reference the org lacks, then accepts it once seeded at runtime', async () => {
    h = await harness({ ...scenario, flows: [] });
    const yaml = `inboundShortMessage:
  name: Messages
  states:
    - state:
        actions:
          - callDigitalBotFlow:
              digitalBotFlow:
                "Digital Helper":
                  ver_latestPublished: { none: true }
          - callData:
              category:
                CRM:
                  dataAction:
                    Find Contact: {}
`;
    const failed = await run(yaml);
    expect(texts(failed)).toEqual([
      "Unable to find a data action named 'Find Contact' in the integration 'CRM'.",
      "Unable to find a digital bot flow named 'Digital Helper'."
    ]);
    const added = await fetch(`${h.em.baseUrl}/__emulator/data-actions`, {
      method: 'POST',
      body: JSON.stringify({ category: 'CRM', name: 'Find Contact' })
    });
    expect(added.status).toBe(200);
    expect(h.em.state().dataActions).toEqual([
      { name: 'Legacy Lookup' },
      { category: 'Web Services', name: 'Get Customer' },
      { category: 'CRM', name: 'Find Contact' }
    ]);
    expect(texts(await run(yaml))).toEqual(["Unable to find a digital bot flow named 'Digital Helper'."]);
    expect((await run('digitalBot:\n  name: Digital Helper\n')).status).toBe('Success');
    expect((await run(yaml)).status).toBe('Success');
  });
});
