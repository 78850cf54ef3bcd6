// Durable state (issue 10 item 8): the kill points, the ledger as the bare remote holds it, and the durable-state
// invariants, all computed from evidence — what the emulator has live and what the state branch holds — never from
// what a run says about itself:
//   - misreported flows: a run whose audit reports a flow published, unchanged or rolled back (restored, verified)
//     while the emulator's live content for it is not the content that claim means;
//   - last known-good contents lost: a flow that had a good release whose content the ledger on the state branch can
//     no longer give back (no ledger, unreadable, no history entry for it, a missing blob or one not matching its
//     address or the content that was live);
//   - concurrent runs that both changed the org (fault-durable.ts counts them from the emulator's versions).
//
// Kill points: the emulator runs in this process, and its mutation hooks (emulator/pipeline.ts MutationHooks) see the
// Nth mutating request it receives. The action runs in its own process group, SIGKILLed as a whole:
//   before       — once the Nth request's body is read, before any work; the emulator then does the work (the change
//                  is made, its answer lost);
//   before-drop  — the same, but the request is dropped (the change is not made);
//   after        — right after the emulator answered it (made, maybe not journaled).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { comparableExport, contentHash, normalizeExport } from '../../src/git/normalize.ts';
import { renderExport } from '../../emulator/render.ts';
import { killActionGroup, type ActionRun } from './action-runner.ts';
import { auditFlows, journalOf, type DeployOptions, type World } from './fault-harness.ts';

export const STATE_BRANCH = 'flow-release-state';

export type KillWhen = 'before' | 'before-drop' | 'after';
export const KILL_WHENS: KillWhen[] = ['before', 'before-drop', 'after'];

export interface KillPoint {
  /** 1-based: the Nth mutating request the emulator receives during the run. */
  n: number;
  when: KillWhen;
}

/** The durable-state figures of one scenario (summed by faults.ts). */
export interface DurableFigures {
  /** Kill points planned in this scenario, and those the run reached (it made at least N mutating calls). */
  killPointsPlanned: number;
  killPointsTried: number;
  misreports: string[];
  /** Runs (by label) that misreported at least one flow. */
  misreportingRuns: string[];
  /** One line per flow whose last known-good content was not restorable at some check. */
  lkgLost: string[];
  /** Pairs of concurrent runs that both changed the org. */
  bothChanged: number;
  /** What the scenario could not judge (e.g. a kill point not reached), for the reader. */
  notes: string[];
}

export function emptyFigures(): DurableFigures {
  return {
    killPointsPlanned: 0,
    killPointsTried: 0,
    misreports: [],
    misreportingRuns: [],
    lkgLost: [],
    bothChanged: 0,
    notes: []
  };
}

/**
 * The content identity of a flow as the org shows it: Architect's rendering (the emulator's, idempotent on its own
 * output, so an uploaded file and the export of its version get the same identity), compared as the action compares
 * exports (parsed values, refIds renumbered canonically, header comments ignored).
 */
export const norm = (yaml: string): string => {
  try {
    return contentHash(comparableExport(renderExport(yaml)));
  } catch {
    return contentHash(normalizeExport(yaml));
  }
};
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface Live {
  flowId: string;
  version: string;
  hash: string;
}

/** What the emulator has live: each flow's published version and the normalised hash of its stored content. */
export function liveContents(w: World): Map<string, Live> {
  const out = new Map<string, Live>();
  for (const f of w.em.org.flows) {
    if (f.deleted || !f.publishedVersionId) continue;
    const v = f.versions.find((x) => x.id === f.publishedVersionId);
    if (v) out.set(f.name, { flowId: f.id, version: v.id, hash: norm(v.yaml) });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ the ledger

export interface LedgerFlow {
  name: string;
  id?: string;
  version?: string;
  content?: string;
  state?: string;
}

export interface LedgerDoc {
  lock?: { holder?: string; takenOver?: unknown } | null;
  inProgress?: { releaseId?: string; flows?: { name: string; before?: { content?: string } }[] } | null;
  history?: { releaseId?: string; command?: string; outcome?: string; flows?: LedgerFlow[] }[];
}

export interface LedgerView {
  /** The state branch's head on the remote (undefined: no branch). */
  head?: string;
  doc?: LedgerDoc;
  /** Why there is no readable document. */
  error?: string;
  blob(address: string): string | undefined;
}

function remoteGit(w: World, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: w.repo.remote,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024
    });
  } catch {
    return undefined;
  }
}

export function stateHead(w: World): string | undefined {
  return remoteGit(w, 'rev-parse', '--verify', '-q', `refs/heads/${STATE_BRANCH}`)?.trim() || undefined;
}

/** The org's ledger document and blobs, read with git from the bare remote's state branch. */
export function readLedger(w: World, orgId: string): LedgerView {
  const head = stateHead(w);
  const path = `orgs/${orgId}/ledger.json`;
  const show = (p: string) => (head ? remoteGit(w, 'show', `${head}:${p}`) : undefined);
  const blob = (address: string) => show(`blobs/${address.slice(0, 2)}/${address}.yaml`);
  if (!head) return { error: `no ${STATE_BRANCH} branch on the remote`, blob };
  const text = show(path);
  if (text === undefined) return { head, error: `no ${path} on ${STATE_BRANCH}`, blob };
  try {
    const doc = JSON.parse(text) as LedgerDoc;
    return { head, doc, blob };
  } catch (e) {
    return { head, error: `${path} on ${STATE_BRANCH} is not JSON (${(e as Error).message})`, blob };
  }
}

// ------------------------------------------------------------------------------------------------ kill points

export interface KilledRun {
  run: ActionRun;
  /** The Nth mutating request, when the run made that many. */
  at?: { seq: number; key: string; path: string; query: string };
}

/**
 * Deploys with a kill point armed: SIGKILLs the action's process group at the Nth mutating request the emulator
 * receives (see the header for before / before-drop / after). A killed run is registered with the world (invariants
 * 2–4 skip it, see World.killed); one that finished before its Nth mutating call is returned as is (`at` undefined).
 */
export async function killedDeploy(w: World, point: KillPoint, o: DeployOptions = {}): Promise<KilledRun> {
  let count = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let nth: { seq: number; key: string; path: string; query: string } | undefined;
  let fired = false;
  const kill = () => {
    fired = true;
    if (child) killActionGroup(child);
  };
  w.hooks = {
    received: async (r) => {
      if (fired || ++count !== point.n) return undefined;
      nth = { seq: r.seq, key: r.key, path: r.path, query: r.query };
      if (point.when === 'after') return undefined;
      kill();
      await exited;
      return point.when === 'before-drop' ? 'drop' : undefined;
    },
    answered: (r) => {
      if (!fired && point.when === 'after' && nth?.seq === r.seq) kill();
    }
  };
  let run: ActionRun;
  try {
    run = await w.deploy({
      ...o,
      processGroup: true,
      onStart: (c) => {
        child = c;
        exited = new Promise((res) => c.once('exit', () => res()));
      }
    });
  } finally {
    w.hooks = {};
  }
  if (fired) {
    await settle(w);
    w.killed.add(run);
    w.killedUpToSeq = Math.max(w.killedUpToSeq, ...w.em.requests().map((r) => r.seq));
    for (const j of w.em.state().jobs) w.killedJobs.add(j.id);
  }
  return { run, at: fired ? nth : undefined };
}

/**
 * Lets the org finish what the killed run set going (an uploaded job completes after its latency, with no one
 * polling): the next run, and the judge's "live when the run started", then see the org as it will stay.
 */
async function settle(w: World, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  // The fixed release's latencies are ≤ 15 ms: after 200 ms only a job still Started (or a slow one) is pending.
  await new Promise((res) => setTimeout(res, 200));
  while (Date.now() < until && w.em.state().jobs.some((j) => j.status === 'Started')) {
    await new Promise((res) => setTimeout(res, 20));
  }
}

/**
 * The kill points of a release with M mutating calls: every N in 1..M with `before` and with `after` first, then
 * seeded random points (any N, any of the three kinds) up to `total`.
 */
export function killPoints(m: number, total: number, seed: number): KillPoint[] {
  const out: KillPoint[] = [];
  for (let n = 1; n <= m; n++) out.push({ n, when: 'before' }, { n, when: 'after' });
  let s = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: reproducible from the seed alone
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
  while (out.length < total) {
    const n = 1 + Math.floor(rand() * m);
    const when = KILL_WHENS[Math.floor(rand() * KILL_WHENS.length)] as KillWhen;
    out.push({ n, when });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ the judge

export type Command = 'deploy' | 'rollback' | 'plan';

interface GoodRelease {
  label: string;
  /** Made by the action (the seed is good but no release of the action: the ledger need not hold it). */
  byAction: boolean;
  contents: Map<string, string>;
}

/**
 * Follows one world's runs and judges each against the emulator and the state branch. `good` is the evidence-based
 * list of good releases: the org as seeded, then the live contents after each deploy that succeeded.
 */
export class Durable {
  readonly figures = emptyFigures();
  readonly good: GoodRelease[] = [];
  private readonly labels = new Map<string, string>();
  private readonly lostFlows = new Set<string>();
  private readonly w: World;
  readonly orgId: string;

  constructor(w: World, orgId: string) {
    this.w = w;
    this.orgId = orgId;
    w.durableFigures = this.figures;
  }

  /** Call once the world started: the seeded org is the first good state. */
  begin(): void {
    const seed = new Map([...liveContents(this.w)].map(([n, l]) => [n, l.hash]));
    for (const [n, h] of seed) this.label(h, `${n} as seeded`);
    this.good.push({ label: 'the seeded org', byAction: false, contents: seed });
  }

  /** Names a content hash in messages (e.g. "Alpha IVR release content"). */
  label(hash: string, label: string): void {
    if (!this.labels.has(hash)) this.labels.set(hash, label);
  }

  private name(hash: string | undefined): string {
    if (hash === undefined) return 'nothing (no live version)';
    return `${this.labels.get(hash) ?? 'unknown content'} [${hash.slice(0, 8)}]`;
  }

  private lkg(flow: string, upTo = this.good.length): string | undefined {
    for (let i = upTo - 1; i >= 0; i--) {
      const h = this.good[i]?.contents.get(flow);
      if (h !== undefined) return h;
    }
    return undefined;
  }

  /** `command: rollback`'s target per the contract: the newest good release whose content differs from live. */
  private rollbackTarget(live: Map<string, Live>): GoodRelease | undefined {
    for (let i = this.good.length - 1; i >= 0; i--) {
      const g = this.good[i] as GoodRelease;
      if ([...g.contents].some(([n, h]) => live.get(n)?.hash !== h)) return g;
    }
    return undefined;
  }

  /**
   * Runs the action (deploy, rollback or plan; `content`: each manifest flow's YAML in the run's workspace) and
   * judges it: its claims against the live org, then every flow's last known-good content against the ledger.
   */
  async run(label: string, command: Command, content: Record<string, string>, o: DeployOptions = {}) {
    const before = liveContents(this.w);
    const run = await this.w.deploy({ ...o, inputs: { ...o.inputs, command } });
    this.judge(label, run, command, content, before);
    this.checkLkg(label);
    return run;
  }

  /** A run killed at a kill point: nothing to judge but what it left (the last known-good contents). */
  async killed(label: string, point: KillPoint, o: DeployOptions = {}): Promise<KilledRun> {
    this.figures.killPointsPlanned++;
    const k = await killedDeploy(this.w, point, o);
    if (k.at) this.figures.killPointsTried++;
    else this.figures.notes.push(`${label}: kill point ${point.n}/${point.when} not reached (the run finished first)`);
    this.checkLkg(label);
    return k;
  }

  judge(
    label: string,
    run: ActionRun,
    command: Command,
    content: Record<string, string>,
    before: Map<string, Live>
  ): void {
    const live = liveContents(this.w);
    for (const [n, y] of Object.entries(content)) this.label(norm(y), `${n} release content`);
    const target = command === 'rollback' ? this.rollbackTarget(before) : undefined;
    for (const f of auditFlows(run)) {
      let expected: string | undefined | null = null; // null: no claim to check
      let means = '';
      if (f.status === 'published' || (f.status === 'unchanged' && command !== 'rollback')) {
        expected = content[f.name] === undefined ? null : norm(content[f.name] as string);
        means = 'the content it released';
      } else if (command === 'rollback' && ['rolled-back', 'restored', 'unchanged'].includes(f.status)) {
        if (!target) {
          if (f.status === 'rolled-back')
            this.misreport(
              label,
              `${label}: reports "${f.name}" restored, but no good release differs from what was live`
            );
          continue;
        }
        expected = target.contents.get(f.name);
        means = `its content in ${target.label} (the newest good release that differs from live)`;
      } else if (['rolled-back', 'restored', 'recovered'].includes(f.status)) {
        expected = this.lkg(f.name);
        means = 'its last known-good content';
      }
      if (expected === null) continue;
      const now = live.get(f.name);
      if (now?.hash !== expected) {
        const hint = now && before.get(f.name)?.hash === now.hash ? ' (what was live when the run started)' : '';
        this.misreport(
          label,
          `${label}: reports "${f.name}" ${f.status}, but the org has ${this.name(now?.hash)} live${hint}; the claim means ${means}: ${this.name(expected)}`
        );
      } else if (now && f.final?.version && f.final.version !== now.version)
        this.misreport(
          label,
          `${label}: reports "${f.name}" at version ${f.final.version}, the org has ${now.version} live`
        );
    }
    if (command === 'deploy' && run.outputs.outcome === 'succeeded') {
      const contents = new Map<string, string>();
      for (const n of Object.keys(content)) {
        const h = live.get(n)?.hash;
        if (h !== undefined) contents.set(n, h);
      }
      this.good.push({ label: `${label}'s release`, byAction: true, contents });
    }
  }

  private misreport(label: string, m: string): void {
    this.figures.misreports.push(m);
    if (!this.figures.misreportingRuns.includes(label)) this.figures.misreportingRuns.push(label);
  }

  /**
   * Every flow that had a good release made by the action: its newest good content must be restorable from the
   * ledger on the state branch — a history entry for the flow whose content address names a blob that exists, whose
   * sha256 is the address and whose normalised content is what was live. Every address the ledger refers to must
   * resolve the same way (a dangling address is a lost content too).
   */
  checkLkg(label: string): void {
    const flows = new Set(this.good.filter((g) => g.byAction).flatMap((g) => [...g.contents.keys()]));
    if (flows.size === 0) return;
    const ledger = readLedger(this.w, this.orgId);
    const entries = ledger.doc?.history ?? [];
    const resolves = (address: string) => {
      const blob = ledger.blob(address);
      return blob !== undefined && sha256(blob) === address ? norm(blob) : undefined;
    };
    for (const flow of flows) {
      if (this.lostFlows.has(flow)) continue;
      const want = this.lkg(flow) as string;
      let why: string | undefined;
      if (ledger.error) why = ledger.error;
      else {
        const refs = entries.flatMap((e) => (e.flows ?? []).filter((f) => f.name === flow && f.content));
        const bad = refs.filter((f) => resolves(f.content as string) === undefined);
        if (bad.length > 0) why = `blob ${bad[0]?.content} is missing or does not match its address`;
        else if (!refs.some((f) => resolves(f.content as string) === want))
          why = `no history entry holds its content (${refs.length} entries name the flow)`;
      }
      if (why) {
        this.lostFlows.add(flow);
        this.figures.lkgLost.push(`${label}: "${flow}" last known-good ${this.name(want)} not restorable: ${why}`);
      }
    }
  }
}

/** The release id a run announced (its journal's release-started event), for "names the holder" checks. */
export function releaseIdOf(run: ActionRun): string | undefined {
  const started = journalOf(run).events.find((e) => e.type === 'release-started');
  return (started?.details.releaseId as string | undefined) ?? run.outputs['release-id'];
}

/** Everything a run showed its operator. */
export const shown = (r: ActionRun): string => `${r.stdout}\n${r.stderr}\n${r.summary}`;
