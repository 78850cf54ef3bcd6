// Recomputes a journal's hash chain. Pure: no I/O, so the verify script, the post step and tests share it.
import type { JournalEvent } from '../journal/events.ts';
import { GENESIS_HASH, hashEvent } from '../journal/journal.ts';

export type ChainResult =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; seq: number | null; index: number; message: string };

/**
 * Walks the events in order and reports the first broken link: a wrong `prevHash` (an event was changed, removed or
 * moved), a sequence gap, or a malformed event. `headHash` (the hash of the last event) anchors the end of the chain,
 * which a chain alone cannot protect: compare it with the value the run printed or stored.
 */
export function verifyChain(events: readonly unknown[], expectedHeadHash?: string): ChainResult {
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  const fail = (index: number, seq: number | null, message: string): ChainResult => ({
    ok: false,
    count: events.length,
    seq,
    index,
    message
  });
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Partial<JournalEvent> | null;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return fail(i, null, `event #${i + 1}: not an object`);
    const seq = typeof e.seq === 'number' && Number.isInteger(e.seq) ? e.seq : null;
    if (seq === null) return fail(i, null, `event #${i + 1}: seq is missing or not an integer`);
    if (typeof e.prevHash !== 'string') return fail(i, seq, `event seq ${seq}: prevHash is missing`);
    if (e.prevHash !== prevHash) {
      const what = i === 0 ? 'the first event must carry 64 zeros' : `does not match the hash of event ${prevSeq}`;
      const gap =
        seq !== prevSeq + 1
          ? `; seq ${seq} follows ${prevSeq} (an event was removed, added or moved)`
          : i > 0
            ? ` (event ${prevSeq} or this link was altered)`
            : '';
      return fail(i, seq, `event seq ${seq}: prevHash ${i === 0 ? 'is wrong: ' : ''}${what}${gap}`);
    }
    if (seq !== prevSeq + 1) {
      return fail(i, seq, `event seq ${seq}: expected seq ${prevSeq + 1} (events must be numbered 1, 2, 3, ...)`);
    }
    prevHash = hashEvent(e);
    prevSeq = seq;
  }
  if (expectedHeadHash !== undefined && expectedHeadHash !== prevHash) {
    return fail(
      events.length - 1,
      prevSeq || null,
      `head hash ${expectedHeadHash} does not match the hash of the last event (seq ${prevSeq}): ${prevHash}`
    );
  }
  return { ok: true, count: events.length, headHash: prevHash };
}
