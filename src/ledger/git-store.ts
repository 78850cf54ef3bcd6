// The ledger on a state branch of the repository (default `flow-release-state`), outside the released branch's
// history. Plumbing only: the workspace's checked-out branch, index and working tree are never touched. The branch
// is fetched into a private ref (refs/flow-release/<branch>), read with ls-tree/cat-file, written with hash-object
// and commit-tree, and pushed without force: a non-fast-forward rejection means another run wrote first, so the
// compare-and-swap loop (store.ts) re-reads and lets the caller decide again. Layout on the branch:
//   README.md                        what this branch is; never edit it by hand
//   orgs/<orgId>/ledger.json         one document per org (pretty JSON, sorted keys)
//   blobs/<aa>/<sha256>.yaml         flow content, content-addressed, written in the same commit as its first use
// The token travels only in the environment of the fetch/push (run.ts), exactly as for the release commit.
import { systemClock } from '../common/clock.ts';
import type { Clock } from '../common/clock.ts';
import { errorText, GitError } from '../git/errors.ts';
import { isNonFastForward } from '../git/push.ts';
import { authFor, authHeaderFor, GitRunner } from '../git/run.ts';
import type { Auth } from '../git/run.ts';
import { validateBranch, validateRemote } from '../git/validate.ts';
import type { Logger } from '../common/log.ts';
import { LedgerError } from './errors.ts';
import { lookup, ObjectWriter, readTree } from './git-tree.ts';
import type { ContentAddress } from './schema.ts';
import { serializeLedger } from './schema.ts';
import { casRead, casUpdate, contentAddress, validateAddress, verifyBlob } from './store.ts';
import type {
  BeforeCommitHook,
  CasBackend,
  CasContext,
  LedgerRead,
  LedgerStore,
  LedgerUpdate,
  Mutate,
  UpdateOptions
} from './store.ts';

export const DEFAULT_STATE_BRANCH = 'flow-release-state';

const STATE_README_TITLE = '# Flow Release state\n';

export const STATE_README = `${STATE_README_TITLE}

This branch is written by the Flow Release action: the release ledger of each Genesys Cloud org it releases to
(\`orgs/<org id>/ledger.json\`: the lock, the release in progress, the history of releases) and the flow content those
ledgers refer to (\`blobs/\`, addressed by sha256).

Do not edit this branch by hand and do not merge it into another branch. Every update is a compare-and-swap push;
the action stops with an error rather than overwrite a ledger it cannot read. See docs/state.md of the action.
`;

/** The only entries at the root of a state branch. */
const STATE_ENTRIES = new Set(['README.md', 'orgs', 'blobs']);

export interface GitLedgerStoreOptions {
  /** The workspace repository (any directory inside it). Only its object store and refs/flow-release/ are written. */
  cwd: string;
  /** The state branch. Default `flow-release-state`. */
  branch?: string;
  /** The remote to fetch from and push to. Default `origin`; `null` (or a missing remote): local ref only. */
  remote?: string | null;
  /** Token for an https remote; sent only in the fetch/push environment, never stored or printed. */
  token?: string;
  logger?: Logger;
  /** Backoff between compare-and-swap attempts. */
  clock?: Clock;
  /** A git command that prints nothing for this long is killed. */
  idleTimeoutMs?: number;
  /** For tests: runs between mutate and each push (e.g. another writer wins the race). */
  beforeCommit?: BeforeCommitHook;
}

const NO_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
  startGroup: () => {},
  endGroup: () => {},
  setSecret: () => {}
};

export const ledgerPath = (orgId: string): string => `orgs/${orgId}/ledger.json`;
export const blobPath = (a: ContentAddress): string => `blobs/${a.slice(0, 2)}/${a}.yaml`;

export class GitLedgerStore implements LedgerStore {
  readonly location: string;
  readonly branch: string;
  /** The private ref the branch is fetched into (and, without a remote, the ledger itself). */
  readonly ref: string;
  /** undefined: local ref only. */
  readonly remote: string | undefined;
  beforeCommit: BeforeCommitHook | undefined;
  private readonly git: GitRunner;
  private readonly logger: Logger;
  private readonly auth: Auth | undefined;
  private readonly clock: Clock;
  private readonly staged = new Map<ContentAddress, string>();
  /** One git operation sequence at a time per store: reads and writes share the private ref. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(o: {
    git: GitRunner;
    logger: Logger;
    branch: string;
    remote: string | undefined;
    auth: Auth | undefined;
    clock: Clock;
    beforeCommit: BeforeCommitHook | undefined;
  }) {
    this.git = o.git;
    this.logger = o.logger;
    this.branch = o.branch;
    this.ref = `refs/flow-release/${o.branch}`;
    this.remote = o.remote;
    this.auth = o.auth;
    this.clock = o.clock;
    this.beforeCommit = o.beforeCommit;
    this.location = o.remote ? `branch ${o.branch} of ${o.remote}` : `local ref ${this.ref}`;
  }

  /** Validates the inputs and the repository, finds the remote, and scopes the token to its https URLs. */
  static async open(options: GitLedgerStoreOptions): Promise<GitLedgerStore> {
    const logger = options.logger ?? NO_LOGGER;
    const branch = checkBranch(options.branch ?? DEFAULT_STATE_BRANCH);
    const header = authHeaderFor(options.token, logger);
    const git = new GitRunner(options.cwd, logger, options.idleTimeoutMs ?? 120_000);
    await git.run(['rev-parse', '--git-dir']).catch((e: unknown) => {
      throw new LedgerError(
        'unreadable',
        `The release ledger needs a git repository, and ${options.cwd} is not one (${errorText(e)}). ` +
          'Check out the repository first (actions/checkout).'
      );
    });
    const head = (await git.run(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
    if (head === `refs/heads/${branch}`) {
      throw new LedgerError(
        'invalid-input',
        `The state branch ${branch} is the branch checked out in the workspace. The ledger must live outside the ` +
          'released branch: choose another state branch (default flow-release-state).'
      );
    }
    const remote = options.remote === null ? undefined : await findRemote(git, options.remote ?? 'origin', logger);
    const auth = remote ? authFor(await remoteUrls(git, remote), header, logger) : undefined;
    const store = new GitLedgerStore({
      git,
      logger,
      branch,
      remote,
      auth,
      clock: options.clock ?? systemClock,
      beforeCommit: options.beforeCommit
    });
    if (options.remote === null) {
      logger.info(`Release ledger: no remote, kept in the local ref ${store.ref} of this repository only.`);
    }
    return store;
  }

  read(orgId: string): Promise<LedgerRead> {
    return this.serially(() => casRead(this.context(), orgId));
  }

  update(orgId: string, mutate: Mutate, options?: UpdateOptions): Promise<LedgerUpdate> {
    return this.serially(() => casUpdate(this.context(), orgId, mutate, options));
  }

  putBlob(content: string): ContentAddress {
    if (typeof content !== 'string') throw new LedgerError('invalid-input', 'Blob content must be a string.');
    const address = contentAddress(content);
    this.staged.set(address, content);
    return address;
  }

  async getBlob(addressInput: ContentAddress): Promise<string> {
    const address = validateAddress(addressInput);
    const staged = this.staged.get(address);
    if (staged !== undefined) return staged;
    return this.serially(async () => {
      const where = `${blobPath(address)} on ${this.location}`;
      let content = await this.catBlob(await this.localRev(), address);
      // Written by another run since this store last fetched: fetch once more.
      if (content === undefined && this.remote) content = await this.catBlob(await this.fetch(), address);
      if (content === undefined) {
        throw new LedgerError(
          'blob',
          `The content ${address} is not on the state branch (${where}). It was never written, or the branch ` +
            'was rewritten by hand; the flow cannot be restored from the ledger.'
        );
      }
      return verifyBlob(address, content, where);
    });
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private context(): CasContext {
    const backend: CasBackend = {
      load: (orgId) => this.load(orgId),
      where: (orgId) => ({
        where: `${ledgerPath(orgId)} on ${this.location}`,
        fix:
          `Nothing was changed and the ledger was not overwritten. Inspect it with git show ` +
          `${this.remote ? `${this.remote}/${this.branch}` : this.ref}:${ledgerPath(orgId)} and its history with ` +
          `git log -p ${this.remote ? `${this.remote}/${this.branch}` : this.ref} -- ${ledgerPath(orgId)}; ` +
          'restore the last good version with a new commit on that branch (see docs/state.md), then re-run.'
      }),
      hasBlob: async (a, rev) => rev !== undefined && (await lookup(this.git, rev, blobPath(a))) !== undefined,
      commit: (orgId, rev, text, blobs, message) => this.commit(orgId, rev, text, blobs, message)
    };
    return {
      backend,
      staged: this.staged,
      serialize: serializeLedger,
      beforeCommit: (orgId: string, attempt: number) => this.beforeCommit?.(orgId, attempt),
      clock: this.clock
    };
  }

  private async localRev(): Promise<string | undefined> {
    const out = await this.git.run(['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]).catch(() => '');
    return out.trim() || undefined;
  }

  /** Fetches the state branch into the private ref; undefined when the remote has no such branch yet. */
  private async fetch(): Promise<string | undefined> {
    const remote = this.remote as string;
    const refspec = `+refs/heads/${this.branch}:${this.ref}`;
    try {
      await this.git.run(
        ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', remote, refspec],
        { auth: this.auth }
      );
    } catch (e) {
      const text = errorText(e);
      if (/couldn't find remote ref/i.test(text)) return undefined;
      throw new LedgerError(
        'unreadable',
        `Could not fetch the release ledger (${this.location}): ${text}\nNothing was changed. Check the network, ` +
          'the token, and that the workflow has permissions: contents: write.'
      );
    }
    return this.localRev();
  }

  private async load(orgId: string): Promise<{ text: string | undefined; rev: string | undefined }> {
    const rev = this.remote ? await this.fetch() : await this.localRev();
    if (rev === undefined) return { text: undefined, rev };
    await this.checkStateBranch(rev);
    const entry = await lookup(this.git, rev, ledgerPath(orgId));
    if (entry === undefined) return { text: undefined, rev };
    if (entry.type !== 'blob') return { text: `(a ${entry.type}, not a file)`, rev };
    return { text: await this.git.run(['cat-file', 'blob', entry.sha]), rev };
  }

  /**
   * A branch that holds anything but the ledger's own files is not a state branch (e.g. `state-branch: develop` by
   * mistake): it is neither read nor written, so the ledger can never commit into a branch of code.
   */
  private async checkStateBranch(rev: string): Promise<void> {
    const entries = await readTree(this.git, rev);
    const foreign = entries.map((e) => e.name).filter((n) => !STATE_ENTRIES.has(n));
    const readme = entries.find((e) => e.name === 'README.md');
    // Its first line, not its whole text: another version of the action may word the README differently.
    if (readme && !(await this.git.run(['cat-file', 'blob', readme.sha])).startsWith(STATE_README_TITLE)) {
      foreign.push('a README.md of its own');
    }
    if (foreign.length === 0) return;
    throw new LedgerError(
      'invalid-input',
      `The branch ${this.branch} (${this.location}) is not a Flow Release state branch: it also holds ` +
        `${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}. Nothing was read or written. Set the ` +
        'state branch input to a branch used only by Flow Release (default flow-release-state).'
    );
  }

  private async catBlob(rev: string | undefined, address: ContentAddress): Promise<string | undefined> {
    if (rev === undefined) return undefined;
    const entry = await lookup(this.git, rev, blobPath(address));
    return entry?.type === 'blob' ? this.git.run(['cat-file', 'blob', entry.sha]) : undefined;
  }

  /** One commit on top of `rev`, published with compare-and-swap; undefined when the branch moved. */
  private async commit(
    orgId: string,
    rev: string | undefined,
    text: string,
    blobs: Map<ContentAddress, string>,
    message: string
  ): Promise<string | undefined> {
    let sha: string;
    const objects = await ObjectWriter.open(this.git);
    try {
      const changes = new Map<string, string>();
      changes.set('README.md', await objects.write(STATE_README));
      changes.set(ledgerPath(orgId), await objects.write(text));
      for (const [a, content] of blobs) changes.set(blobPath(a), await objects.write(content));
      const tree = await objects.tree(rev ? `${rev}^{tree}` : undefined, changes);
      const parents = rev ? ['-p', rev] : [];
      sha = (await this.git.run(['commit-tree', tree, ...parents, '-m', message], { identity: true })).trim();
    } catch (e) {
      throw this.writeFailed('Writing the ledger commit failed', e);
    } finally {
      await objects.close();
    }
    return this.remote ? this.push(sha, orgId) : this.moveLocalRef(sha, rev);
  }

  private async push(sha: string, orgId: string): Promise<string | undefined> {
    const remote = this.remote as string;
    try {
      await this.git.run(
        ['push', '--porcelain', '--no-verify', '--recurse-submodules=no', remote, `${sha}:refs/heads/${this.branch}`],
        { auth: this.auth }
      );
    } catch (e) {
      const output = errorText(e);
      if (lostRace(output)) {
        this.logger.info(`Release ledger of ${orgId}: ${this.location} moved since it was read; reading it again.`);
        return undefined;
      }
      throw new LedgerError(
        'write-failed',
        `Pushing the release ledger to ${this.location} failed: ${output}\nNothing was force-pushed. The workflow ` +
          `needs permissions: contents: write, and ${this.branch} must accept pushes from the action ` +
          '(no branch protection on the state branch).'
      );
    }
    await this.git.run(['update-ref', this.ref, sha]).catch(() => undefined);
    this.logger.debug(`Release ledger of ${orgId} written to ${this.location}: ${sha}`);
    return sha;
  }

  /** Without a remote the private ref is the ledger: `update-ref <new> <old>` is the compare-and-swap. */
  private async moveLocalRef(sha: string, rev: string | undefined): Promise<string | undefined> {
    try {
      await this.git.run(['update-ref', '-m', 'flow-release ledger', this.ref, sha, rev ?? '']);
      return sha;
    } catch (e) {
      if ((await this.localRev()) !== rev) return undefined;
      throw this.writeFailed('Moving the ledger ref failed', e);
    }
  }

  private writeFailed(what: string, e: unknown): LedgerError {
    return new LedgerError('write-failed', `${what} (${this.location}): ${errorText(e)}\nNothing was pushed.`);
  }
}

/**
 * The push lost a compare-and-swap race: the branch moved (non-fast-forward), or a concurrent push held the ref's
 * lock on the server (`[remote rejected] ... cannot lock ref` / `failed to update ref`), which is the same race.
 */
export function lostRace(output: string): boolean {
  if (isNonFastForward(output)) return true;
  return /\[remote rejected\][^\n]*(cannot lock ref|failed to update ref|failed to lock|incorrect old value)/i.test(
    output
  );
}

function checkBranch(input: string): string {
  try {
    return validateBranch(input);
  } catch (e) {
    const why = e instanceof GitError ? e.message.replace(/^Refusing to push to branch [^:]*: /, '') : String(e);
    throw new LedgerError(
      'invalid-input',
      `Invalid state branch ${JSON.stringify(input)}: ${why.replace(/ Use a plain.*$/s, '')} ` +
        'Use a plain branch name such as flow-release-state.'
    );
  }
}

/** The configured remote, or undefined (local ref only) when the repository has none of that name. */
async function findRemote(git: GitRunner, name: string, logger: Logger): Promise<string | undefined> {
  let remote: string;
  try {
    remote = validateRemote(name);
  } catch (e) {
    throw new LedgerError('invalid-input', errorText(e));
  }
  const remotes = (await git.run(['remote'])).split('\n').map((r) => r.trim());
  if (remotes.includes(remote)) return remote;
  logger.warning(`The repository has no remote "${remote}": the release ledger is kept in this repository only.`);
  return undefined;
}

/** The remote's fetch and push URLs, which the auth header is scoped to. */
async function remoteUrls(git: GitRunner, remote: string): Promise<string[]> {
  const urls: string[] = [];
  for (const extra of [[], ['--push']]) {
    const url = (await git.run(['remote', 'get-url', ...extra, remote])).trim();
    if (!urls.includes(url)) urls.push(url);
  }
  return urls;
}
