// The embedded Genesys Cloud emulator: one node:http server that serves the OAuth login, the platform API paths the
// action uses, the presigned upload/download URLs (like S3, no Authorization) and an admin API under /__emulator/.
// Everything time-dependent reads the injected clock, so tests on a FakeClock advance time instead of sleeping.
// The routes live in routes/, the request's way through auth, rate limit and faults in pipeline.ts.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../src/common/clock.ts';
import type { Clock } from '../src/common/clock.ts';
import { ApiGate } from './api-gate.ts';
import type { FaultRecord } from './faults.ts';
import { JSON_TYPE, Router } from './http.ts';
import { Org } from './org.ts';
import type { OrgSnapshot } from './org.ts';
import { Pipeline } from './pipeline.ts';
import type { MutationHooks } from './pipeline.ts';
import { RequestFaults } from './request-faults.ts';
import { RequestLog } from './request-log.ts';
import type { RequestRecord } from './request-log.ts';
import { admin } from './routes/admin.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { authRoutes } from './routes/auth.ts';
import type { RouteEnv, RouteModule } from './routes/env.ts';
import { executionRoutes } from './routes/executions.ts';
import { exportRoutes } from './routes/exports.ts';
import { flowRoutes } from './routes/flows.ts';
import { jobRoutes } from './routes/jobs.ts';
import { organizationRoutes } from './routes/organization.ts';
import { uploadRoutes } from './routes/upload.ts';
import { validateRoutes } from './routes/validate.ts';
import { loadScenarioFile, parseScenario } from './scenario.ts';
import type { ExportRendering, FaultInput, Scenario, ScenarioInput } from './scenario.ts';

export { UPLOAD_LIMIT_BYTES } from './routes/upload.ts';
export type { RequestRecord } from './request-log.ts';
export type { MutationHooks } from './pipeline.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A scenario object, or the path of a YAML/JSON scenario file. */
  scenario?: ScenarioInput | Scenario | string;
  clock?: Clock;
  /** Overrides the scenario's `exportRendering` (default `architect`: Architect's rendering, as a real org). */
  exportRendering?: ExportRendering;
  /** Observers of mutating requests (see MutationHooks in pipeline.ts): the fault suite's kill points. */
  hooks?: MutationHooks;
}

export interface EmulatorState extends OrgSnapshot {
  counts: Record<string, number>;
  mutatingRequests: number;
}

export interface Emulator {
  baseUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  org: Org;
  close(): Promise<void>;
  state(): EmulatorState;
  /** Requests by `METHOD /template` (admin calls excluded). */
  counts(): Record<string, number>;
  requests(): RequestRecord[];
  /** Requests that changed (or tried to change) the org. */
  mutatingRequests(): RequestRecord[];
  resetRequests(): void;
  /** Every access token the login endpoint issued (the fault suite checks none of them leaks). */
  issuedTokens(): string[];
  addFault(fault: FaultInput): FaultRecord;
  clearFaults(): void;
}

/** In registration order; the flows module goes last (see routes/flows.ts). */
const ROUTE_MODULES: RouteModule[] = [
  authRoutes,
  jobRoutes,
  uploadRoutes,
  exportRoutes,
  validateRoutes,
  executionRoutes,
  analyticsRoutes,
  organizationRoutes,
  flowRoutes
];

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function createHttpServer(pipeline: Pipeline): Server {
  return createServer((req, res) => {
    pipeline.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE });
        const message = `Emulator error: ${(err as Error).message}`;
        res.end(JSON.stringify({ message, code: 'internal.server.error', status: 500 }));
      }
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const scenario =
    typeof options.scenario === 'string'
      ? loadScenarioFile(options.scenario)
      : parseScenario(options.scenario ?? {}, '(inline)');
  if (options.exportRendering) scenario.exportRendering = options.exportRendering;
  const clientId = scenario.client.id;
  const clientSecret = scenario.client.secret ?? randomBytes(24).toString('base64url');
  const org = new Org(scenario, clock, clientId);
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  const gate = new ApiGate(org, scenario);
  const log = new RequestLog();
  const env: RouteEnv = { org, scenario, gate, clientId, clientSecret, baseUrl: () => baseUrl };
  const router = new Router();
  for (const module of ROUTE_MODULES) module(router, env);
  const state = (): EmulatorState => {
    org.tick();
    return { ...org.snapshot(), counts: log.counts(), mutatingRequests: log.mutating().length };
  };
  const faults = new RequestFaults(org, scenario);
  const pipeline = new Pipeline({
    org,
    router,
    log,
    gate,
    faults,
    admin: (ctx) => admin({ org, log, state }, ctx),
    hooks: options.hooks
  });

  const server = createHttpServer(pipeline);
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl,
    port,
    clientId,
    clientSecret,
    org,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    state,
    counts: () => log.counts(),
    requests: () => [...log.all()],
    mutatingRequests: () => log.mutating(),
    resetRequests: () => log.reset(),
    issuedTokens: () => gate.issued(),
    addFault: (fault) => org.addFault(fault),
    clearFaults: () => org.faults.clear()
  };
}
