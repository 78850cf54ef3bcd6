// jest globalSetup: the whole run (this process, the workers, every process a test starts) gets its own temp
// directory, `<tmp>/flow-release-jest-<pid>-XXXXXX` (scripts/lib/temp.ts enterTmpSandbox): tmp-guard-teardown.js
// reports what the tests left in it and removes it. The sandboxes of runs killed before their teardown are swept here.
import { enterTmpSandbox } from '../../scripts/lib/temp.ts';

export default function tmpGuardSetup() {
  globalThis.__flowReleaseTmpSandbox = enterTmpSandbox('flow-release-jest');
}
