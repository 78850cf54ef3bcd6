// Where a problem is in a YAML document, as the loader and the check kinds name it: a path of keys and list indexes.

/** One step into a YAML document: a mapping key or a list index. */
export type PathSegment = string | number;

/** Reports a problem at a field path, with how to fix it; `key` points at the key rather than its value. */
export type IssueSink = (path: PathSegment[], message: string, fix: string, opts?: { key?: boolean }) => void;
