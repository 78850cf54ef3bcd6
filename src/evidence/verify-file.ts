// Verifies an audit document (schema + hash chain + head hash) or a raw journal (.jsonl, hash chain only). Uses ajv,
// so only the verify script and tests import it: the bundled action never does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import type { AuditDocument } from './audit.ts';
import { parseJournal } from '../journal/journal.ts';
import { verifyChain } from './verify.ts';

export const AUDIT_SCHEMA_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'schema',
  'audit.schema.json'
);

// ajv-formats is CommonJS; under Node's ESM interop the default import is module.exports, which also has `.default`.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  formatsModule) as unknown as FormatsPlugin;

let compiled: ValidateFunction | undefined;

export function auditValidator(schemaPath = AUDIT_SCHEMA_PATH): ValidateFunction {
  if (compiled && schemaPath === AUDIT_SCHEMA_PATH) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  if (schemaPath === AUDIT_SCHEMA_PATH) compiled = validate;
  return validate;
}

export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined, max = 10): string[] {
  return (errors ?? [])
    .slice(0, max)
    .map((e) => `${e.instancePath || '(document)'} ${e.message ?? 'is invalid'}${paramsText(e)}`);
}

function paramsText(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (typeof p.additionalProperty === 'string') return `: ${p.additionalProperty}`;
  if (Array.isArray(p.allowedValues)) return `: ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return '';
}

export interface VerifyReport {
  /** 0 valid, 1 invalid (schema or chain), 2 unreadable or not JSON. */
  exitCode: 0 | 1 | 2;
  kind: 'audit' | 'journal' | 'unknown';
  events: number;
  lines: string[];
}

/** Checks an audit document object: schema, then the chain, then the document's recorded head hash and count. */
export function verifyAuditDocument(doc: unknown): VerifyReport {
  const validate = auditValidator();
  const lines: string[] = [];
  const events = Array.isArray((doc as AuditDocument | null)?.events) ? (doc as AuditDocument).events : [];
  if (!validate(doc)) {
    lines.push('schema: the document does not match schema/audit.schema.json:', ...formatSchemaErrors(validate.errors));
    return { exitCode: 1, kind: 'audit', events: events.length, lines };
  }
  const d = doc as AuditDocument;
  const chain = verifyChain(d.events, d.chain.headHash);
  if (!chain.ok) return { exitCode: 1, kind: 'audit', events: d.events.length, lines: [`chain: ${chain.message}`] };
  if (d.chain.events !== d.events.length) {
    return {
      exitCode: 1,
      kind: 'audit',
      events: d.events.length,
      lines: [`chain: the document records ${d.chain.events} events but holds ${d.events.length}`]
    };
  }
  return {
    exitCode: 0,
    kind: 'audit',
    events: d.events.length,
    lines: [
      `OK: audit document ${d.releaseId}, ${d.events.length} events, head ${chain.headHash}`,
      ...incomplete(d.events)
    ]
  };
}

/**
 * A valid chain can still be a story without its end: a run killed (kill -9, a runner lost) or still running leaves
 * no `release-finished` event. Said on its own line, so "OK" is never mistaken for "the run finished".
 */
export function incomplete(events: readonly { type: string; seq: number }[]): string[] {
  if (events.some((e) => e.type === 'release-finished')) return [];
  const last = events.at(-1);
  return [
    `INCOMPLETE: no release-finished event — the run was killed or is still running; its story ends at ` +
      (last ? `event ${last.seq} (${last.type})` : 'the start') +
      '. Its outcome is unknown: the org may hold changes it did not report (the next run recovers them from the ledger).'
  ];
}

export function verifyJournalText(text: string): VerifyReport {
  let events;
  try {
    events = parseJournal(text);
  } catch (e) {
    return { exitCode: 2, kind: 'journal', events: 0, lines: [(e as Error).message] };
  }
  const chain = verifyChain(events);
  if (!chain.ok) return { exitCode: 1, kind: 'journal', events: events.length, lines: [`chain: ${chain.message}`] };
  return {
    exitCode: 0,
    kind: 'journal',
    events: events.length,
    lines: [`OK: journal, ${events.length} events, head ${chain.headHash}`, ...incomplete(events)]
  };
}

/** Reads `path` and verifies it: a `.jsonl` file (or text that is several JSON lines) is treated as a journal. */
export function verifyFile(path: string): VerifyReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      exitCode: 2,
      kind: 'unknown',
      events: 0,
      lines: [
        `cannot read ${path}${code ? ` (${code})` : ''}: pass the path of a flow-release audit .json or journal .jsonl`
      ]
    };
  }
  if (path.endsWith('.jsonl')) return verifyJournalText(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Not one JSON value: maybe a journal under another name.
    const lines = text.split('\n').filter((l) => l.trim());
    if (lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{'))) return verifyJournalText(text);
    return {
      exitCode: 2,
      kind: 'unknown',
      events: 0,
      lines: [`${path} is not JSON (${(e as Error).message}): expected an audit document or a journal .jsonl`]
    };
  }
  // A one-line journal parses as a single event object.
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'prevHash' in doc && 'seq' in doc) {
    return verifyJournalText(text);
  }
  return verifyAuditDocument(doc);
}
