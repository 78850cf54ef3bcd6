// Contract test: the official Genesys Cloud JS SDK, pointed at the emulator through its gateway setting, must work
// unchanged for every call the action makes. The emulator runs on a FakeClock: where the test waits for a job or an
// execution it polls through the SDK and advances that clock between polls, never sleeping on the real one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { FakeClock } from '../../src/common/clock.ts';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { renderExport } from '../../emulator/render.ts';
import { ivr } from '../emulator/helpers.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CommonJS SDK without usable types here
const platformClient: any = require('purecloud-platform-client-v2');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDK responses are plain JSON
type Sdk = any;

const workflowYaml = `workflow:
  name: Contract Workflow
  division: Home
  startUpRef: "/workflow/states/state[Initial State_10]"
  defaultLanguage: en-us
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
const ivrYaml = (queue: string) => ivr('Contract IVR', queue);

const clock = new FakeClock();
let em: Emulator;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK is untyped JavaScript here
let architect: any, analytics: any;

/** Polls until `done`, advancing the emulator's clock by 5 ms between polls; gives up after 5 s of that clock. */
async function until(read: () => Promise<Sdk>, done: (v: Sdk) => boolean): Promise<Sdk> {
  const deadline = clock.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (clock.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    clock.advance(5);
  }
}

async function publishJob(yaml: string) {
  const job = await architect.postFlowsJobs();
  expect(job.presignedUrl).toEqual(expect.stringContaining('/__uploads/'));
  const put = await fetch(job.presignedUrl, { method: 'PUT', headers: job.headers, body: yaml });
  expect(put.status).toBe(200);
  return until(
    () => architect.getFlowsJob(job.id, { expand: ['messages'] }),
    (s) => s.status === 'Success' || s.status === 'Failure'
  );
}

beforeAll(async () => {
  em = await startEmulator({
    clock,
    scenario: {
      latency: { jobMs: 20, exportMs: 10, validateMs: 10, publishMs: 10, executionMs: 10 },
      queues: ['Support'],
      flows: [
        {
          name: 'Billing IVR',
          type: 'inboundcall',
          versions: 2,
          draft: {},
          traffic: { perMinute: 60, failureRatio: 0.1, initial: 30 }
        },
        { name: 'Old IVR', type: 'inboundcall', versions: 1 }
      ]
    }
  });
  const client = platformClient.ApiClient.instance;
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: em.port, path_params_login: '', path_params_api: '' });
  const auth = await client.loginClientCredentialsGrant(em.clientId, em.clientSecret);
  expect(auth.accessToken).toEqual(expect.any(String));
  architect = new platformClient.ArchitectApi();
  analytics = new platformClient.AnalyticsApi();
});

afterAll(async () => em?.close());

describe('official SDK against the emulator', () => {
  it('rejects wrong client credentials with invalid_client', async () => {
    const other = new platformClient.ApiClientClass();
    other.setGateway({
      host: '127.0.0.1',
      protocol: 'http',
      port: em.port,
      path_params_login: '',
      path_params_api: ''
    });
    const error = await other.loginClientCredentialsGrant(em.clientId, 'wrong-secret').then(
      () => undefined,
      (e: unknown) => e
    );
    expect(error).toMatchObject({ status: 401, response: { data: { error: 'invalid_client' } } });
  });

  it('publishes a new flow through an Architect job and reads it back', async () => {
    const state = await publishJob(ivrYaml('Support'));
    expect(state).toMatchObject({ status: 'Success', command: 'Publish', messages: [] });
    const flow = await architect.getFlow(state.flow.id);
    expect(flow).toMatchObject({
      name: 'Contract IVR',
      type: 'INBOUNDCALL',
      publishedVersion: { id: '1.0', type: 'PUBLISH' }
    });
    expect(Date.parse(flow.publishedVersion.datePublished)).not.toBeNaN();

    const update = await publishJob(ivrYaml('Support'));
    expect(update.flow.id).toBe(state.flow.id);
    expect((await architect.getFlow(state.flow.id)).publishedVersion.id).toBe('2.0');
    const versions = await architect.getFlowVersions(state.flow.id, { pageSize: 25, pageNumber: 1 });
    expect(versions).toMatchObject({ total: 2, pageNumber: 1 });
    expect(versions.entities[1].datePublishedEnd).toBe(versions.entities[0].datePublished);
    expect((await architect.getFlowVersion(state.flow.id, '1.0')).id).toBe('1.0');
    expect((await architect.getFlowVersionConfiguration(state.flow.id, '2.0')).version).toBe('2.0');
  });

  it('reports a failing job with its messages', async () => {
    const state = await publishJob(ivrYaml('Nowhere'));
    expect(state.status).toBe('Failure');
    expect(state.messages).toEqual([
      expect.objectContaining({ type: 'Error', text: "Unable to find a queue named 'Nowhere'." })
    ]);
  });

  it('lists flows with name and type filters', async () => {
    const listing = await architect.getFlows({ name: 'IVR', type: ['inboundcall'], pageSize: 2, pageNumber: 1 });
    expect(listing).toMatchObject({ pageSize: 2, pageNumber: 1, total: 3, pageCount: 2 });
    expect(listing.entities.every((f: Sdk) => f.type === 'INBOUNDCALL')).toBe(true);
    await expect(architect.getFlows({ type: ['INBOUNDCALL'] })).rejects.toMatchObject({
      status: 400,
      code: 'bad.request'
    });
  });

  it('exports a version and downloads it', async () => {
    const flowId = (await architect.getFlows({ name: 'Contract IVR' })).entities[0].id;
    const job = await architect.postFlowsExportJobs({
      flows: [{ flow: { id: flowId, version: '1.0' }, exportType: 'Yaml' }]
    });
    expect(job).toMatchObject({ status: 'Registered', totalFlows: 1 });
    const done = await until(
      () => architect.getFlowsExportJob(job.id, { expand: ['messages'] }),
      (s) => s.status !== 'Registered' && s.status !== 'Started'
    );
    expect(done.status).toBe('Success');
    const text = await (await fetch(done.downloadUrl)).text();
    // Architect's rendering of the upload (the emulator's default), not the uploaded text.
    expect(text).toBe(renderExport(ivrYaml('Support'), { division: 'Home' }));
    expect(text).toContain('division: Home');
  });

  it('validates flows with a validate job', async () => {
    const flowId = (await architect.getFlows({ name: 'Contract IVR' })).entities[0].id;
    const job = await architect.postFlowsValidateJobs({ flows: [{ flow: { id: flowId } }] });
    const done = await until(
      () => architect.getFlowsValidateJob(job.id, { expand: ['messages'] }),
      (s) => s.status === 'Success' || s.status === 'Failure'
    );
    expect(done).toMatchObject({ status: 'Success', command: 'Validate' });
  });

  it('publishes a checked-in draft with actions/publish, unlocks and deletes', async () => {
    const flowId = (await architect.getFlows({ name: 'Billing IVR' })).entities[0].id;
    const op = await architect.postFlowsActionsPublish(flowId);
    expect(op).toMatchObject({ actionName: 'PUBLISH', actionStatus: 'STARTED', complete: false });
    const flow = await until(
      () => architect.getFlow(flowId),
      (f) => f.currentOperation?.complete === true
    );
    expect(flow.currentOperation).toMatchObject({ actionStatus: 'SUCCESS' });
    expect(flow.publishedVersion.id).toBe('3.0');

    em.addFault({ kind: 'locked', flow: 'Old IVR', user: 'Jane Doe' });
    const oldId = (await architect.getFlows({ name: 'Old IVR' })).entities[0].id;
    expect((await architect.getFlow(oldId)).lockedUser).toMatchObject({ name: 'Jane Doe' });
    await expect(architect.deleteFlow(oldId)).rejects.toMatchObject({ status: 409, code: 'flow.locked' });
    const unlocked = await architect.postFlowsActionsUnlock(oldId);
    expect(unlocked.lockedUser).toBeUndefined();
    await architect.deleteFlow(oldId);
    await expect(architect.getFlow(oldId)).rejects.toMatchObject({ status: 404, code: 'not.found' });
  });

  it('launches a workflow execution and polls it to COMPLETED', async () => {
    const created = await publishJob(workflowYaml);
    expect(created.status).toBe('Success');
    const launch = await architect.postFlowsExecutions({ flowId: created.flow.id, inputData: { customerId: 'c-42' } });
    expect(launch).toMatchObject({ flowVersion: { id: '1.0' } });
    const done = await until(
      () => architect.getFlowsExecution(launch.id),
      (e) => e.status !== 'RUNNING'
    );
    expect(done).toMatchObject({ status: 'COMPLETED', outputData: { customerId: 'c-42', ok: true } });
    expect(Date.parse(done.dateCompleted)).not.toBeNaN();
  });

  it('queries flow aggregates grouped by flowVersion', async () => {
    const flowId = (await architect.getFlows({ name: 'Billing IVR' })).entities[0].id;
    const end = new Date(clock.now() + 1000);
    const start = new Date(end.getTime() - 3 * 86_400_000);
    const res = await analytics.postAnalyticsFlowsAggregatesQuery({
      interval: `${start.toISOString()}/${end.toISOString()}`,
      groupBy: ['flowVersion'],
      filter: { type: 'and', predicates: [{ dimension: 'flowId', value: flowId }] },
      metrics: ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed']
    });
    const versions = res.results.map((r: { group: { flowVersion: string } }) => r.group.flowVersion).sort();
    expect(versions).toEqual(['1.0', '2.0', '3.0']);
    const v3 = res.results.find((r: { group: { flowVersion: string } }) => r.group.flowVersion === '3.0');
    expect(v3.data[0].metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ metric: 'nFlow', stats: { count: expect.any(Number) } })])
    );
  });

  it('was seen by the emulator under the real templated paths', () => {
    const counts = em.counts();
    const seen = Object.keys(counts).filter((k) => (counts[k] ?? 0) > 0);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /oauth/token',
        'POST /api/v2/flows/jobs',
        'PUT /__uploads/{id}',
        'GET /api/v2/flows/jobs/{id}',
        'GET /api/v2/flows/{id}',
        'GET /api/v2/flows/{id}/versions',
        'POST /api/v2/flows/export/jobs',
        'GET /api/v2/flows/export/jobs/{id}',
        'GET /__downloads/{id}',
        'POST /api/v2/flows/actions/publish',
        'POST /api/v2/flows/actions/unlock',
        'DELETE /api/v2/flows/{id}',
        'POST /api/v2/flows/executions',
        'GET /api/v2/flows/executions/{id}',
        'POST /api/v2/analytics/flows/aggregates/query'
      ])
    );
  });
});
