// The `stages:` of the manifest: each stage's shape, distinct names, every flow in exactly one stage, every
// referenced check defined. Defaults are applied later (defaults.ts), once every stage validated.
import type { FlowTable } from './flows.ts';
import { itemIndex } from './flows.ts';
import { reportZod, unknownName } from './issues.ts';
import { isRecord, type Loading } from './loading.ts';
import { stageSchema, type RawStage } from './schema.ts';

/** The stages that validated; undefined when the manifest has no `stages:` (one stage with every flow). */
export function validateStages(m: Loading, flows: FlowTable, checkNames: string[]): RawStage[] | undefined {
  if (m.root.stages === undefined) return undefined;
  const stages: RawStage[] = [];
  if (!Array.isArray(m.root.stages)) return stages;
  const placed = new Map<string, string>();
  const stageNames = new Map<string, number>();
  const refs = (i: number, stageName: string, stageFlows: unknown, stageChecks: unknown): void => {
    flowRefs(m, flows, placed, i, stageName, stageFlows);
    checkRefs(m, checkNames, i, stageChecks);
  };
  m.root.stages.forEach((item, i) => {
    const r = stageSchema.safeParse(item, { reportInput: true });
    if (!r.success) {
      reportZod(r.error, ['stages', i], stageSchema, m.add);
      // References are checked even in a stage whose shape is broken, so one bad `bake:` doesn't hide a bad name.
      if (isRecord(item)) refs(i, typeof item.name === 'string' ? item.name : '', item.flows, item.checks);
      return;
    }
    const s = r.data;
    if (stageNames.has(s.name)) {
      m.add(
        ['stages', i, 'name'],
        `duplicate stage name '${s.name}' (also stages[${stageNames.get(s.name)}])`,
        'give every stage a distinct name'
      );
    } else stageNames.set(s.name, i);
    refs(i, s.name, s.flows, s.checks);
    stages.push(s);
  });
  unplacedFlows(m, flows, placed);
  return stages;
}

/** Every flow name of stage `i` names a flow of the manifest that no earlier stage holds. */
function flowRefs(
  m: Loading,
  flows: FlowTable,
  placed: Map<string, string>,
  i: number,
  stageName: string,
  stageFlows: unknown
): void {
  if (!Array.isArray(stageFlows)) return;
  stageFlows.forEach((raw, j) => {
    if (typeof raw !== 'string') return;
    const f = raw.trim();
    if (!flows.index.has(f)) {
      if (!flows.broken.has(f)) unknownName(m.add, ['stages', i, 'flows', j], 'flow', f, [...flows.index.keys()]);
      return;
    }
    const prev = placed.get(f);
    if (prev !== undefined) {
      m.add(['stages', i, 'flows', j], `flow '${f}' is already in ${prev}`, 'list every flow in exactly one stage');
      return;
    }
    placed.set(f, `stages[${i}]${stageName ? ` '${stageName}'` : ''}`);
  });
}

function checkRefs(m: Loading, checkNames: string[], i: number, stageChecks: unknown): void {
  if (!Array.isArray(stageChecks)) return;
  stageChecks.forEach((c, j) => {
    if (typeof c === 'string' && !checkNames.includes(c.trim())) {
      unknownName(m.add, ['stages', i, 'checks', j], 'check', c.trim(), checkNames, 'define it under checks:');
    }
  });
}

/** A flow that parsed but is in no stage (reported once, at its first item). */
function unplacedFlows(m: Loading, flows: FlowTable, placed: Map<string, string>): void {
  flows.items.forEach((item, i) => {
    if (!isRecord(item) || typeof item.name !== 'string') return;
    const n = item.name.trim();
    if (flows.index.get(n) !== undefined && !placed.has(n) && itemIndex(flows, n) === i) {
      m.add(['flows', i, 'name'], `flow '${n}' is not in any stage`, `add '${n}' to the flows of one stage`);
    }
  });
}
