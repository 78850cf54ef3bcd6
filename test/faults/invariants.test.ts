// Unit tests of the fault suite's invariant checks (scripts/lib/fault-harness.ts): the scanners must catch what they
// claim to catch, or the suite's "0" figures mean nothing. The suite itself runs with `npm run faults`.
import { describe, expect, it } from '@jest/globals';
import type { EmulatorState, RequestRecord } from '../../emulator/server.ts';
import {
  accountMutations,
  duplicatePublishes,
  findLeaks,
  secretForms,
  type JEvent
} from '../../scripts/lib/fault-harness.ts';
import { SCENARIOS } from '../../scripts/lib/fault-scenarios.ts';

const req = (method: string, path: string, query = '', status = 200, reset?: boolean): RequestRecord => ({
  seq: 1,
  at: '2026-01-01T00:00:00.000Z',
  method,
  path,
  query,
  key: `${method} ${path}`,
  status,
  mutating: true,
  correlationId: 'c',
  ...(reset ? { reset } : {})
});

const state = (over: Partial<EmulatorState> = {}): EmulatorState =>
  ({
    now: '',
    queues: [],
    dataActions: [],
    flows: [],
    jobs: [],
    faults: [],
    counts: {},
    mutatingRequests: 0,
    ...over
  }) as EmulatorState;

const journal = (events: Partial<JEvent>[]) => {
  const full = events.map((e, i) => ({ seq: i + 1, status: 'info', details: {}, type: 'x', ...e }) as JEvent);
  return { events: full, text: full.map((e) => JSON.stringify(e)).join('\n') };
};

describe('secret scan', () => {
  it('catches the raw, URL-encoded, base64(id:secret) and JSON-escaped forms', () => {
    const secret = 'Ab+cd/ef=gh&%"q';
    const forms = secretForms('client', secret);
    expect(forms).toEqual(
      expect.arrayContaining([
        secret,
        encodeURIComponent(secret),
        Buffer.from(`client:${secret}`).toString('base64'),
        JSON.stringify(secret).slice(1, -1)
      ])
    );
    for (const f of forms) expect(findLeaks('x', `before ${f} after`, forms)).not.toHaveLength(0);
    expect(findLeaks('x', 'nothing here', forms)).toHaveLength(0);
  });
});

describe('mutating calls accounted in the journal', () => {
  it('maps uploads and jobs to job ids, publish/unlock/delete to flow ids', () => {
    const calls = [
      req('POST', '/api/v2/flows/jobs'),
      req('PUT', '/__uploads/job-1', '?X-Amz-Expires=900'),
      req('POST', '/api/v2/flows/actions/publish', '?flow=f-1&version=2.0'),
      req('POST', '/api/v2/flows/actions/unlock', '?flow=f-2'),
      req('DELETE', '/api/v2/flows/f-3')
    ];
    const j = journal([
      { type: 'publish-started', details: { jobId: 'job-1', method: 'architect-job' } },
      { type: 'publish-started', details: { flowId: 'f-1', method: 'actions-publish' } },
      { type: 'flow-unlocked', details: { flowId: 'f-2', lockedBy: 'Jane' } },
      { type: 'rollback-flow', details: { flowId: 'f-3', action: 'delete' } }
    ]);
    const st = state({ jobs: [{ id: 'job-1', status: 'Success', flowId: 'f-1', messages: [] }] });
    expect(accountMutations(calls, st, [j]).unaccounted).toEqual([]);
  });

  it('reports a job, an upload, a publish or a delete the journal does not mention', () => {
    const calls = [
      req('PUT', '/__uploads/job-2'),
      req('POST', '/api/v2/flows/actions/publish', '?flow=f-9'),
      req('DELETE', '/api/v2/flows/f-8', '', 0, true)
    ];
    const st = state({ jobs: [{ id: 'job-2', status: 'Success', flowId: null, messages: [] }] });
    const r = accountMutations(calls, st, [journal([])]);
    expect(r.unaccounted).toHaveLength(4);
  });

  it('counts calls refused before any work as rejected, not unaccounted', () => {
    const r = accountMutations([req('POST', '/api/v2/flows/jobs', '', 403)], state(), [journal([])]);
    expect(r).toMatchObject({ unaccounted: [], rejected: 1 });
  });
});

describe('duplicate publishes', () => {
  const flow = (publishes: { version: string; at: string; sha256: string }[], versions: unknown[]) => ({
    id: 'f',
    name: 'Alpha',
    type: 'inboundcall',
    deleted: false,
    publishedVersion: null,
    checkedInVersion: null,
    lockedBy: null,
    publishCount: publishes.length,
    duplicatePublishes: 0,
    publishes: publishes.map((p) => ({ ...p, source: 'job', duplicate: false })),
    versions
  });

  it('recomputes a publish whose content equals the version it replaced', () => {
    const v = (id: string, sha256: string, end?: string) => ({
      id,
      type: 'PUBLISH',
      sha256,
      datePublished: 't0',
      datePublishedEnd: end ?? null
    });
    const st = state({
      flows: [
        flow(
          [
            { version: '2.0', at: 't1', sha256: 'bbb' },
            { version: '3.0', at: 't2', sha256: 'bbb' }
          ],
          [v('1.0', 'aaa', 't1'), v('2.0', 'bbb', 't2'), v('3.0', 'bbb')]
        )
      ] as EmulatorState['flows']
    });
    expect(duplicatePublishes(st).count).toBe(1);
  });
});

describe('scenario table', () => {
  it('covers issue scenarios 1–18 with unique ids and a fault class each', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...new Set(SCENARIOS.map((s) => s.issue))].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 18 }, (_, i) => i + 1)
    );
    for (const s of SCENARIOS) expect(s.faultClass).toBeTruthy();
  });
});
