// `command: doctor`: a read-only look at a real org before the first release. Each probe observes one assumption the
// action relies on (docs/platform.md lists them) and says what it saw; a failed or doubtful one says what to do.
// The only request that creates anything is one Architect job registered and never uploaded (it expires unused).
import type { Clock } from '../common/clock.ts';
import type { Logger } from '../common/log.ts';
import type { GenesysApi, GenesysProbeApi } from '../genesys/api.ts';
import { errorText } from '../genesys/errors.ts';
import type { ReleaseManifest } from '../manifest/types.ts';

export type ProbeResult = 'ok' | 'warn' | 'fail' | 'skipped';

/** One probe's finding: what the journal's `doctor-probe` event and doctor.json hold. */
export interface Probe {
  name: string;
  result: ProbeResult;
  /** A failed required probe fails the doctor; the others inform. */
  required: boolean;
  observed: string;
  expected?: string;
  /** For warn and fail: what to do. For skipped: why. */
  fix?: string;
}

export interface DoctorContext {
  api: GenesysApi & GenesysProbeApi;
  manifest: ReleaseManifest;
  /** The `flows` input: probe only these flows of the manifest. */
  flowsFilter?: string[];
  /** The OAuth client id (not a secret): to tell versions this client made from others'. */
  clientId: string;
  apiUrl: string;
  region?: string;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** Called with each probe as it is found (journal + log). */
  report: (probe: Probe) => void;
}

export const ok = (name: string, observed: string, extra: Partial<Probe> = {}): Probe => ({
  name,
  result: 'ok',
  required: false,
  observed,
  ...extra
});

export const warn = (name: string, observed: string, fix: string, extra: Partial<Probe> = {}): Probe => ({
  name,
  result: 'warn',
  required: false,
  observed,
  fix,
  ...extra
});

export const fail = (name: string, observed: string, fix: string, extra: Partial<Probe> = {}): Probe => ({
  name,
  result: 'fail',
  required: true,
  observed,
  fix,
  ...extra
});

export const skipped = (name: string, why: string, extra: Partial<Probe> = {}): Probe => ({
  name,
  result: 'skipped',
  required: false,
  observed: 'not probed',
  fix: why,
  ...extra
});

/** A failed call as a probe: required probes fail, the others warn. */
export function failedCall(name: string, e: unknown, fix: string, required: boolean): Probe {
  const observed = `the call failed: ${errorText(e)}`;
  return required ? fail(name, observed, fix) : warn(name, observed, fix);
}

/** Whether a probe passed (a warning passes; only a failure does not). */
export const passed = (p: Probe): boolean => p.result !== 'fail';
