// Writing the release into the working tree: the files it owns, and removal of what it no longer owns under its
// directory. Paths arrive validated (validate.ts).
import { mkdir, readdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

/** Writes each file, creating its directories. */
export async function writeFiles(cwd: string, files: { path: string; content: string }[]): Promise<void> {
  for (const f of files) {
    await mkdir(join(cwd, dirname(f.path)), { recursive: true });
    await writeFile(join(cwd, f.path), f.content, 'utf8');
  }
}

/** Deletes files under `dir` that are not in `keep`, then empty directories. Returns what was removed. */
export async function removeStale(cwd: string, dir: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (rel: string): Promise<boolean> => {
    const entries = await readdir(join(cwd, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!entries) return false;
    let left = 0;
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      // Symlinks are not directories here, so they are removed as entries, never followed.
      if (entry.isDirectory()) {
        if (await walk(child)) left++;
        else await rmdir(join(cwd, child)).catch(() => left++);
      } else if (keep.has(child)) {
        left++;
      } else {
        await unlink(join(cwd, child));
        removed.push(child);
      }
    }
    return left > 0;
  };
  await walk(dir);
  return removed.map((p) => p.split(sep).join('/'));
}
