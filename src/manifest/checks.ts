// The `checks:` of the manifest, each validated by its kind (src/checks/registry.ts): the kind's schema, its spec
// with its defaults, and its references to the rest of the manifest.
import { checkKindNames, findCheckKind } from '../checks/registry.ts';
import type { CheckSpec, CheckValidation } from '../checks/types.ts';
import { describe } from '../fields/duration.ts';
import type { PathSegment } from '../fields/issues.ts';
import { closest } from '../fields/suggest.ts';
import type { FlowTable } from './flows.ts';
import { reportZod, unknownName } from './issues.ts';
import { isRecord, type Loading } from './loading.ts';

export interface CheckTable {
  /** Every name under `checks:`, valid or not (a stage may refer to any of them). */
  names: string[];
  specs: Record<string, CheckSpec>;
}

export function validateChecks(m: Loading, flows: FlowTable): CheckTable {
  const t: CheckTable = { names: [], specs: {} };
  if (!isRecord(m.root.checks)) return t;
  t.names = Object.keys(m.root.checks);
  for (const [name, item] of Object.entries(m.root.checks)) {
    const spec = validateCheck(m, flows, name, item);
    if (spec) t.specs[name] = spec;
  }
  return t;
}

function validateCheck(m: Loading, flows: FlowTable, name: string, item: unknown): CheckSpec | undefined {
  const base: PathSegment[] = ['checks', name];
  const kinds = checkKindNames();
  if (!isRecord(item)) {
    m.add(
      base,
      `check '${name}' must be a mapping, got ${describe(item)}`,
      `give it a kind: ${kinds.join(' | ')} and its settings`
    );
    return undefined;
  }
  const kind = typeof item.kind === 'string' ? findCheckKind(item.kind) : undefined;
  if (!kind) {
    const hint = typeof item.kind === 'string' ? closest(item.kind, kinds) : undefined;
    m.add(
      item.kind === undefined ? base : [...base, 'kind'],
      item.kind === undefined ? `check '${name}' has no kind` : `unknown check kind ${describe(item.kind)}`,
      `${hint ? `did you mean '${hint}'? ` : ''}kind is one of ${kinds.join(', ')}`
    );
    return undefined;
  }
  const r = kind.schema.safeParse(item, { reportInput: true });
  if (!r.success) {
    reportZod(r.error, base, kind.schema, m.add);
    return undefined;
  }
  const spec = kind.toSpec(name, r.data);
  return kind.validate ? kind.validate(spec, view(m, flows, base)) : spec;
}

/** The rest of the manifest as a check kind sees it while it validates one check. */
function view(m: Loading, flows: FlowTable, base: PathSegment[]): CheckValidation {
  const valid = new Map(flows.valid.map((f) => [f.name, f]));
  return {
    path: base,
    builtins: m.opts.builtins,
    report: (field, message, fix) => m.add([...base, ...field], message, fix),
    flow: (field, flowName) => {
      const f = valid.get(flowName);
      if (f) return { name: f.name, type: f.type };
      if (!flows.index.has(flowName) && !flows.broken.has(flowName))
        unknownName(m.add, [...base, ...field], 'flow', flowName, [...flows.index.keys()]);
      return undefined;
    }
  };
}
