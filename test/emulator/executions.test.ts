import { afterEach, describe, expect, it } from '@jest/globals';
import { harness } from './helpers.ts';
import type { Harness } from './helpers.ts';

const workflow = `workflow:
  name: Callback
  variables:
    - stringVariable:
        name: Flow.customerId
        isInput: true
        isOutput: true
    - booleanVariable:
        name: Flow.ok
        initialValue:
          lit: true
        isOutput: true
`;
const scenario = {
  latency: { executionMs: 800 },
  flows: [
    { name: 'Callback', type: 'workflow', versions: [{ yaml: workflow }], execution: { output: { region: 'emea' } } },
    { name: 'Support IVR', type: 'inboundcall' }
  ]
};

let h: Harness;
afterEach(async () => h?.close());

const ids = async () =>
  Object.fromEntries(
    ((await h.api('GET', '/api/v2/flows')).body.entities as { id: string; name: string }[]).map((f) => [f.name, f.id])
  ) as Record<string, string>;

describe('flow executions', () => {
  it('runs RUNNING → COMPLETED with outputs at the published version', async () => {
    h = await harness(scenario);
    const { Callback: id } = await ids();
    const launch = await h.api('POST', '/api/v2/flows/executions', { flowId: id, inputData: { customerId: 'c-1' } });
    expect(launch.status).toBe(200);
    expect(launch.body).toMatchObject({ flowVersion: { id: '1.0' } });
    const running = (await h.api('GET', `/api/v2/flows/executions/${launch.body.id}`)).body;
    expect(running).toMatchObject({ status: 'RUNNING', flowVersion: { id: '1.0' } });
    expect(running.outputData).toBeUndefined();
    h.clock.advance(800);
    const done = (await h.api('GET', `/api/v2/flows/executions/${launch.body.id}`)).body;
    expect(done).toMatchObject({ status: 'COMPLETED', outputData: { customerId: 'c-1', ok: true, region: 'emea' } });
    expect(done.dateCompleted).toBe(new Date(h.clock.now()).toISOString());
  });

  it('fails with flowErrorInfo on execution-failure', async () => {
    h = await harness({
      ...scenario,
      faults: [{ kind: 'execution-failure', flow: 'Callback', message: 'Data action timed out' }]
    });
    const { Callback: id } = await ids();
    const launch = await h.api('POST', '/api/v2/flows/executions', { flowId: id, flowVersion: '1.0' });
    h.clock.advance(800);
    const done = (await h.api('GET', `/api/v2/flows/executions/${launch.body.id}`)).body;
    expect(done.status).toBe('FAILED');
    expect(done.flowErrorInfo).toMatchObject({ message: 'Data action timed out', code: 'flow.execution.error' });
    expect(done.outputData).toBeUndefined();
  });

  it('refuses non-workflow flows, unknown versions and undeclared inputs', async () => {
    h = await harness(scenario);
    const flows = await ids();
    const ivr = await h.api('POST', '/api/v2/flows/executions', { flowId: flows['Support IVR'] });
    expect(ivr.status).toBe(400);
    expect(ivr.body.message).toContain('only WORKFLOW flows');
    expect(
      (await h.api('POST', '/api/v2/flows/executions', { flowId: flows.Callback, flowVersion: '4.0' })).status
    ).toBe(400);
    const bad = await h.api('POST', '/api/v2/flows/executions', { flowId: flows.Callback, inputData: { nope: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("Input 'nope' is not an input");
    expect(bad.body.details[0]).toMatchObject({ fieldName: 'inputData.nope' });
  });
});
