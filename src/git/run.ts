// Running one git command safely: nothing that controls git is inherited from the runner's environment, prompts are
// off, pathspecs are literal, the bot identity is passed per command, and the token travels only in the environment
// of the one fetch/push that needs it (GIT_CONFIG_* entries for http.extraheader, scoped to the remote's https URLs):
// never in the remote URL, .git/config, the process command line, a log line or an error.
import { simpleGit } from 'simple-git';
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';
import { GitCommandError, scrub } from './errors.ts';

export const BOT_NAME = 'github-actions[bot]';
export const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

// Environment variables simple-git's environment guard treats as git-controlling: never inherited, because an
// inherited GIT_TRACE_CURL, GIT_SSH_COMMAND or GIT_CONFIG_* could leak the token or run arbitrary commands.
const GUARDED_ENV = new Set(['editor', 'pager', 'prefix', 'visual', 'ssh_askpass']);
// Harmless git variables worth keeping from the runner: custom CA bundles behind corporate proxies.
const INHERITED_GIT_ENV = ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_PROXY_SSL_CAINFO'];

export interface RunOptions {
  /** Add the bot identity (commit, rebase). */
  identity?: boolean;
  /** Authorization for this one command (fetch, push to an https remote). */
  auth?: Auth | undefined;
}

export interface Auth {
  /** `AUTHORIZATION: basic <base64(x-access-token:token)>` */
  header: string;
  /** The remote's https fetch/push URLs the header is scoped to. */
  urls: string[];
}

/**
 * The http.extraheader value for a token, or undefined without one. The token and its Basic form are registered with
 * the redactor and the logger's secret masking before anything can print them.
 */
export function authHeaderFor(token: string | undefined, logger: Logger): string | undefined {
  if (!token) return undefined;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  redactor.add(token);
  redactor.addBasic('x-access-token', token);
  logger.setSecret(token);
  logger.setSecret(basic);
  return `AUTHORIZATION: basic ${basic}`;
}

/** The auth header is sent only to https remotes: never in clear text, and local paths need none. */
export function authFor(urls: string[], header: string | undefined, logger: Logger): Auth | undefined {
  if (!header) return undefined;
  if (urls.some((u) => /^http:\/\//i.test(u))) {
    logger.warning('The remote uses plain http; the token is not sent over an unencrypted connection.');
  }
  const https = urls.filter((u) => /^https:\/\//i.test(u));
  return https.length > 0 ? { header, urls: https } : undefined;
}

/** Splits `-z` output. */
export function splitZ(out: string): string[] {
  return out.split('\0').filter((s) => s.trim() !== '');
}

/** The runner's environment without anything that controls git. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    const lower = k.toLowerCase();
    if (lower.startsWith('git') || GUARDED_ENV.has(lower)) continue;
    env[k] = v;
  }
  return env;
}

/** The git variables this file sets for one command, the scoped auth header included. */
function ownEnv(auth: Auth | undefined): Record<string, string> {
  const own: Record<string, string> = {
    // Never wait for a username/password prompt: a CI job would hang until it is killed.
    GIT_TERMINAL_PROMPT: '0',
    // Treat pathspecs literally: a file named `*.yaml` or `:(glob)x` matches only itself.
    GIT_LITERAL_PATHSPECS: '1'
  };
  for (const k of INHERITED_GIT_ENV) {
    const v = process.env[k];
    if (v) own[k] = v;
  }
  if (auth) {
    // Scoped to the exact remote URL: git applies only the most specific http.<url>.* match, so a header that
    // actions/checkout persisted for https://github.com/ is overridden, and the empty value first clears it
    // so that it is not sent next to ours (GitHub rejects a request with two Authorization headers).
    let n = 0;
    for (const url of auth.urls) {
      for (const value of ['', auth.header]) {
        own[`GIT_CONFIG_KEY_${n}`] = `http.${url}.extraheader`;
        own[`GIT_CONFIG_VALUE_${n}`] = value;
        n++;
      }
    }
    own.GIT_CONFIG_COUNT = String(n);
  }
  return own;
}

/** Runs git commands in one working tree. */
export class GitRunner {
  readonly cwd: string;
  private readonly logger: Logger;
  private readonly idleTimeoutMs: number;

  constructor(cwd: string, logger: Logger, idleTimeoutMs: number) {
    this.cwd = cwd;
    this.logger = logger;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Runs one git command; rejects with a GitCommandError carrying git's redacted output. */
  async run(args: string[], options: RunOptions = {}): Promise<string> {
    const env = inheritedEnv();
    const own = ownEnv(options.auth);
    const allowConfigEnv = Boolean(options.auth);
    const config = options.identity ? [`user.name=${BOT_NAME}`, `user.email=${BOT_EMAIL}`, 'commit.gpgsign=false'] : [];
    const git = simpleGit({
      baseDir: this.cwd,
      config,
      // Only the keys set above are allowed; the config-env permission is for http.extraheader, set by this file.
      allowEnvironment: Object.keys(own),
      unsafe: { allowUnsafeConfigEnvCount: allowConfigEnv },
      timeout: { block: this.idleTimeoutMs },
      errors: (error, result) => {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        return Buffer.concat([...result.stdErr, ...result.stdOut]);
      }
    }).env({ ...env, LC_ALL: 'C', LANGUAGE: 'C', GCM_INTERACTIVE: 'never', ...own });
    this.logger.debug(`git ${scrub(args.join(' '))}`);
    try {
      return await git.raw(args);
    } catch (e) {
      throw new GitCommandError(args, scrub(e instanceof Error ? e.message : String(e)).trim());
    }
  }
}
