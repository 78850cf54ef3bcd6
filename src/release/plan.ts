// The plan: resolve every flow of the (filtered) manifest against the org and decide create / update / unchanged,
// refuse flows locked by a person, check draft promotions and validate them — all before any mutating call.
import type { PlannedFlow } from '../domain/types.ts';
import type { Flow, FlowType } from '../genesys/models.ts';
import type { ReleaseRecord } from '../git/types.ts';
import type { FlowSpec, StageSpec } from '../manifest/types.ts';
import type { EngineContext } from './context.ts';
import { sourceOf, UnknownFlowSourceError } from '../sources/registry.ts';
import type { SourcePlan } from '../sources/source.ts';
import { isCancellation, sameType } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { waitForPlatformJob } from './wait.ts';
import { isGood } from '../ledger/history.ts';
import { artifactPath } from '../git/record.ts';
import type { LedgerDocument } from '../ledger/schema.ts';

export interface FlowPlan extends PlannedFlow {
  spec: FlowSpec;
  /** The org's flow when it exists. */
  org?: Flow;
  /** Needs a force-unlock before publishing (manifest force-unlock: true). */
  unlock: boolean;
}

export interface StagePlan {
  spec: StageSpec;
  index: number;
  flows: FlowPlan[];
}

export interface Plan {
  flows: FlowPlan[];
  stages: StagePlan[];
  /** Blocking problems: the release must not start. */
  errors: string[];
}

/** Apply the `flows` input; unknown names are an error (a typo must not silently release nothing). */
export function filterFlows(all: FlowSpec[], filter: string[] | undefined): { keep: Set<string>; unknown: string[] } {
  const names = new Set(all.map((f) => f.name));
  if (!filter || filter.length === 0) return { keep: names, unknown: [] };
  const wanted = filter.map((n) => n.trim()).filter(Boolean);
  return { keep: new Set(wanted.filter((n) => names.has(n))), unknown: wanted.filter((n) => !names.has(n)) };
}

/** What the planner looks up once for all flows. */
interface PlanLookup {
  /** The org's flows of each type (one listing per type, not one lookup per flow). */
  byType: Map<FlowType, Flow[]>;
  /** The last release record's flows, by type and name. */
  recorded: Map<string, ReleaseRecord['flows'][number]>;
  lastReleaseId?: string;
  /** With a ledger: the release each flow's record comes from. */
  releaseOf?: Map<string, string>;
}

const recordKey = (type: string, name: string) => `${type.toLowerCase()}\u0000${name}`;

/** One selected flow: find it in the org, ask its source, then refuse a lock (or plan a force-unlock). */
function planFlow(ctx: EngineContext, spec: FlowSpec, stage: string, look: PlanLookup, errors: string[]): FlowPlan {
  const matches = (look.byType.get(spec.type) ?? []).filter(
    (f) => f.name === spec.name && sameType(f.type, spec.type) && !f.deleted
  );
  const p: FlowPlan = {
    name: spec.name,
    type: spec.type,
    stage,
    action: 'update',
    source: spec.source,
    reason: '',
    spec,
    unlock: false
  };
  if (matches.length > 1) {
    errors.push(
      `${matches.length} ${spec.type} flows are named "${spec.name}" (${matches.map((m) => m.id).join(', ')}); rename or delete the extra ones so the name is unique.`
    );
    p.reason = 'ambiguous name';
    return p;
  }
  const org = matches[0];
  p.org = org;
  p.flowId = org?.id;
  p.publishedVersion = org?.publishedVersion?.id;
  let decided: SourcePlan;
  try {
    decided = sourceOf(spec).plan({
      spec,
      org,
      recorded: look.recorded.get(recordKey(spec.type, spec.name)),
      lastReleaseId: look.releaseOf?.get(recordKey(spec.type, spec.name)) ?? look.lastReleaseId
    });
  } catch (e) {
    if (!(e instanceof UnknownFlowSourceError)) throw e;
    errors.push(e.message);
    p.reason = 'unknown flow source';
    return p;
  }
  const { error, ...decision } = decided;
  Object.assign(p, decision);
  if (error) errors.push(error);
  checkLockAndDrift(ctx, p, errors);
  return p;
}

function checkLockAndDrift(ctx: EngineContext, p: FlowPlan, errors: string[]): void {
  const { spec, org, stage } = p;
  if (org?.lockedUser && p.action !== 'unchanged') {
    const who = org.lockedUser.name ?? org.lockedUser.id;
    p.lockedBy = who;
    if (spec.forceUnlock) {
      p.unlock = true;
      p.reason += `; locked by ${who}, will be force-unlocked (force-unlock: true)`;
    } else {
      const reason = `Flow "${spec.name}" is checked out in Architect by ${who}. Ask them to check it in or discard their changes, or set force-unlock: true on this flow in the manifest to unlock it (their unsaved work is lost).`;
      errors.push(reason);
      ctx.journal.append('flow-refused', {
        flow: spec.name,
        stage,
        status: 'error',
        details: { flowId: org.id, reason, lockedBy: who }
      });
      ctx.log.error(reason);
    }
  }
  if (p.drift) {
    ctx.journal.append('drift-detected', {
      flow: spec.name,
      stage,
      status: 'warning',
      details: { flowId: org!.id, recordedVersion: p.drift.recordedVersion, actualVersion: p.drift.actualVersion }
    });
    ctx.log.warning(`Drift on "${spec.name}": ${p.reason}; it will be republished.`);
  }
}

/**
 * With a ledger, each flow's record is its last good one in the ledger's history (whatever happened to the artifact
 * commit): unchanged when the manifest's content hash and the live version match it.
 */
function ledgerRecords(doc: LedgerDocument): Pick<PlanLookup, 'recorded' | 'releaseOf'> {
  const recorded: PlanLookup['recorded'] = new Map();
  const releaseOf = new Map<string, string>();
  for (let i = doc.history.length - 1; i >= 0; i--) {
    const entry = doc.history[i]!;
    for (const f of entry.flows) {
      const key = recordKey(f.type, f.name);
      if (recorded.has(key) || !isGood(entry, f) || f.version === null) continue;
      recorded.set(key, {
        name: f.name,
        type: f.type,
        id: f.id,
        version: f.version,
        contentHash: f.uploaded ?? '',
        file: ''
      });
      releaseOf.set(key, entry.releaseId);
    }
  }
  return { recorded, releaseOf };
}

export async function buildPlan(
  ctx: EngineContext,
  opts: { flowsFilter?: string[]; lastRecord?: ReleaseRecord; ledger?: LedgerDocument | undefined }
): Promise<Plan> {
  const { manifest } = ctx;
  const errors: string[] = artifactCollisions(manifest.flows);
  const { keep } = filterFlows(manifest.flows, opts.flowsFilter);
  const stageOf = new Map<string, string>();
  for (const s of manifest.stages) for (const f of s.flows) stageOf.set(f, s.name);
  const selected = manifest.flows.filter((f) => keep.has(f.name));

  const look: PlanLookup = opts.ledger
    ? { byType: new Map(), ...ledgerRecords(opts.ledger) }
    : {
        byType: new Map(),
        recorded: new Map((opts.lastRecord?.flows ?? []).map((r) => [recordKey(r.type, r.name), r])),
        lastReleaseId: opts.lastRecord?.releaseId
      };
  for (const type of new Set(selected.map((f) => f.type))) {
    look.byType.set(type, await ctx.api.listFlows(type));
  }

  const flows: FlowPlan[] = manifest.flows.map((spec) => {
    const stage = stageOf.get(spec.name) ?? '';
    if (keep.has(spec.name)) return planFlow(ctx, spec, stage, look, errors);
    return {
      name: spec.name,
      type: spec.type,
      stage,
      action: 'skipped',
      source: spec.source,
      reason: 'not in the flows input',
      spec,
      unlock: false
    };
  });

  await validateDrafts(
    ctx,
    flows.filter((f) => f.action === 'update' && f.flowId && f.draftVersion && sourceOf(f.spec).validatedBeforeRelease),
    errors
  );

  const stages: StagePlan[] = manifest.stages
    .map((spec, index) => ({
      spec,
      index,
      // Stage order, not manifest order: the stage lists its flows in the order they should go out.
      flows: spec.flows
        .map((n) => flows.find((f) => f.name === n && f.action !== 'skipped'))
        .filter((f): f is FlowPlan => f !== undefined)
    }))
    .filter((s) => s.flows.length > 0);
  return { flows, stages, errors };
}

/**
 * Two flows whose exports would be committed to the same file (`Queue (A)` and `Queue [A]` both become
 * `Queue _A_.yaml`; names that differ only in case collide on case-insensitive file systems): known before any change.
 */
export function artifactCollisions(flows: { name: string; type: string }[]): string[] {
  const byPath = new Map<string, string[]>();
  for (const f of flows) {
    const key = artifactPath(f.type, f.name).toLowerCase();
    byPath.set(key, [...(byPath.get(key) ?? []), f.name]);
  }
  return [...byPath]
    .filter(([, names]) => names.length > 1)
    .map(
      ([path, names]) =>
        `Flows ${names.map((n) => `"${n}"`).join(' and ')} would be committed to the same artifact file (${path}, ` +
        'ignoring case): rename one of them so their file names differ in more than punctuation or case.'
    );
}

/** One validate job for every draft to promote; Error messages block the release. */
async function validateDrafts(ctx: EngineContext, drafts: FlowPlan[], errors: string[]): Promise<void> {
  if (drafts.length === 0) return;
  try {
    const reg = await ctx.api.registerValidateJob(drafts.map((d) => ({ flowId: d.flowId!, version: d.draftVersion })));
    const job = await waitForPlatformJob(
      ctx,
      { what: 'validate job', id: reg.id, poll: () => ctx.api.getValidateJob(reg.id), expectedLatencyMs: 2000 },
      { signal: ctx.signal }
    );
    const msgs = job.messages ?? [];
    const errs = msgs.filter((m) => m.type === 'Error').map((m) => m.text ?? 'unnamed error');
    for (const w of msgs.filter((m) => m.type === 'Warning')) ctx.log.warning(`Validation warning: ${w.text ?? ''}`);
    const names = drafts.map((d) => `"${d.name}" v${d.draftVersion}`).join(', ');
    if (errs.length > 0 || job.status === 'Failure') {
      const text = errs.length ? errs.join('; ') : 'the validate job failed without messages';
      errors.push(`Validation of ${names} failed: ${text}. Fix the flow in Architect and check it in again.`);
      for (const d of drafts) d.reason += '; validation failed';
    } else {
      for (const d of drafts) d.reason += '; validated';
    }
  } catch (e) {
    if (isCancellation(ctx, e)) throw e;
    errors.push(`Could not validate the drafts to promote: ${errorText(e)}`);
  }
}
