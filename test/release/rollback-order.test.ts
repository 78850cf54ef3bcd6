import { describe, expect, it } from '@jest/globals';
import { rollbackOrder } from '../../src/release/rollback.ts';

describe('rollbackOrder', () => {
  it('restores the newest change first, whatever order the list is in', () => {
    const changed = [
      { name: 'Canary (stage 1)', seq: 12 },
      { name: 'Created in stage 2', seq: 40 },
      { name: 'Updated in stage 2', seq: 31 }
    ];
    expect(rollbackOrder(changed).map((c) => c.name)).toEqual([
      'Created in stage 2',
      'Updated in stage 2',
      'Canary (stage 1)'
    ]);
    expect(rollbackOrder([...changed].reverse()).map((c) => c.seq)).toEqual([40, 31, 12]);
  });

  it('does not reorder its input and handles nothing to roll back', () => {
    const changed = [
      { name: 'a', seq: 1 },
      { name: 'b', seq: 2 }
    ];
    rollbackOrder(changed);
    expect(changed.map((c) => c.name)).toEqual(['a', 'b']);
    expect(rollbackOrder([])).toEqual([]);
  });
});
