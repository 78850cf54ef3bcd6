// `command: doctor` end to end: the probes in order, each journaled (`doctor-probe`) and logged as it is found, then
// doctor.json beside the audit. The outcome is `succeeded` when every required probe passed, else `failed`.
// Read-only but for one Architect job registered and never uploaded (see exports.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../domain/types.ts';
import type { JournalSink } from '../journal/events.ts';
import type { FlowSpec } from '../manifest/types.ts';
import { exportTarget, probeExports, probeJobRegistration } from './exports.ts';
import { probeAnalytics, probeVersionMetadata, resolveFlows } from './flows.ts';
import { probeLoginAndOrg, probePageSize, probeRateLimitHeaders, unobservablePermissions } from './platform.ts';
import { passed, skipped, type DoctorContext, type Probe } from './types.ts';

export type { Probe, ProbeResult } from './types.ts';

export interface DoctorResult {
  outcome: Extract<Outcome, 'succeeded' | 'failed'>;
  probes: Probe[];
  message: string;
  /** Where doctor.json was written, when an evidence folder was given. */
  reportPath?: string;
}

const MARK: Record<Probe['result'], string> = { ok: '✔', warn: '⚠', fail: '✖', skipped: '–' };

/** Journal + log for one probe. */
export function probeReporter(journal: JournalSink, log: DoctorContext['log']): (p: Probe) => void {
  return (p) => {
    const status = p.result === 'ok' ? 'ok' : p.result === 'fail' ? 'error' : p.result === 'warn' ? 'warning' : 'info';
    journal.append('doctor-probe', {
      status,
      details: {
        name: p.name,
        ok: passed(p),
        result: p.result,
        required: p.required,
        observed: p.observed,
        ...(p.expected ? { expected: p.expected } : {}),
        ...(p.fix ? { fix: p.fix } : {})
      }
    });
    const line = `${MARK[p.result]} ${p.name}: ${p.result}${p.required ? ' (required)' : ''} — ${p.observed}${p.fix ? ` (${p.result === 'skipped' ? 'why' : 'fix'}: ${p.fix})` : ''}`;
    if (p.result === 'fail') log.error(line);
    else if (p.result === 'warn') log.warning(line);
    else log.info(line);
  };
}

function selected(ctx: DoctorContext): FlowSpec[] {
  const wanted = ctx.flowsFilter;
  return wanted?.length ? ctx.manifest.flows.filter((f) => wanted.includes(f.name)) : ctx.manifest.flows;
}

/** Every probe, in order; stops after a failed login (nothing else can be observed). */
async function probeAll(ctx: DoctorContext, add: (p: Probe | Probe[]) => void): Promise<void> {
  const login = await probeLoginAndOrg(ctx);
  add(login.probes);
  if (!login.loggedIn) {
    add(skipped('everything else', 'login failed: nothing else can be observed'));
    return;
  }
  add(probeRateLimitHeaders(ctx));
  add(await probePageSize(ctx));
  const specs = selected(ctx);
  const resolved = await resolveFlows(ctx, specs);
  add(resolved.probes);
  add(
    await probeJobRegistration(
      ctx,
      specs.some((f) => f.source === 'file')
    )
  );
  const target = exportTarget(resolved.flows);
  add(await probeExports(ctx, target));
  add(await probeVersionMetadata(ctx, target));
  const analyticsRequired = Object.values(ctx.manifest.checks).some((c) => c.kind === 'analytics');
  for (const r of resolved.flows) add(await probeAnalytics(ctx, r, analyticsRequired));
  add(unobservablePermissions(ctx));
}

export async function runDoctor(ctx: DoctorContext, evidenceDir?: string): Promise<DoctorResult> {
  const probes: Probe[] = [];
  const add = (p: Probe | Probe[]) => {
    for (const x of Array.isArray(p) ? p : [p]) {
      probes.push(x);
      ctx.report(x);
    }
  };
  ctx.log.startGroup('Doctor: read-only probes of the org');
  try {
    await probeAll(ctx, add);
  } finally {
    ctx.log.endGroup();
  }
  const failedRequired = probes.filter((p) => p.required && !passed(p));
  const count = (r: Probe['result']) => probes.filter((p) => p.result === r).length;
  const tally = `${probes.length} probes: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail, ${count('skipped')} skipped`;
  const outcome = failedRequired.length === 0 ? 'succeeded' : 'failed';
  const message =
    outcome === 'succeeded'
      ? `Doctor: every required probe passed (${tally}).`
      : `Doctor: ${failedRequired.map((p) => p.name).join(', ')} failed (${tally}).`;
  const result: DoctorResult = { outcome, probes, message };
  if (outcome === 'succeeded') ctx.log.info(message);
  else ctx.log.error(message);
  if (evidenceDir) {
    result.reportPath = join(evidenceDir, 'doctor.json');
    const doc = { schemaVersion: 1, target: { apiUrl: ctx.apiUrl, region: ctx.region }, outcome, message, probes };
    writeFileSync(result.reportPath, `${JSON.stringify(doc, null, 2)}\n`);
    ctx.log.info(`Doctor report: ${result.reportPath}`);
  }
  return result;
}
