// One typed error for everything that can go wrong talking to Genesys Cloud. Messages never contain secrets.

export type GenesysErrorKind =
  | 'http' // a non-2xx response (status, code, details from the Genesys error body)
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // the per-request timeout fired
  | 'shape' // a 2xx whose body is not JSON, not the expected shape, or has an unknown enum value
  | 'auth' // the token request failed (invalid_client, ...)
  | 'budget' // the retry/time budget would be exceeded (e.g. Retry-After longer than what is left)
  | 'config'; // bad region, bad base URL, refused insecure URL

export interface GenesysErrorInit {
  kind: GenesysErrorKind;
  message: string;
  method?: string;
  path?: string;
  status?: number;
  code?: string;
  details?: unknown[];
  errors?: unknown[];
  contextId?: string;
  correlationId?: string;
  /** A mutating request that may or may not have taken effect (sent, then the connection died or a 504). */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

export class GenesysError extends Error {
  readonly kind: GenesysErrorKind;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly code?: string;
  readonly details?: unknown[];
  readonly errors?: unknown[];
  readonly contextId?: string;
  readonly correlationId?: string;
  readonly outcomeUnknown: boolean;

  constructor(init: GenesysErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GenesysError';
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.errors = init.errors;
    this.contextId = init.contextId;
    this.correlationId = init.correlationId;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** A copy with some fields changed, e.g. the message with a fix-it hint appended. */
  with(changes: Partial<GenesysErrorInit>): GenesysError {
    return new GenesysError({
      kind: this.kind,
      message: this.message,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      details: this.details,
      errors: this.errors,
      contextId: this.contextId,
      correlationId: this.correlationId,
      outcomeUnknown: this.outcomeUnknown,
      cause: this.cause,
      ...changes
    });
  }

  /** A JSON-safe summary for the journal. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      details: this.details,
      errors: this.errors,
      contextId: this.contextId,
      correlationId: this.correlationId,
      outcomeUnknown: this.outcomeUnknown || undefined
    };
  }
}

export function isGenesysError(e: unknown): e is GenesysError {
  return e instanceof GenesysError;
}

/** One line that says what went wrong (shared by the engine and the check kinds), with the Genesys code/details that a bare 400 message omits. */
export function errorText(e: unknown): string {
  if (isGenesysError(e)) {
    const parts = [e.message];
    if (e.method && e.path && !e.message.includes(e.path)) parts.push(`(${e.method} ${e.path})`);
    if (e.code && !e.message.includes(e.code)) parts.push(`code ${e.code}`);
    if (e.details?.length) parts.push(`details ${JSON.stringify(e.details)}`);
    if (e.errors?.length) parts.push(`errors ${JSON.stringify(e.errors)}`);
    if (e.correlationId) parts.push(`correlation id ${e.correlationId}`);
    return parts.join('; ');
  }
  return e instanceof Error ? e.message : String(e);
}
