import { describe, expect, it } from '@jest/globals';
import { run } from '../src/main.ts';

describe('runtime', () => {
  it('runs on node 24', async () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    await run();
  });
});
