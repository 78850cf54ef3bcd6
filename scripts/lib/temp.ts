// The temp directory hygiene of the tests and scripts (issue 9): whatever they create under os.tmpdir() they remove.
//
//   tempDir(prefix)          → a fresh directory under os.tmpdir(), remembered until removeTemp/removeAllTemp;
//                              the test helpers remove them in afterAll (test/support/temp.ts), the scripts when done
//   removeTempOnExit()       → a script's safety net: removeAllTemp at exit and on SIGINT/SIGTERM/SIGHUP
//   keepTemp(dir)            → forget a directory on purpose (evidence the user asked to keep)
//   enterTmpSandbox(name)    → points TMPDIR (os.tmpdir() of this process and of every child started afterwards) at
//                              one fresh directory, removed by dispose() (and with onExit at exit or on a signal);
//                              the sandboxes of processes that died without removing theirs (SIGKILL) are swept
//                              first. Used by jest's globalSetup/globalTeardown (test/support/tmp-guard-*.js).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

/** A new empty directory `<os.tmpdir()>/<prefix>XXXXXX`, remembered for removeAllTemp. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.add(dir);
  return dir;
}

/** Removes directories (made by tempDir or not) and forgets them. Never throws. */
export function removeTemp(...dirs: string[]): void {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // still in use (e.g. a process being killed): the sandbox around it, if any, goes later
    }
    live.delete(dir);
  }
}

/** Removes every directory tempDir made in this process and not removed yet. */
export function removeAllTemp(): void {
  removeTemp(...live);
}

/** The directories tempDir made and nobody removed yet (for leak reports). */
export function liveTemp(): string[] {
  return [...live];
}

/** Forgets directories without removing them: removeAllTemp and the exit handler leave them (kept on purpose). */
export function keepTemp(...dirs: string[]): void {
  for (const dir of dirs) live.delete(dir);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` when the process exits, or on SIGINT/SIGTERM/SIGHUP — the signal is then re-raised, so the exit
 * status stays the signal's. Returns the function that unregisters it.
 */
export function onExitOrSignal(cleanup: () => void): () => void {
  const onExit = () => cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    off();
    cleanup();
    process.kill(process.pid, signal);
  };
  const off = () => {
    process.removeListener('exit', onExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  process.once('exit', onExit);
  for (const s of SIGNALS) process.once(s, onSignal);
  return off;
}

/** A script's safety net: whatever tempDir made and nobody removed or kept goes at exit, or when interrupted. */
export function removeTempOnExit(): () => void {
  return onExitOrSignal(removeAllTemp);
}

export interface TmpSandbox {
  /** The sandbox directory: TMPDIR while the sandbox is entered. */
  root: string;
  /** The temp directory before (TMPDIR is restored to it). */
  parent: string;
  /** Entries left in the sandbox now (names relative to root). */
  leftovers(): string[];
  /** Restores TMPDIR and removes the sandbox with everything in it (idempotent). */
  dispose(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<dir>/<name>-<pid>-*` sandboxes whose process is gone. */
export function sweepStaleSandboxes(name: string, dir = tmpdir()): string[] {
  const swept: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return swept;
  }
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-[A-Za-z0-9]{6}$`);
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (!m || alive(Number(m[1]))) continue;
    removeTemp(join(dir, entry));
    swept.push(entry);
  }
  return swept;
}

/**
 * Creates `<os.tmpdir()>/<name>-<pid>-XXXXXX` and sets TMPDIR to it. `onExit: true` also removes it when the process
 * exits or gets SIGINT/SIGTERM/SIGHUP (the signal is then re-raised, so the exit status stays the signal's); leave it
 * false where a host process owns the exit (jest: globalTeardown disposes).
 */
export function enterTmpSandbox(name: string, opts: { onExit?: boolean } = {}): TmpSandbox {
  const parent = tmpdir();
  sweepStaleSandboxes(name, parent);
  const root = mkdtempSync(join(parent, `${name}-${process.pid}-`));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  let disposed = false;
  let off = () => {};
  const sandbox: TmpSandbox = {
    root,
    parent,
    leftovers: () => {
      try {
        return readdirSync(root).sort();
      } catch {
        return [];
      }
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      removeTemp(root);
      off();
    }
  };
  if (opts.onExit) off = onExitOrSignal(() => sandbox.dispose());
  return sandbox;
}
