// Inputs and results of the release engine. The engine never throws for an expected failure: it journals what
// happened and returns an outcome; these types are what main.ts, the git committer and the reporter consume.
import type { Clock } from '../clock.ts';
import type { JournalSink } from '../journal/events.ts';
import type { ExportedFlow, Outcome, PublishedFlow } from '../domain/types.ts';
import type { GenesysApi } from '../genesys/api.ts';
import type { ReleaseRecord } from '../git/types.ts';
import type { Logger } from '../log.ts';
import type { ReleaseManifest } from '../manifest/types.ts';

export type HttpGet = (url: string, timeoutMs: number) => Promise<{ status: number; body: string }>;

export interface ReleaseDeps {
  api: GenesysApi;
  journal: JournalSink;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** Used by `http` checks; defaults to a plain fetch with a timeout. */
  httpGet?: HttpGet;
}

export interface ReleaseOptions {
  command: 'deploy' | 'plan' | 'rollback';
  manifest: ReleaseManifest;
  /** Release only these flow names (the `flows` input). */
  flowsFilter?: string[];
  /** `<artifacts.dir>/release.json` of the last successful release, when there is one. */
  lastRecord?: ReleaseRecord;
  /** For `command: rollback`: the exported YAML committed for each recorded flow, by flow name. */
  recordedContent?: Map<string, string>;
  releaseId: string;
  /** After a successful release, export the new published version of every released flow into `exports`. */
  exportAfter?: boolean;
}

export type FlowFinalState =
  'published' | 'unchanged' | 'rolled-back' | 'deleted' | 'failed' | 'unknown' | 'skipped' | 'planned';

export interface FlowResult {
  name: string;
  type: string;
  flowId?: string;
  state: FlowFinalState;
  /** The published version at the end (when known). */
  version?: string;
  /** The published version before the release. */
  fromVersion?: string | null;
  /** sha256 of the substituted YAML this release published (file flows). */
  contentHash?: string;
  /** Why a flow failed or was skipped. */
  reason?: string;
}

export interface ReleaseResult {
  outcome: Outcome;
  /**
   * Flows whose newly published version is live at the end, in manifest order (after a rollback: none of the
   * rolled-back ones; after a cancellation: the ones left at their new version).
   */
  published: PublishedFlow[];
  exports: ExportedFlow[];
  flows: FlowResult[];
  message: string;
}
