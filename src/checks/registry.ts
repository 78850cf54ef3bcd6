// The check kinds this action knows: one line per built-in kind. The manifest loader, the bake's round runner, the
// summary and the audit find a kind here by its `kind:` name. Kinds can also be registered at run time (a plug-in,
// a test), and removed again.
import { analyticsCheck } from './kinds/analytics.ts';
import { executionCheck } from './kinds/execution.ts';
import { httpCheck } from './kinds/http.ts';
import type { CheckKind, CheckSpec } from './types.ts';

const kinds = new Map<string, CheckKind>();

/** Adds a kind; returns a function that removes it again. A kind name can be registered once. */
export function registerCheckKind<S extends CheckSpec, Y>(kind: CheckKind<S, Y>): () => void {
  if (kinds.has(kind.kind)) throw new Error(`check kind '${kind.kind}' is already registered`);
  kinds.set(kind.kind, kind);
  return () => unregisterCheckKind(kind.kind);
}

export function unregisterCheckKind(name: string): boolean {
  return kinds.delete(name);
}

export function findCheckKind(name: string): CheckKind | undefined {
  return kinds.get(name);
}

/** The registered kind names, built-ins first, in registration order (for "kind is one of ..."). */
export function checkKindNames(): string[] {
  return [...kinds.keys()];
}

/** The built-in kinds, one line each. */
const BUILT_IN = [executionCheck, analyticsCheck, httpCheck] as const;

/** The spec of any built-in kind (for code and tests that build specs by hand). */
export type KnownCheckSpec = ReturnType<(typeof BUILT_IN)[number]['toSpec']>;

for (const kind of BUILT_IN) registerCheckKind<CheckSpec, unknown>(kind);
