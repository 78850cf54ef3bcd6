// What the action reads of the GitHub run it is part of: the context recorded in the journal and the links the summary
// and outputs point at. Plain functions of the environment, so a local run (no GITHUB_* variables) gets no links.
import type { GithubContext } from '../domain/types.ts';

export function githubContext(env: NodeJS.ProcessEnv): GithubContext {
  return {
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    actor: env.GITHUB_ACTOR,
    event: env.GITHUB_EVENT_NAME,
    workflow: env.GITHUB_WORKFLOW,
    serverUrl: env.GITHUB_SERVER_URL
  };
}

/** The workflow run's page, when running on GitHub. */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
}

/** A commit's page, when running on GitHub. */
export function commitUrl(env: NodeJS.ProcessEnv, sha: string | undefined): string | undefined {
  return sha && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/commit/${sha}`
    : undefined;
}

/** The branch a push goes to: the pull request's head branch, else the ref that triggered the run. */
export function pushBranch(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || '';
}
