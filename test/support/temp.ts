// Temp directories for the tests: made with tempDir (scripts/lib/temp.ts, also used by the action runner and the git
// fixture), removed after each test file by the afterAll this module registers in every test file that imports it
// (directly or through a helper). The jest guard (tmp-guard-setup.js / tmp-guard-teardown.js) fails the run when a
// test leaves anything else in the temp directory.
import { afterAll } from '@jest/globals';
import { removeAllTemp } from '../../scripts/lib/temp.ts';

export { liveTemp, removeAllTemp, removeTemp, tempDir } from '../../scripts/lib/temp.ts';

afterAll(() => removeAllTemp());
