// Inputs and results of the release engine. The engine never throws for an expected failure: it journals what
// happened and returns an outcome; these types are what main.ts and the git committer consume. What happened to each
// flow is in the journal (journal/view.ts and journal/derive.ts read it), not in the result.
import type { Clock } from '../common/clock.ts';
import type { JournalSink } from '../journal/events.ts';
import type { ExportedFlow, Outcome, PublishedFlow } from '../domain/types.ts';
import type { GenesysApi } from '../genesys/api.ts';
import type { ReleaseRecord } from '../git/types.ts';
import type { Logger } from '../common/log.ts';
import type { ReleaseManifest } from '../manifest/types.ts';

import type { HttpGet } from '../checks/types.ts';
import type { LedgerHandle } from './run-ledger.ts';

export type { LedgerHandle } from './run-ledger.ts';

export interface ReleaseDeps {
  api: GenesysApi;
  journal: JournalSink;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** Used by `http` checks; defaults to a plain fetch with a timeout. */
  httpGet?: HttpGet;
  /**
   * The org's release ledger (docs/state.md): lock, write-ahead records, history. When given, it is the memory of
   * every decision (change detection, rollback targets, recovery); without it (some unit tests) the engine plans
   * from `lastRecord` and rolls back from its own snapshot.
   */
  ledger?: LedgerHandle;
  /** The OAuth client id the action logged in with: the creator a version this run publishes must name. */
  clientId?: string;
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

export interface ReleaseResult {
  outcome: Outcome;
  /**
   * Flows whose newly published version is live at the end, in manifest order (after a rollback: none of the
   * rolled-back ones; after a cancellation: the ones left at their new version).
   */
  published: PublishedFlow[];
  exports: ExportedFlow[];
  message: string;
}
