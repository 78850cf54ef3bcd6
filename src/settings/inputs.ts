// The settings of one release, validated: the action's inputs (src/action/inputs.ts reads them with @actions/core) and
// the CLI's flags and variables (src/cli/args.ts) go through this same function, so both say the same thing. Every
// problem is collected and reported at once in a single InputError whose message says how to fix each; the client secret and the token never appear in it (values that equal or
// contain them are masked before the message is built).
import type { Command } from '../domain/types.ts';
import { DEFAULT_STATE_BRANCH } from '../ledger/git-store.ts';
import type { Redactor } from '../common/redact.ts';
import { redactor as processRedactor } from '../common/redact.ts';

export interface Inputs {
  command: Command;
  manifest: string;
  region?: string;
  clientId: string;
  clientSecret: string;
  apiUrl?: string;
  loginUrl?: string;
  /** Subset of flow names to release; undefined means every flow of the manifest. */
  flows?: string[];
  commitArtifacts: boolean;
  githubToken?: string;
  auditArtifactName: string;
  /** The branch holding the per-org release ledger (docs/state.md). */
  stateBranch: string;
  /** Take the org's release lock from another holder (recorded in the ledger). */
  takeoverLock: boolean;
  /** What to do with a dead run's unfinished release: restore its flows (default), or report it and stop. */
  onUnfinished: 'restore' | 'stop';
  /** `command: rollback`: the release id to restore instead of the newest good one that differs from what is live. */
  rollbackTo?: string;
}

export class InputError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid action inputs (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

export const COMMANDS: readonly Command[] = ['deploy', 'plan', 'rollback', 'doctor'];
const DEFAULT_MANIFEST = 'genesys/release.yml';
const DEFAULT_ARTIFACT_NAME = 'flow-release-audit';
// GitHub refuses these in artifact names; path separators would also let the name escape the upload directory.
const ARTIFACT_FORBIDDEN = /["<>|*?:\\/]/;

/** C0 control characters and DEL (written as a function: eslint forbids control characters in regexes). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Shows a user-supplied value in a message: quoted, one line, short; a value that overlaps a secret is hidden. */
function showValue(value: string, secrets: readonly string[] = []): string {
  // Case-insensitive: an upper-cased secret still gives it away.
  const v = value.toLowerCase();
  for (const secret of secrets) {
    const s = secret.toLowerCase();
    if (s.length >= 4 && (v.includes(s) || (v.length >= 4 && s.includes(v))))
      return "'***' (hidden: it matches a secret)";
  }
  const oneLine = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return `'${oneLine.slice(1, -1).replace(/'/g, "\\'")}'`;
}

function parseBool(
  name: string,
  raw: string,
  fallback: boolean,
  problems: string[],
  show: (v: string) => string
): boolean {
  const v = raw.trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  problems.push(`${name} must be true or false (also yes/no) (got ${show(raw)})`);
  return fallback;
}

function parseBaseUrl(name: string, raw: string, problems: string[], show: (v: string) => string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name} must be an absolute URL such as https://api.mypurecloud.com (got ${show(raw)})`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`${name} must use https:// (got ${show(url.protocol)})`);
    return undefined;
  }
  // Plain http would send the client secret and tokens in clear: only allowed to this machine (the emulator).
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    problems.push(
      `${name} uses plain http:// to a non-loopback host (got ${show(raw)}); credentials would travel unencrypted. Use https://, or http:// only for localhost/127.0.0.1`
    );
    return undefined;
  }
  if (url.username || url.password) {
    problems.push(`${name} must not contain credentials (user:password@); pass client-id and client-secret instead`);
    return undefined;
  }
  if (url.search || url.hash) {
    problems.push(`${name} must not have a query string or fragment; give the base URL only, e.g. ${url.origin}`);
    return undefined;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** One pass over the inputs: how to read one, where problems go, and how a value is shown in a problem. */
interface Reader {
  read(name: string): string;
  problems: string[];
  show(value: string): string;
}

/**
 * Reads and validates every input through `get` (core.getInput, the CLI's values, a test's function). Secrets are
 * registered with `secrets` (the process-wide redactor by default) as soon as they are read.
 */
export function getInputs(get: (name: string) => string, secrets: Redactor = processRedactor): Inputs {
  const problems: string[] = [];
  const read = (name: string): string => {
    try {
      const v = get(name);
      return typeof v === 'string' ? v : '';
    } catch {
      problems.push(`${name} could not be read`);
      return '';
    }
  };
  const clientSecret = read('client-secret');
  const githubToken = read('github-token').trim();
  secrets.add(clientSecret);
  secrets.add(clientSecret.trim());
  secrets.add(githubToken);
  const secretValues = [clientSecret, clientSecret.trim(), githubToken];
  const r: Reader = { read, problems, show: (value) => showValue(value, secretValues) };

  const command = readCommand(r);
  const manifest = readManifestPath(r);
  const target = readTarget(r);
  const clientId = readClientId(r);
  if (!clientSecret.trim())
    problems.push(
      'client-secret is required: pass it from a repository secret, e.g. ${{ secrets.GENESYS_CLIENT_SECRET }}'
    );
  const flows = readFlows(r);
  const commitArtifacts = parseBool('commit-artifacts', read('commit-artifacts'), true, problems, r.show);
  const auditArtifactName = readArtifactName(r);
  const state = readStateInputs(r);
  if (state.rollbackTo && command !== 'rollback') {
    problems.push(
      `rollback-to is only read by command: rollback (command is ${command}); remove it or set command: rollback`
    );
  }
  if (problems.length > 0) {
    // Defence in depth: an input value that happens to hold the secret (pasted in the wrong field) is masked.
    throw new InputError(problems.map((p) => mask(p, secretValues)));
  }
  return {
    command,
    manifest,
    ...target,
    clientId,
    clientSecret,
    ...(flows ? { flows } : {}),
    commitArtifacts,
    ...(githubToken ? { githubToken } : {}),
    auditArtifactName,
    ...state
  };
}

/** The ledger inputs: state-branch, takeover-lock, on-unfinished, rollback-to. */
function readStateInputs(r: Reader): Pick<Inputs, 'stateBranch' | 'takeoverLock' | 'onUnfinished' | 'rollbackTo'> {
  const { read, problems, show } = r;
  const stateBranch = read('state-branch').trim() || DEFAULT_STATE_BRANCH;
  // git check-ref-format, the parts that matter here; the ledger store checks again before any git call.
  if (
    hasControlChars(stateBranch) ||
    /[\s~^:?*[\\]|\.\.|@\{|\/\/|\.lock$|^[-./]|[./]$/.test(stateBranch) ||
    stateBranch.length > 200
  ) {
    problems.push(
      `state-branch must be a plain git branch name such as ${DEFAULT_STATE_BRANCH} (got ${show(stateBranch)})`
    );
  }
  const takeoverLock = parseBool('takeover-lock', read('takeover-lock'), false, problems, show);
  const rawUnfinished = read('on-unfinished').trim();
  const unfinished = rawUnfinished.toLowerCase() || 'restore';
  if (unfinished !== 'restore' && unfinished !== 'stop') {
    problems.push(`on-unfinished must be restore or stop (got ${show(rawUnfinished)})`);
  }
  const rollbackTo = read('rollback-to').trim();
  if (rollbackTo && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rollbackTo)) {
    problems.push(
      `rollback-to must be a release id such as rel-20260101T120000Z-a1b2c3 (see the ledger's history) (got ${show(rollbackTo)})`
    );
  }
  return {
    stateBranch,
    takeoverLock,
    onUnfinished: unfinished === 'stop' ? 'stop' : 'restore',
    ...(rollbackTo ? { rollbackTo } : {})
  };
}

function readCommand({ read, problems, show }: Reader): Command {
  const raw = read('command').trim();
  const lower = raw.toLowerCase() || 'deploy';
  if ((COMMANDS as readonly string[]).includes(lower)) return lower as Command;
  problems.push(`command must be one of ${COMMANDS.join(', ')} (got ${show(raw)})`);
  return 'deploy';
}

function readManifestPath({ read, problems, show }: Reader): string {
  const manifest = read('manifest').trim() || DEFAULT_MANIFEST;
  if (hasControlChars(manifest))
    problems.push(`manifest must be a file path without control characters (got ${show(manifest)})`);
  else if (manifest.split(/[\\/]/).some((seg) => seg.startsWith('-')))
    problems.push(
      `manifest must not have a path segment starting with '-' (got ${show(manifest)}): it could be read as an option; rename the file or directory, e.g. ${DEFAULT_MANIFEST}`
    );
  else if (manifest.split(/[\\/]/).some((seg) => /^\.git[. ]*$/i.test(seg)))
    problems.push(
      `manifest must not point into a .git directory (got ${show(manifest)}); use a file of the working tree such as ${DEFAULT_MANIFEST}`
    );
  return manifest;
}

/** The org to talk to: a region domain, or an explicit api-url + login-url pair (a gateway, the emulator). */
function readTarget(r: Reader): Pick<Inputs, 'region' | 'apiUrl' | 'loginUrl'> {
  const { read, problems, show } = r;
  const regionInput = read('region').trim();
  const regionRaw = regionInput.toLowerCase();
  let region: string | undefined;
  if (regionRaw) {
    if (/^https?:\/\//.test(regionRaw)) {
      problems.push(
        `region is a domain, not a URL (got ${show(regionInput)}); write e.g. mypurecloud.com, or set api-url and login-url`
      );
    } else if (!/^(?=.{4,100}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(regionRaw)) {
      problems.push(
        `region must be a Genesys Cloud domain such as mypurecloud.com, mypurecloud.ie or usw2.pure.cloud (got ${show(regionInput)})`
      );
    } else region = regionRaw;
  }
  const apiRaw = read('api-url').trim();
  const loginRaw = read('login-url').trim();
  const apiUrl = apiRaw ? parseBaseUrl('api-url', apiRaw, problems, show) : undefined;
  const loginUrl = loginRaw ? parseBaseUrl('login-url', loginRaw, problems, show) : undefined;
  if (!!apiRaw !== !!loginRaw) {
    problems.push(
      `api-url and login-url go together (only ${apiRaw ? 'api-url' : 'login-url'} is set); set both, or neither and use region`
    );
  } else if (!apiRaw && !regionRaw) {
    problems.push(
      'region or api-url+login-url is required: set region (e.g. mypurecloud.com), or api-url and login-url for a gateway or the emulator'
    );
  }
  return { ...(region ? { region } : {}), ...(apiUrl ? { apiUrl } : {}), ...(loginUrl ? { loginUrl } : {}) };
}

function readClientId({ read, problems }: Reader): string {
  const clientId = read('client-id').trim();
  if (!clientId)
    problems.push(
      'client-id is required: pass the OAuth client id of a client-credentials grant, e.g. ${{ secrets.GENESYS_CLIENT_ID }}'
    );
  else if (/\s/.test(clientId) || hasControlChars(clientId))
    problems.push(
      'client-id must not contain whitespace or control characters; check the secret or variable it comes from'
    );
  return clientId;
}

/**
 * The flows input: with a line break in it, one flow name per line (a name may contain a comma); on one line, a
 * comma-separated list. Blank lines and the spaces around each name are ignored.
 */
export function parseFlowNames(raw: string): string[] {
  const parts = /[\r\n]/.test(raw) ? raw.split(/\r?\n|\r/) : raw.split(',');
  return [...new Set(parts.map((s) => s.trim()).filter((s) => s !== ''))];
}

function readFlows({ read, problems }: Reader): string[] | undefined {
  const names = parseFlowNames(read('flows'));
  if (names.length === 0) return undefined;
  if (names.some((n) => hasControlChars(n))) {
    problems.push('flows must be flow names (one per line, or comma-separated on one line) without control characters');
    return undefined;
  }
  return names;
}

function readArtifactName({ read, problems, show }: Reader): string {
  const name = read('audit-artifact-name').trim() || DEFAULT_ARTIFACT_NAME;
  if (name.length > 100) problems.push(`audit-artifact-name must be at most 100 characters (got ${name.length})`);
  if (ARTIFACT_FORBIDDEN.test(name) || hasControlChars(name)) {
    problems.push(
      `audit-artifact-name must not contain / \\ " : < > | * ? or control characters (got ${show(name)}); use e.g. ${DEFAULT_ARTIFACT_NAME}`
    );
  }
  return name;
}

function mask(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    // Repeat: a replacement next to similar characters can form a new occurrence. Each pass shrinks the text.
    while (out.includes(s)) out = out.split(s).join('***');
    // show() may have escaped the secret (quotes, backslashes, non-ASCII as-is): mask that form too.
    const escaped = JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'");
    while (escaped.length >= 4 && out.includes(escaped)) out = out.split(escaped).join('***');
    // A value truncated by show() can still carry a long prefix of the secret.
    if (s.length > 20) out = out.split(s.slice(0, 20)).join('***');
  }
  return out;
}
