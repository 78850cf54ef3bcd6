// Git plumbing for the state branch, without a working tree or an index: objects are written with
// `hash-object -w` from private temporary files (the runner has no stdin, and a temporary GIT_INDEX_FILE would need
// an environment variable the runner deliberately does not pass), and trees are assembled entry by entry on top of
// the previous commit's tree, so only the directories that change are rewritten.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitZ } from '../git/run.ts';
import type { GitRunner } from '../git/run.ts';

interface TreeEntry {
  /** As it appears in a tree object: `100644`, `100755`, `120000`, `160000` or `40000`. */
  mode: string;
  type: string;
  sha: string;
  name: string;
}

/** A private directory for the objects of one commit; removed by `close`. */
export class ObjectWriter {
  private n = 0;
  private readonly git: GitRunner;
  private readonly dir: string;
  private constructor(git: GitRunner, dir: string) {
    this.git = git;
    this.dir = dir;
  }

  static async open(git: GitRunner): Promise<ObjectWriter> {
    return new ObjectWriter(git, await mkdtemp(join(tmpdir(), 'flow-release-ledger-')));
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Writes an object of `type` and returns its id. `--no-filters`: the bytes are stored exactly as given. */
  async write(content: string | Buffer, type: 'blob' | 'tree' = 'blob'): Promise<string> {
    const file = join(this.dir, `object-${++this.n}`);
    await writeFile(file, content);
    const sha = (await this.git.run(['hash-object', '-w', '-t', type, '--no-filters', '--', file])).trim();
    await rm(file, { force: true });
    return sha;
  }

  /**
   * The tree `base` (a tree-ish, or undefined for an empty one) with `changes` applied: path (`/`-separated) →
   * blob id. Returns the new tree's id.
   */
  async tree(base: string | undefined, changes: Map<string, string>): Promise<string> {
    const entries = new Map<string, TreeEntry>();
    if (base) for (const e of await readTree(this.git, base)) entries.set(e.name, e);
    const subdirs = new Map<string, Map<string, string>>();
    for (const [path, sha] of changes) {
      const slash = path.indexOf('/');
      if (slash < 0) {
        entries.set(path, { mode: '100644', type: 'blob', sha, name: path });
        continue;
      }
      const dir = path.slice(0, slash);
      const sub = subdirs.get(dir) ?? new Map<string, string>();
      sub.set(path.slice(slash + 1), sha);
      subdirs.set(dir, sub);
    }
    for (const [dir, sub] of subdirs) {
      const existing = entries.get(dir);
      const sha = await this.tree(existing?.type === 'tree' ? existing.sha : undefined, sub);
      entries.set(dir, { mode: '40000', type: 'tree', sha, name: dir });
    }
    return this.write(serializeTree([...entries.values()]), 'tree');
  }
}

/** The entries of one tree (not recursive). `--full-tree`: independent of the directory git runs in. */
export async function readTree(git: GitRunner, treeish: string): Promise<TreeEntry[]> {
  return splitZ(await git.run(['ls-tree', '--full-tree', '-z', treeish])).map((line) => {
    const tab = line.indexOf('\t');
    const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
    return { mode: mode.replace(/^0+/, ''), type, sha, name: line.slice(tab + 1) };
  });
}

/** The object id of `path` in the tree of `rev` and its type, or undefined when there is none. */
export async function lookup(
  git: GitRunner,
  rev: string,
  path: string
): Promise<{ sha: string; type: string } | undefined> {
  const out = splitZ(await git.run(['ls-tree', '--full-tree', '-z', rev, '--', path]));
  const line = out[0];
  if (!line) return undefined;
  const [, type = '', sha = ''] = line.slice(0, line.indexOf('\t')).split(' ');
  return { sha, type };
}

/** A tree object: entries sorted the way git sorts them (a tree's name compares as if it ended in `/`). */
function serializeTree(entries: TreeEntry[]): Buffer {
  const key = (e: TreeEntry) => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name, 'utf8');
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  return Buffer.concat(
    sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.sha, 'hex')])
  );
}
