// The `flows:` of the manifest: each item's shape and rules (file xor draft, substitutions), names unique; then each
// file flow's file read, substituted and checked as Archy (flow-file.ts).
import path from 'node:path';
import type { FlowType } from '../genesys/models.ts';
import { RENAMED_FLOW_TYPES } from '../genesys/flow-types.ts';
import { DEFAULTS } from './defaults.ts';
import { loadFlowFile } from './flow-file.ts';
import { reportZod } from './issues.ts';
import { isRecord, toPosix, type Loading } from './loading.ts';
import { flowSchema, type RawFlow } from './schema.ts';
import type { FlowSpec } from './types.ts';
import { formatPath, locate } from './yaml-source.ts';

/** The flows of the manifest as the later phases need them. */
export interface FlowTable {
  /** The raw `flows:` items. */
  items: unknown[];
  /** The flows that validated, in manifest order. */
  valid: RawFlow[];
  /** Every name whose item parsed (valid or not) → its position among the valid flows. */
  index: Map<string, number>;
  /** Names of flows that are invalid: references to them are not reported again. */
  broken: Set<string>;
}

export function validateFlows(m: Loading): FlowTable {
  const items = Array.isArray(m.root.flows) ? m.root.flows : [];
  const t: FlowTable = { items, valid: [], index: new Map(), broken: new Set() };
  items.forEach((item, i) => {
    const renamed = renamedType(m, item, i);
    const r = flowSchema.safeParse(renamed ? { ...(item as object), type: renamed } : item, { reportInput: true });
    if (!r.success || renamed) {
      if (!r.success) reportZod(r.error, ['flows', i], flowSchema, m.add);
      if (isRecord(item) && typeof item.name === 'string') t.broken.add(item.name.trim());
      return;
    }
    const f = r.data;
    const ok = flowRules(m, f, i);
    if (t.index.has(f.name)) {
      m.add(
        ['flows', i, 'name'],
        `duplicate flow name '${f.name}' (also flows[${t.index.get(f.name)}])`,
        'each flow appears once; stages refer to flows by name'
      );
      return;
    }
    t.index.set(f.name, t.valid.length);
    if (ok) t.valid.push(f);
    else t.broken.add(f.name);
  });
  return t;
}

/**
 * A `type:` the manifest once accepted under another name (`inqueueemailflow`): one issue saying what to write now,
 * never a silent alias. Returns the new name so the rest of the item is still checked.
 */
function renamedType(m: Loading, item: unknown, i: number): string | undefined {
  if (!isRecord(item) || typeof item.type !== 'string' || !Object.hasOwn(RENAMED_FLOW_TYPES, item.type))
    return undefined;
  const now = RENAMED_FLOW_TYPES[item.type];
  m.add(
    ['flows', i, 'type'],
    `type ${item.type} is now ${now}`,
    `write type: ${now} (the API's type filter value; ${item.type.toUpperCase()} is only a dependency-tracking type)`
  );
  return now;
}

/** The rules zod cannot express for one flow; false when one is broken. */
function flowRules(m: Loading, f: RawFlow, i: number): boolean {
  let ok = true;
  if (f.file !== undefined && f.source === 'draft') {
    m.add(
      ['flows', i, 'source'],
      `flow '${f.name}' has both file: and source: draft`,
      'use file: to publish a YAML file, or source: draft (without file:) to promote the checked-in draft'
    );
    ok = false;
  } else if (f.file === undefined && f.source !== 'draft') {
    m.add(
      ['flows', i],
      `flow '${f.name}' needs either file: <path> or source: draft`,
      'add file: flows/<name>.yaml (Archy YAML in this repository), or source: draft'
    );
    ok = false;
  }
  if (f.substitutions && f.file === undefined) {
    m.add(
      ['flows', i, 'substitutions'],
      `flow '${f.name}': substitutions only apply to file flows`,
      'remove substitutions, or publish from a file'
    );
    ok = false;
  }
  for (const [k, v] of Object.entries(f.substitutions ?? {})) {
    if (/[\r\n]/.test(v)) {
      m.add(
        ['flows', i, 'substitutions', k],
        `substitution '${k}' contains a line break`,
        'substitution values are single-line (a line break would change the YAML structure of the flow file)'
      );
      ok = false;
    }
  }
  return ok;
}

/** The position of the first item named `name` (for issues about a flow found by name). */
export function itemIndex(t: FlowTable, name: string): number {
  return t.items.findIndex((x) => isRecord(x) && typeof x.name === 'string' && x.name.trim() === name);
}

/** Flow files: existence, confinement, placeholders, size, Archy type key and name. */
export async function resolveFlows(m: Loading, t: FlowTable): Promise<FlowSpec[]> {
  const specs: FlowSpec[] = [];
  for (const f of t.valid) {
    const forceUnlock = f['force-unlock'] ?? DEFAULTS.forceUnlock;
    if (f.file === undefined) {
      specs.push({ name: f.name, type: f.type, source: 'draft', forceUnlock });
      continue;
    }
    const refPath = ['flows', itemIndex(t, f.name), 'file'];
    const fileAbs = path.resolve(m.workspace, f.file);
    const rel = path.relative(m.workspace, fileAbs);
    const substitutions = f.substitutions ?? {};
    const r = await loadFlowFile({
      workspace: m.workspace,
      file: f.file,
      displayFile: rel.startsWith('..') || path.isAbsolute(rel) ? f.file : toPosix(rel),
      flowName: f.name,
      flowType: f.type as FlowType,
      substitutions,
      manifestFile: m.display,
      manifestRef: { ...locate(m.parsed, refPath), path: formatPath(refPath) }
    });
    m.issues.push(...r.issues);
    if (r.content !== undefined && r.contentHash !== undefined) {
      const { content, contentHash } = r;
      specs.push({
        name: f.name,
        type: f.type,
        source: 'file',
        file: f.file,
        content,
        contentHash,
        substitutions,
        forceUnlock
      });
    }
  }
  return specs;
}
