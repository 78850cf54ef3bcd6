// What every part of the engine shares during one run: collaborators, the manifest, and small helpers for
// cancellation and error text.
import type { Clock } from '../clock.ts';
import type { EventStatus } from '../domain/types.ts';
import type { JournalSink } from '../journal/events.ts';
import type { GenesysApi } from '../genesys/api.ts';
import { isGenesysError } from '../genesys/errors.ts';
import type { Logger } from '../log.ts';
import type { ReleaseManifest } from '../manifest/types.ts';
import type { HttpGet } from './types.ts';

export interface EngineContext {
  api: GenesysApi;
  journal: JournalSink;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  httpGet: HttpGet;
  manifest: ReleaseManifest;
  releaseId: string;
}

/** Thrown (internally) when the run was cancelled; never escapes runRelease. */
export class CancelledError extends Error {
  constructor(reason: string) {
    super(`Cancelled: ${reason}`);
    this.name = 'CancelledError';
  }
}

export function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'aborted';
}

/** Call before every mutation: a cancelled run starts nothing new. */
export function throwIfCancelled(ctx: EngineContext): void {
  if (ctx.signal?.aborted) throw new CancelledError(abortReason(ctx.signal));
}

export function isCancellation(ctx: EngineContext, e: unknown): boolean {
  return e instanceof CancelledError || (ctx.signal?.aborted === true && e === ctx.signal.reason);
}

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

export function isNotFound(e: unknown): boolean {
  return isGenesysError(e) && e.kind === 'http' && e.status === 404;
}

export function logByStatus(ctx: EngineContext, status: EventStatus, message: string): void {
  if (status === 'error') ctx.log.error(message);
  else if (status === 'warning') ctx.log.warning(message);
  else ctx.log.info(message);
}

/** Flow.type comes back UPPERCASE, the manifest spells it lowercase. */
export function sameType(flowType: string | undefined, type: string): boolean {
  return (flowType ?? '').toLowerCase() === type.toLowerCase();
}
