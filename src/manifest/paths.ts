// Checks on the paths a manifest gives (the artifacts directory, flow file references). They run in the loader, so a
// path that git would read as an option (`--upload-pack=…`, `-rf`), that points into `.git` or that carries control
// characters is refused before anything touches the org. The artifacts directory rules are at least as strict as
// the committer's (src/git/committer.ts validateRelativePath): a manifest that validates can always be committed.
import path from 'node:path';
import { truncate } from '../fields/duration.ts';
import { DEFAULTS } from './defaults.ts';

export interface PathProblem {
  message: string;
  fix: string;
}

/** C0 control characters and DEL (written as a loop: eslint forbids control characters in regexes). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

/** A user value inside a message: quoted, one line, short, control characters escaped (never raw in a log line). */
export function show(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return `'${truncate(escaped, 80)}'`;
}

/** `.git`, and the forms Windows and macOS file systems treat as the same name (`.GIT`, `.git.`, `.git `). */
function isGitSegment(seg: string): boolean {
  return /^\.git[. ]*$/i.test(seg);
}

function segments(p: string): string[] {
  return p.split(/[\\/]/);
}

/** `(…)` naming the segment that starts with `-`, or undefined when none does. */
function dashSegment(p: string): string | undefined {
  const seg = segments(p).find((s) => s.startsWith('-'));
  if (seg === undefined) return undefined;
  return seg === p ? '' : ` (${show(seg)})`;
}

/** Problems with `artifacts.dir`, or undefined when the committer can use it. */
export function checkArtifactsDir(dir: string, workspace: string): PathProblem | undefined {
  const what = `artifacts directory ${show(dir)}`;
  const example = `use a relative path such as ${DEFAULTS.artifacts.dir}`;
  if (hasControlChars(dir)) {
    return {
      message: `${what} contains a control character (newline, tab, NUL, ...)`,
      fix: `remove it; ${example}`
    };
  }
  const dash = dashSegment(dir);
  if (dash !== undefined) {
    return {
      message: `${what} has a path segment starting with '-'${dash}, which git would read as an option`,
      fix: `rename the directory so that no segment starts with '-'; ${example}`
    };
  }
  if (dir.includes('\\')) {
    return { message: `${what} contains a backslash`, fix: `separate directories with '/'; ${example}` };
  }
  const trimmed = dir.replace(/\/+$/, '');
  const rel = path.relative(workspace, path.resolve(workspace, trimmed));
  if (
    path.isAbsolute(dir) ||
    /^[A-Za-z]:/.test(dir) ||
    segments(trimmed).includes('..') ||
    rel === '' ||
    rel.startsWith('..') ||
    path.isAbsolute(rel)
  ) {
    return { message: `${what} is not a subdirectory of the repository`, fix: example };
  }
  if (dir.includes('..')) {
    return { message: `${what} contains '..'`, fix: `rename the directory; ${example}` };
  }
  if (segments(trimmed).some((s) => s === '' || s === '.')) {
    return {
      message: `${what} has an empty or '.' path segment`,
      fix: `write it without './' or '//', e.g. ${DEFAULTS.artifacts.dir}`
    };
  }
  if (segments(trimmed).some(isGitSegment)) {
    return {
      message: `${what} points into a .git directory`,
      fix: `keep the exports in the working tree; ${example}`
    };
  }
  return undefined;
}

/** Problems with a flow's `file:` that are about the text of the path (existence and confinement come later). */
export function checkFlowFilePath(file: string): PathProblem | undefined {
  const what = `file path ${show(file)}`;
  if (hasControlChars(file)) {
    return {
      message: `${what} contains a control character (newline, tab, NUL, ...)`,
      fix: 'reference the file with a plain relative path such as flows/my-flow.yaml'
    };
  }
  const dash = dashSegment(file);
  if (dash !== undefined) {
    return {
      message: `${what} has a path segment starting with '-'${dash}, which git and other tools read as an option`,
      fix: "rename the file or directory so that no segment starts with '-', e.g. flows/my-flow.yaml"
    };
  }
  if (segments(file).some(isGitSegment)) {
    return {
      message: `${what} points into a .git directory`,
      fix: 'reference a flow file of the working tree, e.g. flows/my-flow.yaml'
    };
  }
  return undefined;
}

/** Genesys Cloud flow names: no path separators or control characters, at most 200 characters. */
export const MAX_FLOW_NAME_LENGTH = 200;

export function checkFlowName(name: string): PathProblem | undefined {
  const fix = 'use the exact Genesys Cloud flow name, e.g. Support IVR - EU';
  if (hasControlChars(name)) {
    return {
      message: `flow name ${show(name)} contains a control character (newline, tab, ...); Genesys Cloud flow names cannot`,
      fix
    };
  }
  const sep = ['/', '\\'].find((c) => name.includes(c));
  if (sep !== undefined) {
    return {
      message: `flow name ${show(name)} contains '${sep}'; Genesys Cloud flow names cannot contain / or \\`,
      fix: `rename the flow here and in Genesys Cloud, e.g. ${show(name.split(sep).join(' - '))}`
    };
  }
  if (name.length > MAX_FLOW_NAME_LENGTH) {
    return {
      message: `flow name ${show(name)} is ${name.length} characters; Genesys Cloud flow names have at most ${MAX_FLOW_NAME_LENGTH}`,
      fix: 'shorten the name (here and in Architect)'
    };
  }
  return undefined;
}
