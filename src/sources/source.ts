// A flow source: where the content a release publishes for a flow comes from (a file in the repository, a version
// checked in with Architect, …). One module per source implements this interface; registry.ts lists them. The engine
// asks the source and never branches on the kind itself.
import type { PlanAction, PlannedFlow } from '../domain/types.ts';
import type { Flow } from '../genesys/models.ts';
import type { ReleaseRecord } from '../git/types.ts';
import type { FlowSpec } from '../manifest/types.ts';

/** What the planner knows about one flow when it asks its source. */
export interface PlanInput<S extends FlowSpec> {
  spec: S;
  /** The org's flow, when it exists. */
  org?: Flow;
  /** This flow in the last release record, when there is one. */
  recorded?: ReleaseRecord['flows'][number];
  lastReleaseId?: string;
}

/** The source's decision for one flow. */
export interface SourcePlan {
  action: Extract<PlanAction, 'create' | 'update' | 'unchanged'>;
  reason: string;
  /** Recorded hash of the content the source will publish, when it knows it before publishing. */
  contentHash?: string;
  /** A checked-in version to promote. */
  draftVersion?: string;
  drift?: { recordedVersion: string; actualVersion?: string };
  /** A problem that blocks the release (nothing is changed). */
  error?: string;
}

/** The engine's ways of publishing; a source picks one (each journals and verifies its own publish). */
export interface PublishMechanisms<R> {
  /** Upload Archy YAML through an Architect job. */
  architectJob(content: string): Promise<R>;
  /** Publish a version checked in with Architect (actions/publish). */
  promoteVersion(version: string): Promise<R>;
}

export interface FlowSource<S extends FlowSpec = FlowSpec> {
  readonly kind: S['source'];
  /** Create / update / unchanged against the org and the last release record. */
  plan(input: PlanInput<S>): SourcePlan;
  /** Whether the versions this source promotes are checked by a validate job before anything changes. */
  readonly validatedBeforeRelease: boolean;
  publish<R>(spec: S, planned: PlannedFlow, via: PublishMechanisms<R>): Promise<R>;
  /** The content hash recorded for the published version (publish-succeeded, the release record). */
  contentHash(spec: S): string | undefined;
}
