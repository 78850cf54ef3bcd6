// Rollback is a roll-forward of old content (Genesys has no "make version N live again"): republish the snapshot YAML
// through an Architect job, or delete a flow this release created, then prove it by reading back — the published
// version moved off the failed one and an export of it equals the snapshot after normalisation. Newest first,
// up to 3 attempts per flow.
import type { RollbackFlowResult } from '../domain/types.ts';
import type { FlowType } from '../genesys/models.ts';
import type { EngineContext } from './context.ts';
import { isNotFound, sameType } from './context.ts';
import { errorText } from '../genesys/errors.ts';
import { exportVersions } from './exports.ts';
import { exportHash } from './normalize.ts';
import { stripExportHeader } from '../git/normalize.ts';
import { publishYaml } from './publish.ts';

export const ROLLBACK_ATTEMPTS = 3;

/** A flow this release changed (or may have changed): the journal's fact plus the working data to restore it. */
export interface ChangedFlow {
  name: string;
  type: FlowType;
  stage: string;
  flowId: string;
  created: boolean;
  /** The published version before the release, exported before the stage touched anything. */
  snapshot?: { version: string; content: string; hash: string };
  /** The version this release left published (undefined when in doubt). */
  publishedVersion?: string;
  /** Wait for an in-flight job/operation to end before restoring, so it cannot land after the rollback. */
  settle?: (deadlineAt: number) => Promise<void>;
  /** Seq of the journal event that recorded the change: the order the changes happened in. */
  seq: number;
}

/**
 * The rollback order: newest change first, so every flow is restored while what it may call is still at the version
 * it was published against (a later stage's flow comes off before an earlier stage's).
 */
export function rollbackOrder<T extends { seq: number }>(changed: readonly T[]): T[] {
  return [...changed].sort((a, b) => b.seq - a.seq);
}

export interface RollbackRunOptions {
  newFlows: 'delete' | 'keep';
  /** Stop waiting at this clock time. */
  deadlineAt?: number;
}

/** Sleep between attempts; a cancellation ends it early (the next attempt then does not start). */
async function pause(ctx: EngineContext, ms: number): Promise<void> {
  await ctx.clock.sleep(ms, ctx.signal).catch(() => undefined);
}

function journalFlow(ctx: EngineContext, stage: string, r: RollbackFlowResult): void {
  ctx.journal.append('rollback-flow', { stage, flow: r.name, status: r.ok ? 'ok' : 'error', details: r });
  const line = `Rollback of "${r.name}" (${r.action}): ${r.ok ? 'verified' : 'FAILED'} after ${r.attempts} attempt(s)${r.error ? ` — ${r.error}` : ''}`;
  if (r.ok) ctx.log.info(line);
  else ctx.log.error(line);
}

export async function deleteCreated(ctx: EngineContext, f: ChangedFlow): Promise<RollbackFlowResult> {
  const r: RollbackFlowResult = {
    name: f.name,
    type: f.type,
    flowId: f.flowId,
    action: 'delete',
    attempts: 0,
    ok: false,
    expected: { deleted: true },
    actual: {}
  };
  for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
    if (ctx.signal?.aborted) {
      r.error = 'cancelled before the delete was sent';
      break;
    }
    r.attempts = attempt;
    try {
      if (!f.flowId) {
        // Created by a job whose result we never saw: find it by name (absent means nothing was created).
        const found = await ctx.api.findFlowsByName(f.name, f.type);
        const hit = found.find((x) => x.name === f.name && sameType(x.type, f.type) && !x.deleted);
        if (!hit) {
          r.actual = { deleted: true };
          r.ok = true;
          return r;
        }
        f = { ...f, flowId: hit.id };
        r.flowId = hit.id;
      }
      try {
        await ctx.api.deleteFlow(f.flowId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      let deleted = false;
      let version: string | undefined;
      try {
        const flow = await ctx.api.getFlow(f.flowId);
        deleted = flow.deleted === true;
        version = flow.publishedVersion?.id;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        deleted = true;
      }
      r.actual = deleted ? { deleted: true } : { deleted: false, version };
      if (deleted) {
        r.ok = true;
        r.error = undefined;
        return r;
      }
      r.error = `flow ${f.flowId} still exists after DELETE`;
    } catch (e) {
      r.error = errorText(e);
    }
    if (attempt < ROLLBACK_ATTEMPTS) await pause(ctx, 1000 * attempt);
  }
  return r;
}

type RestoreTarget = { version?: string; content: string; hash: string };
type RestoreFlow = { name: string; type: FlowType; flowId: string; stage: string };

function verified(r: RollbackFlowResult, version: string, hash: string): true {
  r.actual = { version, contentHash: hash };
  r.ok = true;
  r.error = undefined;
  return true;
}

/** Publish the target content through an Architect job and verify its export; true when verified. */
async function republish(
  ctx: EngineContext,
  f: RestoreFlow,
  target: RestoreTarget,
  current: string | undefined,
  r: RollbackFlowResult,
  deadlineAt?: number
): Promise<boolean> {
  const pub = await publishYaml(
    ctx,
    { name: f.name, type: f.type, flowId: current === undefined ? undefined : f.flowId, fromVersion: current ?? null },
    // An export's header comments (e.g. `# Exported by … at <time>`) are never uploaded back.
    stripExportHeader(target.content),
    {
      deadlineAt,
      signal: ctx.signal,
      stage: f.stage,
      // Every Architect job this release registers is in the journal, the rollback's included.
      onJob: async (jobId) => {
        await ctx.recordJob?.(f, jobId, 'architect');
        ctx.journal.append('wait-progress', {
          stage: f.stage,
          flow: f.name,
          status: 'info',
          details: { what: 'rollback publish job', id: jobId, state: 'Registered', elapsedMs: 0 }
        });
      }
    }
  );
  r.actual = { version: pub.toVersion ?? current };
  if (!pub.ok || !pub.toVersion || !pub.flowId) {
    r.error = pub.error ?? 'the republish did not change the published version';
    return false;
  }
  const exported = await exportVersions(
    ctx,
    [{ name: f.name, type: f.type, flowId: pub.flowId, version: pub.toVersion }],
    { deadlineAt, signal: ctx.signal, stage: f.stage }
  );
  const hash = exported.get(pub.flowId)?.hash;
  r.actual = { version: pub.toVersion, contentHash: hash };
  if (pub.flowId !== f.flowId) r.flowId = pub.flowId;
  if (hash === target.hash) return verified(r, pub.toVersion, hash);
  r.error = `published version ${pub.toVersion} exports content ${hash?.slice(0, 12)}, expected ${target.hash.slice(0, 12)}`;
  return false;
}

/** One restore attempt; true when it ends the restore (verified, or refused over someone else's change). */
async function restoreAttempt(
  ctx: EngineContext,
  f: RestoreFlow,
  target: RestoreTarget,
  r: RollbackFlowResult,
  attempt: number,
  deadlineAt?: number,
  expectCurrent?: string
): Promise<boolean> {
  let current: string | undefined;
  try {
    current = (await ctx.api.getFlow(f.flowId)).publishedVersion?.id;
  } catch (e) {
    // A deleted flow is restored by the job, which recreates it by name.
    if (!isNotFound(e)) throw e;
  }
  r.actual = { version: current };
  // The failed publish never took effect: the snapshot version is still live.
  if (current !== undefined && current === target.version) return verified(r, current, target.hash);
  if (attempt === 1 && expectCurrent !== undefined && current !== undefined && current !== expectCurrent) {
    // Another release or a person published since this release did: restoring would overwrite their change.
    r.error = `published version changed from ${expectCurrent} to ${current} since this release published it — another release or a person published it; refusing to overwrite`;
    return true;
  }
  if (attempt > 1 && current !== undefined) {
    // An earlier attempt may have landed although its result was never seen (a lost or garbled poll): read the
    // live content back instead of publishing the same content twice.
    const live = await exportVersions(ctx, [{ name: f.name, type: f.type, flowId: f.flowId, version: current }], {
      deadlineAt,
      signal: ctx.signal,
      stage: f.stage
    });
    if (live.get(f.flowId)?.hash === target.hash) return verified(r, current, target.hash);
  }
  return republish(ctx, f, target, current, r, deadlineAt);
}

/**
 * Make `content` the published content of the flow again and verify it. Shared by the automatic rollback (snapshot
 * content) and `command: rollback` (the recorded export).
 */
export async function restoreContent(
  ctx: EngineContext,
  f: RestoreFlow,
  target: RestoreTarget,
  deadlineAt?: number,
  /** The version this release left published: any other version (not the target) is someone else's change. */
  expectCurrent?: string
): Promise<RollbackFlowResult> {
  const r: RollbackFlowResult = {
    name: f.name,
    type: f.type,
    flowId: f.flowId,
    action: 'republish',
    attempts: 0,
    ok: false,
    expected: { version: target.version, contentHash: target.hash },
    actual: {}
  };
  for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
    if (deadlineAt !== undefined && ctx.clock.now() >= deadlineAt && attempt > 1) break;
    if (ctx.signal?.aborted) {
      // A cancelled run starts no new restore publish.
      r.error =
        attempt === 1
          ? 'cancelled before the restore started'
          : `cancelled after attempt ${attempt - 1}: ${r.error ?? ''}`;
      break;
    }
    r.attempts = attempt;
    try {
      if (await restoreAttempt(ctx, f, target, r, attempt, deadlineAt, expectCurrent)) return r;
    } catch (e) {
      r.error = errorText(e);
    }
    ctx.log.warning(`Rollback attempt ${attempt} for "${f.name}" failed: ${r.error}`);
    if (attempt < ROLLBACK_ATTEMPTS) await pause(ctx, 1000 * attempt);
  }
  return r;
}

/**
 * Roll back every changed flow in rollbackOrder (newest first). A cancellation starts no further restore: the flows not reached are
 * not in `results` (they stay at the version this release published).
 */
export async function rollbackFlows(
  ctx: EngineContext,
  changed: ChangedFlow[],
  opts: RollbackRunOptions
): Promise<{ ok: boolean; results: RollbackFlowResult[]; kept: ChangedFlow[] }> {
  const results: RollbackFlowResult[] = [];
  const kept: ChangedFlow[] = [];
  for (const f of rollbackOrder(changed)) {
    if (ctx.signal?.aborted) break;
    if (f.settle) {
      // A job cut short may still publish: let it end (bounded) so it cannot overwrite the restored content.
      await f.settle(opts.deadlineAt ?? ctx.clock.now() + ctx.manifest.jobTimeoutMs);
    }
    let r: RollbackFlowResult;
    if (f.created) {
      if (opts.newFlows === 'keep') {
        kept.push(f);
        ctx.journal.append('warning', {
          stage: f.stage,
          flow: f.name,
          status: 'warning',
          details: { message: `Kept "${f.name}", created by this release (rollback.new-flows: keep).` }
        });
        continue;
      }
      r = await deleteCreated(ctx, f);
    } else if (!f.snapshot) {
      r = {
        name: f.name,
        type: f.type,
        flowId: f.flowId,
        action: 'republish',
        attempts: 0,
        ok: false,
        expected: {},
        actual: { version: f.publishedVersion },
        error:
          'The flow had no published version before this release, so there is nothing to restore. Deactivate it or publish a known-good version in Architect.'
      };
    } else {
      r = await restoreContent(ctx, f, f.snapshot, opts.deadlineAt, f.publishedVersion);
    }
    journalFlow(ctx, f.stage, r);
    results.push(r);
  }
  return { ok: results.every((r) => r.ok), results, kept };
}

/** Hash recorded content the same way exports are hashed, so restore verification compares like with like. */
export function recordedTarget(content: string, version?: string): { version?: string; content: string; hash: string } {
  return { version, content, hash: exportHash(content) };
}
