// The engine's side of the org's release ledger (src/ledger/, docs/state.md): one run's lock, write-ahead records
// and history entry. The engine depends on LedgerHandle only (the pipeline opens a GitLedgerStore on the state
// branch; the engine's tests use a MemoryLedgerStore). Every record goes through one LedgerWriter, which coalesces
// records made while a push is in flight into the next push, and renews the lease with each record.
//
// Pushes per release: 1 for lock + begin (what the release may change, each flow's content before it), 1 per batch
// of job ids (each before its upload; concurrent ones share a push), 1 per batch of results, 1 for the history entry
// with the lock released. Each ledger fact the run learns is journaled (lock-acquired / -taken-over / -released).
import type { Clock } from '../common/clock.ts';
import {
  assertHolds,
  LedgerError,
  acquireLock,
  beginRelease,
  finishRelease,
  LedgerWriter,
  recordFlow,
  recordJob,
  releaseLock,
  renewLease
} from '../ledger/index.ts';
import type {
  ContentAddress,
  FlowKey,
  HistoryFlow,
  HistoryOutcome,
  InProgressFlow,
  JobKind,
  LedgerDocument,
  LedgerStore,
  Lock,
  LockRequest,
  ReleaseStart
} from '../ledger/index.ts';
import type { JournalSink } from '../journal/events.ts';
import { NO_CHANGE } from '../ledger/store.ts';

/** What the engine needs to keep an org's ledger: the store, the org, and how this run identifies itself. */
export interface LedgerHandle {
  store: LedgerStore;
  org: { id: string; name?: string | undefined };
  /** The document the pipeline read before anything else (undefined: the org has no ledger yet). */
  doc: LedgerDocument | undefined;
  runUrl?: string | undefined;
  actor?: string | undefined;
  /** The source commit (GITHUB_SHA). */
  commit?: string | undefined;
  /** The input takeover-lock: take the lock from any other holder (recorded). */
  takeover?: boolean;
  /** The input on-unfinished. */
  onUnfinished?: 'restore' | 'stop';
  /** The input rollback-to. */
  rollbackTo?: string | undefined;
  /** Whether the run of a lock whose lease has ended is provably finished; without it, it is not proven. */
  holderFinished?: (lock: Lock) => Promise<boolean>;
  leaseMs?: number;
}

export class RunLedger {
  readonly handle: LedgerHandle;
  private readonly writer: LedgerWriter;
  private readonly journal: JournalSink;
  private readonly clock: Clock;
  private current: LedgerDocument | undefined;
  /** The release id this run holds the lock as. */
  readonly holder: string;
  private holding = false;
  /** The release id whose in-progress record this run writes (its own, once begun). */
  private begunAs: string | undefined;

  constructor(handle: LedgerHandle, holder: string, journal: JournalSink, clock: Clock) {
    this.handle = handle;
    this.holder = holder;
    this.journal = journal;
    this.clock = clock;
    this.current = handle.doc;
    this.writer = new LedgerWriter(handle.store, handle.org.id);
  }

  get doc(): LedgerDocument | undefined {
    return this.current;
  }
  get holds(): boolean {
    return this.holding;
  }
  get begun(): boolean {
    return this.begunAs === this.holder;
  }
  /** Pushes this run made. */
  get pushes(): number {
    return this.writer.writes;
  }

  /** The lock request, with the holder-finished proof looked up first (the update's mutate must be synchronous). */
  async lockRequest(command: Lock['command']): Promise<LockRequest> {
    const h = this.handle;
    const other = this.current?.lock;
    let finished: string | undefined;
    if (other && other.holder !== this.holder && Date.parse(other.leaseUntil) <= this.clock.now()) {
      if ((await h.holderFinished?.(other).catch(() => false)) === true) finished = other.holder;
    }
    return {
      org: h.org,
      holder: this.holder,
      command,
      runUrl: h.runUrl,
      actor: h.actor,
      ...(h.leaseMs !== undefined ? { leaseMs: h.leaseMs } : {}),
      takeover: h.takeover === true,
      holderFinished: (lock) => lock.holder === finished
    };
  }

  /** Throws the LockHeldError a lock attempt would, without writing anything. */
  async checkLock(command: Lock['command']): Promise<void> {
    acquireLock(this.current, await this.lockRequest(command), this.clock);
  }

  private async write(mutate: (doc: LedgerDocument | undefined) => LedgerDocument | typeof NO_CHANGE, what: string) {
    const doc = await this.writer.record(mutate, what);
    this.current = doc ?? this.current;
    return this.current;
  }

  /** Takes the lock (and, in the same push, whatever `then` records). Throws LockHeldError naming the holder. */
  async acquire(
    command: Lock['command'],
    then?: (doc: LedgerDocument) => LedgerDocument | typeof NO_CHANGE
  ): Promise<void> {
    const req = await this.lockRequest(command);
    const before = this.current?.lock;
    const doc = await this.write((d) => {
      const locked = acquireLock(d, req, this.clock);
      const next = then ? then(locked) : locked;
      return next === NO_CHANGE ? locked : next;
    }, `lock acquired by ${this.holder}`);
    const lock = doc?.lock;
    if (!lock) return;
    if (!this.holding) {
      const takenOver = lock.takenOver && before?.holder !== this.holder ? lock.takenOver : undefined;
      if (takenOver) {
        this.journal.append('lock-taken-over', {
          status: 'warning',
          details: {
            orgId: this.handle.org.id,
            from: takenOver.from,
            ...(takenOver.fromRunUrl ? { fromRunUrl: takenOver.fromRunUrl } : {}),
            fromLeaseUntil: takenOver.fromLeaseUntil,
            reason: takenOver.reason
          }
        });
      }
      this.journal.append('lock-acquired', {
        status: 'info',
        details: { orgId: this.handle.org.id, holder: this.holder, leaseUntil: lock.leaseUntil }
      });
    }
    this.holding = true;
  }

  /** Write-ahead: the lock and what the release may change, in one push. */
  async begin(command: ReleaseStart['command'], flows: ReleaseStart['flows']): Promise<void> {
    const start: ReleaseStart = { releaseId: this.holder, command, flows };
    if (this.handle.runUrl !== undefined) start.runUrl = this.handle.runUrl;
    if (this.handle.commit !== undefined) start.commit = this.handle.commit;
    await this.acquire(command, (d) => beginRelease(d, start, this.clock));
    this.begunAs = this.holder;
  }

  /** Adds flows to this run's release in progress (taking the lock and beginning it when not yet done). */
  async extend(flows: ReleaseStart['flows']): Promise<void> {
    if (!this.begun) return this.begin('deploy', flows);
    await this.write((d) => {
      assertHolds(d, this.holder);
      const cur = (d as LedgerDocument).inProgress;
      if (!cur || cur.releaseId !== this.holder)
        throw new LedgerError('conflict', `Release ${this.holder} is not in progress.`);
      const add = flows.filter((f) => !cur.flows.some((x) => x.name === f.name && x.type === f.type));
      if (add.length === 0) return NO_CHANGE;
      return {
        ...(d as LedgerDocument),
        inProgress: { ...cur, flows: [...cur.flows, ...add.map((f) => ({ ...f, jobs: [] }))] }
      };
    }, `${flows.length} more flow(s) of ${this.holder}`);
  }

  /** Job records go into `releaseId`'s in-progress record (a recovery writes into the dead run's). */
  recordInto(releaseId: string): void {
    this.begunAs = releaseId;
  }

  /** Records a job before it is handed to the platform (the upload), renewing the lease. */
  async job(flow: FlowKey, id: string, kind: JobKind, releaseId = this.begunAs): Promise<void> {
    if (!releaseId || !this.holding) return;
    await this.write(
      (d) =>
        recordJob(
          renewLease(d, this.holder, this.clock, this.handle.leaseMs),
          releaseId,
          flow,
          { id, kind },
          this.clock,
          this.holder
        ),
      `job ${id} for ${flow.name}`
    );
  }

  /** Records a flow's result (published version / failed / unknown) as it happens. */
  async result(
    flow: FlowKey,
    result: Omit<NonNullable<InProgressFlow['result']>, 'at'>,
    flowId?: string
  ): Promise<void> {
    const releaseId = this.begunAs;
    if (!releaseId || !this.holding) return;
    const patch = {
      result: { state: result.state, ...(result.version ? { version: result.version } : {}) },
      ...(flowId ? { flowId } : {})
    };
    await this.write(
      (d) => recordFlow(d, releaseId, flow, patch, this.clock, this.holder),
      `${flow.name}: ${result.state}`
    );
  }

  /** Appends the finished release (this run's, or the dead run's it recovered) to the history; frees the lock. */
  async finish(end: {
    releaseId?: string;
    outcome: HistoryOutcome;
    flows: HistoryFlow[];
    releaseLock: boolean;
    /** Appended in the same push (e.g. the recovery's own entry). */
    then?: (doc: LedgerDocument) => LedgerDocument;
  }): Promise<void> {
    await this.write(
      (d) => {
        const done = finishRelease(
          d,
          {
            holder: this.holder,
            releaseId: end.releaseId ?? this.holder,
            outcome: end.outcome,
            flows: end.flows,
            releaseLock: false,
            ...(this.handle.commit !== undefined && end.releaseId === undefined ? { commit: this.handle.commit } : {})
          },
          this.clock
        );
        let next = done === NO_CHANGE ? (d as LedgerDocument) : done;
        if (end.then) next = end.then(next);
        return end.releaseLock ? { ...next, lock: null } : next;
      },
      `release ${end.releaseId ?? this.holder} finished: ${end.outcome}`
    );
    if (end.releaseId === undefined || end.releaseId === this.begunAs) this.begunAs = undefined;
    if (end.releaseLock) this.released('');
  }

  /** Frees the lock (nothing else changes). `note` says why, e.g. what is left for the next run. */
  async unlock(note = ''): Promise<void> {
    if (!this.holding) return;
    await this.write((d) => releaseLock(d, this.holder), `lock released by ${this.holder}`);
    this.released(note);
  }

  private released(note: string): void {
    if (!this.holding) return;
    this.holding = false;
    this.journal.append('lock-released', {
      status: 'info',
      details: { orgId: this.handle.org.id, holder: this.holder, pushes: this.pushes, ...(note ? { note } : {}) }
    });
  }

  putBlob(content: string): ContentAddress {
    return this.handle.store.putBlob(content);
  }
  getBlob(address: ContentAddress): Promise<string> {
    return this.handle.store.getBlob(address);
  }
}
