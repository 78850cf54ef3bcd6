// The release ledger: durable per-org release state (lock, release in progress, history), written ahead of every
// change with compare-and-swap updates. See docs/state.md.
export * from './errors.ts';
export * from './git-store.ts';
export * from './history.ts';
export * from './lock.ts';
export * from './memory-store.ts';
export * from './schema.ts';
export * from './store.ts';
export * from './writer.ts';
export * from './progress.ts';
export * from './github-run.ts';
