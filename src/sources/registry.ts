// The flow sources, one line each. A spec whose source is not listed is a typed error, never treated as another kind.
import type { FlowSpec } from '../manifest/types.ts';
import { draftSource } from './draft.ts';
import { fileSource } from './file.ts';
import type { FlowSource } from './source.ts';

type Registry = { [K in FlowSpec['source']]: FlowSource<Extract<FlowSpec, { source: K }>> };

const SOURCES: Registry = {
  file: fileSource,
  draft: draftSource
};

export class UnknownFlowSourceError extends Error {
  readonly flow: string;
  readonly source: string;
  constructor(flow: string, source: string) {
    super(
      `Flow "${flow}" has source "${source}", which this version of Flow Release does not know (known: ${Object.keys(SOURCES).join(', ')}).`
    );
    this.name = 'UnknownFlowSourceError';
    this.flow = flow;
    this.source = source;
  }
}

/** The source of a flow spec; throws UnknownFlowSourceError for a kind not in the registry. */
export function sourceOf<S extends FlowSpec>(spec: S): FlowSource<S> {
  const kind: string = spec.source;
  if (!Object.hasOwn(SOURCES, kind)) throw new UnknownFlowSourceError(spec.name, kind);
  return SOURCES[kind as FlowSpec['source']] as unknown as FlowSource<S>;
}
