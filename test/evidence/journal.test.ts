import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { FakeClock } from '../../src/common/clock.ts';
import type { JournalEvent } from '../../src/journal/events.ts';
import { canonicalJson, GENESIS_HASH, hashEvent, Journal, parseJournal } from '../../src/journal/journal.ts';
import { verifyChain } from '../../src/evidence/verify.ts';
import { Redactor } from '../../src/common/redact.ts';
import { newJournal, scenario, tempDir } from './fixtures.ts';

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined, so equal data hashes equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"x":0,"z":1}]},"b":1}'
    );
    expect(hashEvent({ a: 1, b: 2 })).toBe(hashEvent({ b: 2, a: 1 }));
    expect(hashEvent({ a: 1 })).not.toBe(hashEvent({ a: 2 }));
  });
});

describe('Journal', () => {
  it('creates the file at once and appends one line per event, synchronously, as it happens', () => {
    const { journal, clock } = newJournal('rel-1');
    expect(journal.path).toMatch(/flow-release-rel-1\.journal\.jsonl$/);
    expect(readFileSync(journal.path, 'utf8')).toBe('');
    journal.append('warning', { status: 'warning', details: { message: 'one' } });
    expect(lines(journal.path)).toHaveLength(1);
    clock.advance(1500);
    const second = journal.append('warning', { stage: 'canary', status: 'warning', details: { message: 'two' } });
    expect(lines(journal.path)).toHaveLength(2);
    expect(second).toMatchObject({ seq: 2, at: '2026-01-01T00:00:01.500Z', type: 'warning', stage: 'canary' });
    const onDisk = parseJournal(readFileSync(journal.path, 'utf8'));
    expect(onDisk).toEqual(clone(journal.events));
    expect(onDisk[0]?.prevHash).toBe(GENESIS_HASH);
    expect(onDisk[1]?.prevHash).toBe(hashEvent(onDisk[0]));
  });

  it('records nothing after seal(): the story ends at release-finished even if work is still winding down', () => {
    const { journal } = newJournal('rel-seal');
    journal.append('release-finished', {
      status: 'error',
      details: {
        outcome: 'failed',
        durationMs: 1,
        published: [],
        api: { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 }
      }
    });
    const head = journal.headHash;
    journal.seal();
    journal.append('warning', { status: 'warning', details: { message: 'late' } });
    expect(journal.events.map((e) => e.type)).toEqual(['release-finished']);
    expect(lines(journal.path)).toHaveLength(1);
    expect(journal.headHash).toBe(head);
    expect(journal.dropped).toBe(1);
  });

  it('writes a chain that verifies, from memory and from disk', () => {
    const { journal } = scenario('rolled-back');
    const fromDisk = parseJournal(readFileSync(journal.path, 'utf8'));
    expect(fromDisk.map((e) => e.seq)).toEqual(fromDisk.map((_, i) => i + 1));
    const r1 = verifyChain(journal.events);
    const r2 = verifyChain(fromDisk);
    expect(r1).toEqual({ ok: true, count: fromDisk.length, headHash: journal.headHash });
    expect(r2).toEqual(r1);
  });

  it('stores plain JSON: errors become {name, message}, undefined fields vanish', () => {
    const { journal } = newJournal();
    const e = journal.append('error', {
      status: 'error',
      flow: undefined,
      details: { message: 'boom', error: new TypeError('bad thing') }
    });
    expect(e.details.error).toEqual({ name: 'TypeError', message: 'bad thing' });
    expect('flow' in e).toBe(false);
    expect(verifyChain(parseJournal(readFileSync(journal.path, 'utf8'))).ok).toBe(true);
  });

  it('continues the chain when reopened (resumed run / post step)', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const a = Journal.create({ dir, releaseId: 'r', clock, redactor: new Redactor() });
    a.append('warning', { status: 'warning', details: { message: 'first' } });
    const b = Journal.create({ dir, releaseId: 'r', clock, redactor: new Redactor() });
    const e = b.append('warning', { status: 'warning', details: { message: 'second' } });
    expect(e.seq).toBe(2);
    expect(verifyChain(parseJournal(readFileSync(b.path, 'utf8')))).toMatchObject({ ok: true, count: 2 });
  });

  it('keeps events in memory and records the error when the disk write fails', () => {
    const { journal } = newJournal();
    // Point the journal at a directory: appendFileSync fails with EISDIR.
    Object.defineProperty(journal, 'path', { value: tempDir() });
    const e = journal.append('warning', { status: 'warning', details: { message: 'x' } });
    expect(e.seq).toBe(1);
    expect(journal.events).toHaveLength(1);
    expect(journal.writeError?.message).toMatch(/EISDIR/);
  });
});

describe('tamper detection', () => {
  const events = () => clone(scenario('rolled-back').journal.events) as JournalEvent[];

  it('a changed detail breaks the link of the next event', () => {
    const list = events();
    (list[5]!.details as Record<string, unknown>).toVersion = '99.0';
    const r = verifyChain(list);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.seq).toBe(7);
      expect(r.message).toMatch(/^event seq 7: prevHash does not match the hash of event 6/);
    }
  });

  it('a deleted event is reported where the gap is', () => {
    const list = events();
    list.splice(5, 1); // remove seq 6
    const r = verifyChain(list);
    expect(r).toMatchObject({ ok: false, seq: 7 });
    if (!r.ok) expect(r.message).toContain('does not match the hash of event 5; seq 7 follows 5');
  });

  it('reordered events are detected', () => {
    const list = events();
    [list[3], list[4]] = [list[4]!, list[3]!];
    const r = verifyChain(list);
    expect(r).toMatchObject({ ok: false, seq: 5 });
  });

  it('a renumbered event whose hash chain still matches is caught by the seq check', () => {
    const list = events().slice(0, 1);
    list[0]!.seq = 2;
    expect(verifyChain(list)).toMatchObject({ ok: false, seq: 2, message: expect.stringContaining('expected seq 1') });
  });

  it('a changed last event is caught by the recorded head hash', () => {
    const { journal } = scenario('succeeded');
    const list = clone(journal.events) as JournalEvent[];
    (list.at(-1)!.details as Record<string, unknown>).outcome = 'failed';
    expect(verifyChain(list).ok).toBe(true); // nothing after it to break
    expect(verifyChain(list, journal.headHash)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/head hash/)
    });
  });

  it('the first event must start from 64 zeros', () => {
    const list = events();
    list[0]!.prevHash = 'f'.repeat(64);
    expect(verifyChain(list)).toMatchObject({ ok: false, seq: 1 });
  });
});

describe('redaction before hashing and writing', () => {
  const SECRET = 'sup3r-s3cret-value';
  const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.payload.signature';
  const run = () => {
    const redactor = new Redactor();
    redactor.addBasic('client-id-123', SECRET);
    redactor.add(TOKEN);
    const j = Journal.create({ dir: tempDir(), releaseId: 'rel-redact', clock: new FakeClock(), redactor });
    const basic = Buffer.from(`client-id-123:${SECRET}`).toString('base64');
    j.append('error', {
      status: 'error',
      flow: `flow ${SECRET}`,
      request: { method: 'GET', path: `/api/v2/flows?access_token=${TOKEN}` },
      details: {
        message: `failed with secret ${SECRET} and Authorization: Bearer ${TOKEN}; Basic ${basic}; ${encodeURIComponent(SECRET)}`,
        error: {
          upload: 'https://uploads.example.com/bucket/key.yaml?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA123',
          [SECRET]: 'key named like the secret'
        }
      }
    });
    return { j, basic };
  };

  it('no planted secret reaches memory or disk, and the chain covers the redacted bytes', () => {
    const { j, basic } = run();
    const disk = readFileSync(j.path, 'utf8');
    const mem = JSON.stringify(j.events);
    for (const text of [disk, mem]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encodeURIComponent(SECRET));
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(basic);
      expect(text).not.toContain('X-Amz-Signature');
      expect(text).not.toContain('AKIA123');
    }
    expect(disk).toContain('https://uploads.example.com/bucket/key.yaml?***');
    expect(disk).toContain('Bearer ***');
    expect(verifyChain(parseJournal(disk)).ok).toBe(true);
    expect(parseJournal(disk)[0]?.flow).toBe('flow ***');
  });
});

describe('end to end: no planted secret in any evidence output', () => {
  it('audit document, summary and outputs built from a journal fed secrets contain none of them', async () => {
    const { buildAuditDocument } = await import('../../src/evidence/audit.ts');
    const { buildSummary } = await import('../../src/evidence/summary.ts');
    const { computeOutputs } = await import('../../src/evidence/outputs.ts');
    const SECRET = 'Pl4nted-Secret-42';
    const redactor = new Redactor();
    redactor.addBasic('cid', SECRET);
    const j = Journal.create({ dir: tempDir(), releaseId: 'rel-leak', clock: new FakeClock(), redactor });
    const basic = Buffer.from(`cid:${SECRET}`).toString('base64');
    j.append('publish-failed', {
      flow: `IVR ${SECRET}`,
      stage: 's',
      status: 'error',
      details: { error: `401 with Basic ${basic}`, messages: [`client_secret=${encodeURIComponent(SECRET)}`, SECRET] }
    });
    j.append('error', { status: 'error', details: { message: `upload to https://u.test/k?sig=${SECRET}` } });
    const produced = [
      readFileSync(j.path, 'utf8'),
      JSON.stringify(buildAuditDocument(j.events)),
      buildSummary(j.events),
      JSON.stringify(computeOutputs(j.events, { auditLogPath: 'a.json' }))
    ].join('\n');
    for (const s of [SECRET, basic, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64')]) {
      expect(produced).not.toContain(s);
    }
  });
});
