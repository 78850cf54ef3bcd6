// Proof that the version live after a publish is the one this run created — from the org's own version metadata,
// never from content (an export is Architect's rendering, not the uploaded text). The rule (docs/platform.md,
// "Identity of a published version"):
//   1. the live version is newer than the one read before the upload (else the job left no new version: a failure);
//   2. it was created by this action's OAuth client (`createdByClient.id` = the client id it logged in with); a version
//      created by another client or by a user (`createdBy`) is a concurrent publisher's: a conflict;
//   3. it was published no earlier than the upload, minus CLOCK_SKEW_MS (else it is not this job's: a conflict);
//   4. no other version was published between the one read before the upload and it while this release ran (two
//      publishes raced: with the same OAuth client, which is whose cannot be told — a conflict), and no later version
//      has been published since (checked again after the bake, verify.ts).
// Fallback: when the version names no creator at all (neither createdByClient nor createdBy — unconfirmed whether a
// real org fills createdByClient for job-created versions), rules 1 and 3 alone accept it, with a warning that the
// creator could not be confirmed (journaled, `basis: 'ordering-and-time'`).
import type { ConflictEvidence, VersionEvidence } from '../domain/types.ts';
import type { Flow, FlowVersion } from '../genesys/models.ts';
import type { EngineContext } from './context.ts';

export type { ConflictEvidence, VersionEvidence };

/** How far this runner's clock and the org's may disagree when comparing datePublished with the upload time. */
export const CLOCK_SKEW_MS = 120_000;

/** What proved (or failed to prove) that the live version is this run's. */
export interface IdentityEvidence extends VersionEvidence {
  previousVersion: string | null;
  /** `client`: createdByClient is this action's client; `ordering-and-time`: no creator metadata (fallback). */
  basis: 'client' | 'ordering-and-time';
}

export type IdentityVerdict =
  | { ok: true; evidence: IdentityEvidence; warning?: string }
  | { ok: false; kind: 'no-new-version'; error: string }
  | { ok: false; kind: 'conflict'; error: string; conflict: ConflictEvidence };

export function versionEvidence(v: FlowVersion): VersionEvidence {
  const by = v.createdBy ? { id: v.createdBy.id, name: v.createdBy.name } : undefined;
  return { version: v.id, createdByClient: v.createdByClient?.id, createdBy: by, datePublished: v.datePublished };
}

/** "OAuth client X" / "user Jane Doe (u-9)" / "an unnamed creator". */
export function creatorText(e: VersionEvidence): string {
  if (e.createdByClient) return `OAuth client ${e.createdByClient}`;
  const u = e.createdBy;
  if (u?.name || u?.id) return `user ${u.name ?? u.id}${u.name && u.id ? ` (${u.id})` : ''}`;
  return 'an unnamed creator';
}

/** Numeric order of version ids ("2.0" < "10.0"); undefined when either is not a number. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : undefined;
}

/** The live version's metadata: from the flow as read back when it carries any, else GET …/versions/{id}. */
export async function liveVersionMeta(ctx: EngineContext, flowId: string, flow?: Flow): Promise<FlowVersion> {
  const pv = flow?.publishedVersion;
  if (!pv) throw new Error(`flow ${flowId} has no published version`);
  if (pv.createdByClient || pv.createdBy || pv.datePublished) return pv;
  return ctx.api.getFlowVersion(flowId, pv.id);
}

export function conflictError(flowName: string, e: ConflictEvidence, why: string): string {
  return (
    `conflict: version ${e.version} of "${flowName}" was ${why} — created by ${creatorText(e)}, published ` +
    `${e.datePublished ?? 'at an unknown time'} — a concurrent release or a person published it at the same time. ` +
    `It is not rolled back over their content; check which version should be live.`
  );
}

/** Applies the rule above to the live version after a job reported Success. */
export function proveIdentity(
  v: FlowVersion,
  expect: { flowName: string; clientId?: string; previousVersion: string | null; uploadedAt: number }
): IdentityVerdict {
  const ev = versionEvidence(v);
  const order = expect.previousVersion === null ? 1 : compareVersions(v.id, expect.previousVersion);
  if (v.id === expect.previousVersion || (order !== undefined && order <= 0)) {
    return {
      ok: false,
      kind: 'no-new-version',
      error: `the live version is still ${v.id} (${expect.previousVersion ?? 'none'} before the upload): the job left no new version`
    };
  }
  const conflict = (why: string): IdentityVerdict => ({
    ok: false,
    kind: 'conflict',
    error: conflictError(expect.flowName, { ...ev, expectedClient: expect.clientId }, why),
    conflict: { ...ev, expectedClient: expect.clientId }
  });
  const mine = expect.clientId !== undefined && ev.createdByClient === expect.clientId;
  if (ev.createdByClient && expect.clientId !== undefined && !mine)
    return conflict(`not created by this action's OAuth client (${expect.clientId})`);
  if (!ev.createdByClient && (ev.createdBy?.id || ev.createdBy?.name))
    return conflict('created by a user, not by this action');
  const published = ev.datePublished ? Date.parse(ev.datePublished) : NaN;
  if (Number.isFinite(published) && published < expect.uploadedAt - CLOCK_SKEW_MS) {
    const at = new Date(expect.uploadedAt).toISOString();
    return conflict(`published before this release uploaded its file (${at}, ±${CLOCK_SKEW_MS / 1000} s)`);
  }
  const evidence: IdentityEvidence = {
    ...ev,
    previousVersion: expect.previousVersion,
    basis: mine ? 'client' : 'ordering-and-time'
  };
  if (mine) return { ok: true, evidence };
  const why = ev.createdByClient
    ? `was created by OAuth client ${ev.createdByClient} but this run does not know its own client id`
    : 'names no creator (no createdByClient or createdBy)';
  const warning =
    `"${expect.flowName}": version ${v.id} ${why}, so it is accepted as ` +
    `this release's on version order (newer than ${expect.previousVersion ?? 'none'}) and time ` +
    `(published ${ev.datePublished ?? 'at an unknown time'}, after the upload) alone — its creator is unconfirmed.`;
  return { ok: true, evidence, warning };
}

/** Version ids are `N.0`; at most this many in-between versions are read (more is a conflict by itself). */
const MAX_BETWEEN = 10;

/**
 * Rule 4's first half: a version published between `previous` and `live` during this release (datePublished after
 * the upload minus the skew) — another publish raced this one. Returns the conflict, or undefined. Consecutive
 * numbers (the usual case) cost no call.
 */
export async function racedVersion(
  ctx: EngineContext,
  flowId: string,
  flowName: string,
  span: { previous: string | null; live: string; uploadedAt: number }
): Promise<{ error: string; conflict: ConflictEvidence } | undefined> {
  const from = span.previous === null ? 0 : Number(span.previous);
  const to = Number(span.live);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to - from <= 1) return undefined;
  for (let n = to - 1; n > from && n >= to - MAX_BETWEEN; n--) {
    let v: FlowVersion;
    try {
      v = await ctx.api.getFlowVersion(flowId, `${n}.0`);
    } catch {
      continue; // deleted or never published: not a rival publish
    }
    const at = v.datePublished ? Date.parse(v.datePublished) : NaN;
    if (!Number.isFinite(at) || at < span.uploadedAt - CLOCK_SKEW_MS) continue;
    const conflict: ConflictEvidence = { ...versionEvidence(v), expectedClient: ctx.clientId };
    const why = `published between ${span.previous ?? 'none'} and ${span.live} while this release ran, so which version is this release's cannot be proved`;
    return { error: conflictError(flowName, conflict, why), conflict };
  }
  return undefined;
}
