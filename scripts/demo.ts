// `npm run demo`: a full release against the embedded Genesys Cloud emulator, on a fresh machine, in about a minute.
//  1. starts the emulator with emulator/scenarios/demo.yml,
//  2. makes a temporary git repository (with a bare "origin") holding examples/ — flows, manifest, workflows,
//  3. runs the built action (dist/index.js) as a runner would: a two-stage release that succeeds and commits the
//     published flows,
//  4. changes Support IVR, makes its new version unhealthy in the emulator, and releases again: the stage-2 health
//     check fails and both stages are rolled back and verified,
//  5. prints where the step summaries, audit logs and commits are.
// Everything it makes (repository, runner temp dirs, evidence) goes to .demo/ in the project (git-ignored), kept for a
// look and replaced by the next demo: nothing in the temp directory.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../emulator/server.ts';
import { REPO_ROOT, runAction, type ActionRun } from './lib/action-runner.ts';
import { createGitFixture } from './lib/git-fixture.ts';

const dist = join(REPO_ROOT, 'dist/index.js');
if (!existsSync(dist)) {
  console.error('dist/index.js is missing: run `npm run build` first.');
  process.exit(2);
}

const DEMO_DIR = join(REPO_ROOT, '.demo');
rmSync(DEMO_DIR, { recursive: true, force: true });
mkdirSync(DEMO_DIR);
// os.tmpdir() of this process and of the action runs: the fixtures and RUNNER_TEMP dirs are made under it.
process.env.TMPDIR = DEMO_DIR;

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (s: string) => console.log(`\n${bold(`▶ ${s}`)}`);

/** Shows the action's output as the runner's log would: debug lines and masks hidden, groups and annotations named. */
class RunnerLog {
  private partial = '';
  write(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/^::(debug|add-mask|endgroup)::/.test(line)) continue;
      const text = line
        .replace(/^::group::/, '▸ ')
        .replace(/^::error[^:]*::/, 'ERROR: ')
        .replace(/^::warning[^:]*::/, 'WARNING: ');
      console.log(`    │ ${text}`);
    }
  }
}

const emulator = await startEmulator({
  port: 0,
  scenario: join(REPO_ROOT, 'emulator/scenarios/demo.yml')
});
let failed = false;
try {
  step(`Genesys Cloud emulator listening on ${emulator.baseUrl}`);
  const repo = createGitFixture(join(REPO_ROOT, 'examples'), 'flow-release-demo-');
  console.log(`Temporary repository: ${repo.workspace} (origin: ${repo.remote})`);

  const inputs = {
    command: 'deploy',
    manifest: 'genesys/release.yml',
    'api-url': emulator.baseUrl,
    'login-url': emulator.baseUrl,
    'client-id': emulator.clientId,
    'client-secret': emulator.clientSecret,
    'commit-artifacts': 'true',
    'github-token': '',
    'audit-artifact-name': 'flow-release-audit'
  };
  const release = async (title: string, runId: string): Promise<ActionRun> => {
    step(title);
    const printer = new RunnerLog();
    const run = await runAction({
      workspace: repo.workspace,
      inputs,
      env: { GITHUB_SHA: repo.head(), GITHUB_RUN_ID: runId },
      onStdout: (chunk) => printer.write(chunk)
    });
    const summaryFile = join(run.runnerTemp, 'step-summary.md');
    console.log(`\n  outcome: ${bold(run.outputs.outcome ?? '?')} (exit code ${run.exitCode})`);
    console.log(`  step summary: ${summaryFile}`);
    console.log(`  audit log:    ${run.outputs['audit-log'] ?? '(none)'}`);
    if (run.outputs['commit-sha']) console.log(`  commit:       ${run.outputs['commit-sha']}`);
    return run;
  };

  const first = await release('Release 1: two stages, expected to succeed', '1001');
  if (first.outputs.outcome !== 'succeeded') failed = true;
  repo.git('pull', '-q', '--rebase', 'origin', 'main');
  console.log(
    `\n  origin/main now:\n${repo
      .remoteLog()
      .map((l) => `    ${l}`)
      .join('\n')}`
  );

  step('Change Support IVR and make its next version unhealthy in the emulator (40% failed outcomes)');
  const ivr = join(repo.workspace, 'genesys/flows/support-ivr.yaml');
  writeFileSync(ivr, readFileSync(ivr, 'utf8').replace('Thank you for calling support.', 'Welcome to support.'));
  repo.git('commit', '-q', '-am', 'Support IVR: new greeting');
  repo.git('push', '-q', 'origin', 'main');
  emulator.addFault({ kind: 'unhealthy', flow: 'Support IVR', failureRatio: 0.4, after: 'next-publish', initial: 50 });

  const second = await release('Release 2: the stage-2 health check fails, expected to roll back', '1002');
  if (second.outputs.outcome !== 'rolled-back') failed = true;

  const state = emulator.state();
  step('Where to look');
  console.log(`  Release 1 summary: ${join(first.runnerTemp, 'step-summary.md')}`);
  console.log(`  Release 2 summary: ${join(second.runnerTemp, 'step-summary.md')}`);
  console.log(
    `  Audit logs:        ${first.outputs['audit-log']}\n                     ${second.outputs['audit-log']}`
  );
  console.log(`  Verify one:        npm run verify-audit -- ${second.outputs['audit-log']}`);
  console.log(`  Repository:        ${repo.workspace}  (git -C ${repo.remote} log --stat main)`);
  console.log(`  Published flows:   ${repo.workspace}/genesys/published/`);
  const duplicates = state.flows.reduce((n, f) => n + f.duplicatePublishes, 0);
  console.log(`  Emulator:          ${emulator.requests().length} API requests; duplicate publishes: ${duplicates}`);
  console.log(
    failed
      ? bold('\nDemo FAILED: the outcomes were not succeeded then rolled-back.')
      : bold('\nDemo finished: release 1 succeeded; release 2 was rolled back and verified.')
  );
} finally {
  await emulator.close();
}
process.exit(failed ? 1 : 0);
