// jest globalTeardown: every test removes what it creates in the temp directory (issue 9). Whatever the tests left in
// the run's sandbox (tmp-guard-setup.js) is listed, the sandbox is removed, and the run fails.
export default function tmpGuardTeardown() {
  const sandbox = globalThis.__flowReleaseTmpSandbox;
  if (!sandbox) return;
  const left = sandbox.leftovers();
  sandbox.dispose();
  if (left.length === 0) return;
  const shown = left.slice(0, 20).join('\n  ');
  const more = left.length > 20 ? `\n  … and ${left.length - 20} more` : '';
  const error = new Error(
    `The tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory (removed now):\n  ${shown}${more}\n` +
      'Make them with tempDir() from test/support/temp.ts (removed after the test file) or remove them in afterAll.'
  );
  error.stack = error.message;
  throw error;
}
