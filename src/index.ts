// The one entry of the bundle (dist/index.js) for the action's main step, its post step and the CLI. It imports
// nothing at the top but node:fs, so that an older Node says in one line what is needed instead of failing deep
// inside a dependency (undici needs Node 24's zlib); the edges are loaded only after the check.
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const REQUIRED_MAJOR = 24;

/** Set by bin/flow-release.js, which serves `npx flow-release` from this same bundle. */
const CLI_MARKER = Symbol.for('flow-release.cli');

/** The post step sees the state the main step saved as STATE_* variables; `is-post` is saved first thing below. */
const POST_STATE = 'STATE_is-post';

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= REQUIRED_MAJOR)) {
  process.stderr.write(
    `Flow Release needs Node.js ${REQUIRED_MAJOR} or newer, but this is Node.js ${process.version}: install Node ${REQUIRED_MAJOR} (in a workflow, runs.using: node24 provides it).\n`
  );
  process.exit(1);
}

if ((globalThis as Record<symbol, unknown>)[CLI_MARKER] === true) {
  const { cli } = await import('./cli.ts');
  process.exitCode = await cli(process.argv.slice(2));
} else if (process.env[POST_STATE] === 'true') {
  await import('./post.ts');
} else {
  markMainStep();
  const { run } = await import('./main.ts');
  await run();
}

/**
 * Tells the post step that it is the post step (action.yml runs this file for both), before anything that can fail.
 * Written in the runner's file-command format, as @actions/core's saveState writes it.
 */
function markMainStep(): void {
  const file = process.env.GITHUB_STATE;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `is-post<<${delimiter}\ntrue\n${delimiter}\n`);
}
