// One line that says what went wrong, shared by the engine and the check kinds so both describe an API failure alike.
import { isGenesysError } from '../genesys/errors.ts';

/** One line that says what went wrong, with the Genesys code/details that a bare 400 message omits. */
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
