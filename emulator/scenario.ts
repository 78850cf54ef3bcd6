// The scenario file: seeds the emulated org and sets latencies and faults. Validated with zod so that a typo in a
// scenario is a clear error naming the field, never a silently different org.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const named = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), id: z.string().min(1).optional() }).strict()
]);

const dataActionSeed = z.union([
  z.string().min(1),
  z
    .object({ name: z.string().min(1), category: z.string().min(1).optional(), id: z.string().min(1).optional() })
    .strict()
]);
export type DataActionSeed = z.infer<typeof dataActionSeed>;

const yamlSource = z
  .object({
    /** Archy YAML text of the version. Omitted: a minimal flow document is generated from the flow's name/type. */
    yaml: z.string().min(1).optional(),
    /** Path of a file holding the YAML, relative to the scenario file. */
    file: z.string().min(1).optional(),
    /** ISO time at which the version was published (defaults to whole days before the clock's start). */
    publishedAt: z.string().datetime({ offset: true }).optional()
  })
  .strict()
  .refine((v) => !(v.yaml && v.file), { message: 'give either yaml or file, not both' });

export const TrafficModel = z
  .object({
    /** Flow executions per minute while a version is published. */
    perMinute: z.number().min(0),
    /** Share of those executions whose outcome fails (0..1). */
    failureRatio: z.number().min(0).max(1).default(0),
    /** Samples that exist as soon as a version is published, so short bakes have data. */
    initial: z.number().int().min(0).default(0)
  })
  .strict();
export type TrafficModel = z.infer<typeof TrafficModel>;

const flowSeed = z
  .object({
    name: z.string().min(1),
    /** API type, lowercase as in the `type` query filter, e.g. inboundcall, workflow, commonmodule. */
    type: z.string().regex(/^[a-z]+$/, 'must be the lowercase API flow type, e.g. inboundcall or workflow'),
    id: z.string().min(1).optional(),
    description: z.string().optional(),
    /** Published history, oldest first; the last entry is the current published version. A number = that many. */
    versions: z.union([z.number().int().min(0).max(500), z.array(yamlSource)]).default(1),
    /** A checked-in (not published) draft version, as left by a person in Architect. */
    draft: yamlSource.optional(),
    traffic: TrafficModel.optional(),
    /** Checked out in Architect by this person. */
    lockedBy: z.string().min(1).optional(),
    /** Extra output data returned by completed executions of this (workflow) flow. */
    execution: z
      .object({ output: z.record(z.string(), z.unknown()).default({}) })
      .strict()
      .optional()
  })
  .strict();
export type FlowSeed = z.infer<typeof flowSeed>;

const flowTarget = { flow: z.string().min(1).optional() };
const count = { count: z.number().int().min(1).optional() };
const requestMatch = {
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .transform((m) => m.toUpperCase())
    .optional(),
  /** `*` matches anything, `{id}` one path segment; matched against the path without the query string. */
  path: z.string().min(1).optional()
};

export const FaultSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('job-failure'), ...flowTarget, ...count, message: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('job-latency'), ...flowTarget, ...count, ms: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('stuck-job'), ...flowTarget, ...count }).strict(),
  /** The Architect job ends Success but publishes nothing. */
  z.object({ kind: z.literal('job-no-new-version'), ...flowTarget, ...count }).strict(),
  /** Right after this action's job publishes the flow, `client` publishes it again (the same content by default). */
  z
    .object({
      kind: z.literal('concurrent-publish'),
      ...flowTarget,
      ...count,
      client: z.string().min(1),
      yaml: z.string().min(1).optional()
    })
    .strict(),
  z
    .object({
      kind: z.literal('unhealthy'),
      flow: z.string().min(1),
      /** `next-publish` (default) or N: the Nth publish of the flow from the moment the fault is added (1 = next). */
      after: z.union([z.literal('next-publish'), z.number().int().min(1)]).default('next-publish'),
      /** How many consecutive publishes from that point are unhealthy (default 1, so a rollback is healthy). */
      publishes: z.number().int().min(1).default(1),
      failureRatio: z.number().min(0).max(1),
      perMinute: z.number().min(0).optional(),
      initial: z.number().int().min(0).optional()
    })
    .strict(),
  z
    .object({
      kind: z.literal('http-error'),
      ...requestMatch,
      ...flowTarget,
      ...count,
      status: z.number().int().min(400).max(599),
      body: z.unknown().optional(),
      /** Do the work first, then answer with the error (an ambiguous outcome, like a gateway timeout). */
      afterProcessing: z.boolean().default(false)
    })
    .strict(),
  z
    .object({
      kind: z.literal('rate-limit'),
      ...requestMatch,
      ...count,
      retryAfter: z.number().int().min(0).default(1),
      retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
      /** Throttle only this fraction of the matching requests (deterministic, evenly spread); default all of them. */
      ratio: z.number().gt(0).max(1).optional()
    })
    .strict(),
  z.object({ kind: z.literal('token-expiry'), seconds: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('locked'), flow: z.string().min(1), user: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('execution-failure'), ...flowTarget, ...count, message: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('slow-export'), ...flowTarget, ...count, ms: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('export-failure'), ...flowTarget, ...count, message: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('publish-failure'), ...flowTarget, ...count, message: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('connection-reset'),
      ...requestMatch,
      ...flowTarget,
      ...count,
      /** before-body: drop before reading the request; after-body: read it, do nothing, drop;
       * after-processing: do the work, then drop instead of answering (an ambiguous outcome). */
      when: z.enum(['before-body', 'after-body', 'after-processing']).default('before-body')
    })
    .strict(),
  z
    .object({
      kind: z.literal('malformed-response'),
      ...requestMatch,
      ...flowTarget,
      ...count,
      mode: z.enum(['html', 'truncated-json', 'missing-field', 'unknown-enum'])
    })
    .strict()
]);
export type FaultSpec = z.infer<typeof FaultSpec>;
export type FaultInput = z.input<typeof FaultSpec>;
export type FaultKind = FaultSpec['kind'];

export const ScenarioSchema = z
  .object({
    client: z
      .object({ id: z.string().min(1).default('emulator-client'), secret: z.string().min(8).optional() })
      .strict()
      .default({ id: 'emulator-client' }),
    /** The organization the emulator is (`GET /api/v2/organizations/me`); the action keys its release ledger by the id.
     * Without one, every emulator would be the same org: each start draws a fresh id unless the scenario names it. */
    organization: z
      .object({ id: z.string().uuid().optional(), name: z.string().min(1).default('Emulated Org') })
      .strict()
      .default({ name: 'Emulated Org' }),
    /** Access token lifetime in seconds (Genesys: 5 min..48 h, default 24 h). */
    tokenLifetimeSeconds: z.number().int().min(1).max(172800).default(86400),
    rateLimit: z
      .object({ perMinute: z.number().int().min(1).default(300) })
      .strict()
      .default({ perMinute: 300 }),
    latency: z
      .object({
        jobMs: z.number().int().min(0).default(2000),
        exportMs: z.number().int().min(0).default(1000),
        validateMs: z.number().int().min(0).default(1000),
        publishMs: z.number().int().min(0).default(1500),
        executionMs: z.number().int().min(0).default(1000)
      })
      .strict()
      .default({ jobMs: 2000, exportMs: 1000, validateMs: 1000, publishMs: 1500, executionMs: 1000 }),
    divisions: z.array(named).default(['Home']),
    queues: z.array(named).default([]),
    /** A name (found by references in any integration) or `{ category, name }`: the action `name` of the
     * integration `category`, as flows reference it (`category: { <category>: { dataAction: { <name>: … } } }`). */
    dataActions: z.array(dataActionSeed).default([]),
    flows: z.array(flowSeed).default([]),
    /** What an export job returns: `architect` (the default) = Architect's rendering (render.ts), as a real org
     * does; `uploaded` = the stored upload behind a header comment (kinder than the platform: only for tests of
     * the rendering itself). */
    exportRendering: z.enum(['architect', 'uploaded']).default('architect'),
    faults: z.array(FaultSpec).default([])
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ExportRendering = Scenario['exportRendering'];
export type ScenarioInput = z.input<typeof ScenarioSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

function formatIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `  - ${where}: ${issue.message}`;
  });
  return `Invalid emulator scenario ${source}:\n${lines.join('\n')}\nSee emulator/README.md for the scenario format.`;
}

/** Validates a scenario object. `baseDir` resolves `file:` references; `source` names the origin in errors. */
export function parseScenario(input: unknown, source = '(inline)', baseDir = process.cwd()): Scenario {
  const result = ScenarioSchema.safeParse(input ?? {});
  if (!result.success) throw new ScenarioError(formatIssues(source, result.error));
  const scenario = result.data;
  const inline = (v: { yaml?: string | undefined; file?: string | undefined }, where: string) => {
    if (!v.file) return;
    const path = resolve(baseDir, v.file);
    try {
      v.yaml = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ScenarioError(
        `Invalid emulator scenario ${source}: ${where}.file: cannot read ${path} (${(err as Error).message})`
      );
    }
    delete v.file;
  };
  scenario.flows.forEach((flow, i) => {
    if (Array.isArray(flow.versions)) flow.versions.forEach((v, j) => inline(v, `flows.${i}.versions.${j}`));
    if (flow.draft) inline(flow.draft, `flows.${i}.draft`);
  });
  const names = new Set<string>();
  scenario.flows.forEach((flow, i) => {
    const key = `${flow.type}:${flow.name.toLowerCase()}`;
    if (names.has(key)) {
      throw new ScenarioError(`Invalid emulator scenario ${source}: flows.${i}: duplicate flow '${flow.name}'`);
    }
    names.add(key);
  });
  return scenario;
}

/** Reads a scenario from a .yml/.yaml/.json file. */
export function loadScenarioFile(path: string): Scenario {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new ScenarioError(`Cannot read emulator scenario ${full}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = full.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`Emulator scenario ${full} is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseScenario(data, full, dirname(full));
}
