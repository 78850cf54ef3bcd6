import { describe, expect, it } from '@jest/globals';
import { MemoryLedgerBackend, MemoryLedgerStore } from '../../src/ledger/memory-store.ts';
import { ledgerStoreContract } from './contract.ts';
import { appendEntry, memoryHarness, ORG } from './helpers.ts';

ledgerStoreContract('memory', async () => memoryHarness());

describe('MemoryLedgerStore', () => {
  it('keeps documents as text: changing what a caller got back changes nothing stored', async () => {
    const backend = new MemoryLedgerBackend();
    const store = new MemoryLedgerStore({ backend });
    const { doc } = await store.update(ORG, appendEntry(ORG, 'r1'));
    doc?.history.push(doc.history[0]!);
    expect((await store.read(ORG)).doc?.history).toHaveLength(1);
    expect(backend.writes).toBe(1);
  });
});
