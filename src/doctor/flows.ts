// Probes of the manifest's flows: each resolved in the org (exists, type, lock, published version), the version
// metadata identity verification relies on, and the analytics each flow has.
import type { Flow, FlowAggregateQueryResponse } from '../genesys/models.ts';
import type { FlowSpec } from '../manifest/types.ts';
import { fail, failedCall, ok, skipped, warn, type DoctorContext, type Probe } from './types.ts';

export interface ResolvedFlow {
  spec: FlowSpec;
  /** The org's flow, when it exists. */
  flow?: Flow;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ANALYTICS_DAYS = 7;

function describeFlow(f: Flow): string {
  const parts = [`id ${f.id}`, `type ${f.type ?? '?'}`];
  parts.push(f.publishedVersion ? `published version ${f.publishedVersion.id}` : 'no published version');
  if (f.checkedInVersion && f.checkedInVersion.id !== f.publishedVersion?.id)
    parts.push(`checked-in ${f.checkedInVersion.id}`);
  parts.push(
    f.lockedUser
      ? `locked by ${f.lockedUser.name ?? f.lockedUser.id}`
      : f.lockedClient
        ? `locked by client ${f.lockedClient.id}`
        : 'not locked'
  );
  return parts.join(', ');
}

/** One manifest flow in the org; a missing flow is fine for a file flow (it will be created). */
async function resolveOne(ctx: DoctorContext, spec: FlowSpec): Promise<{ probe: Probe; resolved: ResolvedFlow }> {
  const name = `flow: ${spec.name}`;
  const expected = `${spec.type} flow, not locked by a person${spec.source === 'draft' ? ', with a checked-in draft' : ''}`;
  try {
    const found = await ctx.api.findFlowsByName(spec.name, spec.type);
    const live = found.filter((f) => !f.deleted);
    if (live.length > 1)
      return {
        probe: fail(
          name,
          `${live.length} flows named "${spec.name}" of type ${spec.type}`,
          'rename or delete the duplicates: the action needs one flow per name and type',
          { expected }
        ),
        resolved: { spec }
      };
    if (live.length === 0) {
      const probe =
        spec.source === 'draft'
          ? fail(
              name,
              'not in the org',
              `source: draft promotes an existing flow: create "${spec.name}" in Architect or publish it from a file`,
              { expected }
            )
          : ok(name, 'not in the org: the first deploy creates it', { expected });
      return { probe, resolved: { spec } };
    }
    const flow = await ctx.api.getFlow(live[0]!.id);
    const observed = describeFlow(flow);
    const probe = flow.lockedUser
      ? warn(
          name,
          observed,
          `ask ${flow.lockedUser.name ?? 'the user'} to check the flow in, or set force-unlock: true for it (audited)`,
          { expected }
        )
      : ok(name, observed, { expected, required: true });
    return { probe, resolved: { spec, flow } };
  } catch (e) {
    return {
      probe: failedCall(name, e, 'the OAuth client needs architect:flow:view', true),
      resolved: { spec }
    };
  }
}

export async function resolveFlows(
  ctx: DoctorContext,
  specs: FlowSpec[]
): Promise<{ probes: Probe[]; flows: ResolvedFlow[] }> {
  const probes: Probe[] = [];
  const flows: ResolvedFlow[] = [];
  for (const spec of specs) {
    const r = await resolveOne(ctx, spec);
    probes.push(r.probe);
    flows.push(r.resolved);
  }
  return { probes, flows };
}

/** The published version's metadata: who made it (createdByClient / createdBy) and when (datePublished). */
export async function probeVersionMetadata(ctx: DoctorContext, target: ResolvedFlow | undefined): Promise<Probe> {
  const name = 'version-metadata';
  const expected = 'createdByClient or createdBy, dateCreated and datePublished on the published version';
  const flow = target?.flow;
  const version = flow?.publishedVersion?.id;
  if (!flow || !version) return skipped(name, 'no flow of the manifest has a published version yet');
  try {
    const v = await ctx.api.getFlowVersion(flow.id, version);
    const client = v.createdByClient
      ? `createdByClient ${v.createdByClient.id}${v.createdByClient.id === ctx.clientId ? ' (this OAuth client)' : ' (another client)'}`
      : 'no createdByClient';
    const user = v.createdBy ? `createdBy ${v.createdBy.name ?? v.createdBy.id}` : 'no createdBy';
    const dates = [`dateCreated ${v.dateCreated ?? 'absent'}`, `datePublished ${v.datePublished ?? 'absent'}`].join(
      ', '
    );
    const observed = `"${flow.name}" version ${version}: ${client}, ${user}, ${dates}`;
    if (!v.createdByClient && !v.createdBy)
      return warn(
        name,
        observed,
        'identity verification cannot attribute this version to anyone: report it (docs/platform.md, version metadata)',
        { expected }
      );
    if (!v.datePublished)
      return warn(name, observed, 'the version has no datePublished: identity verification needs it', { expected });
    return ok(name, observed, { expected });
  } catch (e) {
    return failedCall(name, e, 'GET /api/v2/flows/{id}/versions/{version} needs architect:flow:view', false);
  }
}

function count(res: FlowAggregateQueryResponse, metric: string): number {
  let n = 0;
  for (const r of res.results ?? [])
    for (const d of r.data ?? []) for (const m of d.metrics) if (m.metric === metric) n += m.stats.count ?? 0;
  return n;
}

/** Analytics over the last 7 days for one flow: traffic (nFlow) and outcome data (nFlowOutcome, nFlowOutcomeFailed). */
export async function probeAnalytics(ctx: DoctorContext, r: ResolvedFlow, required: boolean): Promise<Probe> {
  const name = `analytics: ${r.spec.name}`;
  if (!r.flow) return skipped(name, 'the flow is not in the org yet');
  const end = ctx.clock.now();
  const interval = `${new Date(end - ANALYTICS_DAYS * DAY_MS).toISOString()}/${new Date(end).toISOString()}`;
  try {
    const res = await ctx.api.queryFlowAggregates({
      interval,
      filter: { type: 'and', predicates: [{ dimension: 'flowId', value: r.flow.id }] },
      metrics: ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed']
    });
    const [flows, outcomes, failed] = ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed'].map((m) => count(res, m));
    const observed = `last ${ANALYTICS_DAYS} days: nFlow ${flows}, nFlowOutcome ${outcomes}, nFlowOutcomeFailed ${failed}`;
    const expected = 'traffic, and outcome data for outcome-failure-rate checks';
    if (r.spec.type.startsWith('inqueue'))
      return warn(
        name,
        observed,
        'in-queue flows are not measured as flows: give their stage an execution or http check',
        { expected }
      );
    if (flows === 0)
      return warn(
        name,
        observed,
        'no traffic: analytics checks will report insufficient data (on-insufficient-data decides)',
        { expected }
      );
    if (outcomes === 0)
      return warn(
        name,
        observed,
        'traffic but no flow outcomes: define Flow Outcomes and set them in the flow, or outcome-failure-rate has no data',
        { expected }
      );
    return ok(name, observed, { expected });
  } catch (e) {
    return failedCall(
      name,
      e,
      "analytics checks need analytics:flowAggregate:view: add it to the OAuth client's role",
      required
    );
  }
}
