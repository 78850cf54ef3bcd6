// What a check kind is and what it may use. A check kind is one module exporting one `CheckKind` object: its
// manifest form, its defaults, its validation against the rest of the manifest, how it measures in a bake round, and
// how a measurement reads in the summary and the audit. The loader, the round runner, the summary and the audit only
// know this interface (through registry.ts), so a new kind is one module and one registry line.
//
// This folder imports nothing from src/release/ or src/manifest/ (both depend on it): `CheckContext` is the narrow
// part of the engine's context a check uses, which the engine's EngineContext satisfies structurally.
import type { z } from 'zod';
import type { Clock } from '../common/clock.ts';
import type { CheckMeasurement } from '../domain/types.ts';
import type { PathSegment } from '../fields/issues.ts';
import type { GenesysApi } from '../genesys/api.ts';
import type { JournalSink } from '../journal/events.ts';
import type { Logger } from '../common/log.ts';

/** Every check spec: its kind and its name (the key under `checks:`); each kind adds its own settings. */
export interface CheckSpec {
  kind: string;
  name: string;
}

export type HttpGet = (url: string, timeoutMs: number) => Promise<{ status: number; body: string }>;

/** The collaborators a check uses while it runs. */
export interface CheckContext {
  api: Pick<GenesysApi, 'launchExecution' | 'getExecution' | 'queryFlowAggregates'>;
  journal: JournalSink;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  httpGet: HttpGet;
  releaseId: string;
  manifest: { checks: Readonly<Record<string, CheckSpec>> };
}

/** What is live for a flow while its checks run. */
export interface LiveFlow {
  name: string;
  type: string;
  flowId: string;
  version: string;
  /** The version that was live before this release (for compareToPrevious). */
  previousVersion?: string | null;
  /** When the live version went live in this release (clock ms); undefined when it was already live. */
  publishedAt?: number;
}

/** The part of a stage the checks see. */
export interface StageView {
  name: string;
  flows: string[];
  checks: string[];
}

/** One bake round of one stage. */
export interface CheckRound {
  /** 1-based bake round; 0 for the re-check on the restored versions after a rollback. */
  round: number;
  stage: StageView;
  live: ReadonlyMap<string, LiveFlow>;
  /** When the stage started (clock ms): the start of the measurement window of flows that were already live. */
  stageStartedAt: number;
}

/** A measurement, attributed to a flow when it measures one. */
export type FlowMeasurement = CheckMeasurement & { flow?: string };

/** How the rest of the manifest looks to a check being validated. */
export interface CheckValidation {
  /** The check's own path, e.g. `['checks', 'smoke']`. */
  readonly path: PathSegment[];
  /** Reports a problem at `field`, a path below the check (e.g. `['flow']`), with how to fix it. */
  report(field: PathSegment[], message: string, fix: string): void;
  /**
   * A reference at `field` to a flow of the manifest: the flow when it is valid; undefined otherwise, after reporting
   * an unknown name (with a suggestion). A flow that is itself invalid is already reported and not reported again.
   */
  flow(field: PathSegment[], name: string): { name: string; type: string } | undefined;
  /** Values of the built-in placeholders (`{{run}}`, `{{release}}`). */
  readonly builtins: Readonly<Record<string, string>>;
}

/** Renders values for one medium: Markdown-safe for the summary, plain for the audit. */
export interface TextKit {
  /** Untrusted text (a message, a name), cut to `maxChars`. */
  text(value: unknown, maxChars?: number): string;
  /** A measured or expected value: numbers to 4 significant digits, anything else as text. */
  number(value: unknown): string;
}

export interface CheckKind<S extends CheckSpec = CheckSpec, Y = unknown> {
  /** The `kind:` value in the manifest; unique in the registry. */
  readonly kind: S['kind'];
  /**
   * The YAML form of one check, kebab-case keys, including `kind: z.literal(<kind>)`. Use a strict object: an
   * unknown key is then reported with the allowed keys. Durations: `durationWithin` from src/fields/schema.ts.
   */
  readonly schema: z.ZodType<Y>;
  /** Every default of this kind, in one place; `toSpec` reads them from here. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The validated YAML → the spec the engine runs (camelCase, durations in ms, defaults applied). */
  toSpec(name: string, yaml: Y): S;
  /** Checks references to the rest of the manifest (report through `v`); returns the spec, possibly completed. */
  validate?(spec: S, v: CheckValidation): S;
  /** Measures once, in one bake round. Never throws for a failed measurement: it returns a `fail` measurement. */
  run(ctx: CheckContext, spec: S, round: CheckRound): Promise<FlowMeasurement[]>;
  /**
   * One line that explains a measurement of this kind ("failure rate 0.12 > max 0.05 (140 samples)"), written with
   * `kit` so it is safe in its medium; undefined to use the generic description (the message, else the values).
   */
  describe?(m: CheckMeasurement, kit: TextKit): string | undefined;
}

/** Identity, for type inference: `export const myKind = defineCheckKind<MySpec, MyYaml>({ ... })`. */
export function defineCheckKind<S extends CheckSpec, Y>(kind: CheckKind<S, Y>): CheckKind<S, Y> {
  return kind;
}
