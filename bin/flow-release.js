#!/usr/bin/env node
// `npx flow-release <command>`: the command-line edge, served by the action's own bundle (dist/index.js decides which
// edge to run; see src/index.ts). Plain JavaScript, not bundled: it only marks the CLI and loads the bundle.
globalThis[Symbol.for('flow-release.cli')] = true;
await import('../dist/index.js');
