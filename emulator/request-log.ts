// Every request the emulator served (admin calls excluded), in order: what tests and the fault suite count.
import { templateOf } from './http.ts';
import type { Ctx, Route } from './http.ts';
import { iso } from './model.ts';

export interface RequestRecord {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  /** `METHOD /template` with ids templated, e.g. `GET /api/v2/flows/{id}`. */
  key: string;
  status: number;
  /** The call changes the org (jobs, uploads, publish, unlock, delete, executions). */
  mutating: boolean;
  correlationId: string;
  /** Set when the connection was dropped instead of answered. */
  reset?: boolean;
}

export class RequestLog {
  private records: RequestRecord[] = [];
  private seq = 0;

  /** Records a request as it arrives; its status is filled in when it is answered. */
  add(ctx: Ctx, search: string, route: Route | undefined): RequestRecord {
    const record: RequestRecord = {
      seq: ++this.seq,
      at: iso(ctx.now),
      method: ctx.method,
      path: ctx.path,
      query: search,
      key: `${ctx.method} ${route?.template ?? templateOf(ctx.path)}`,
      status: 0,
      mutating: route?.mutating ?? false,
      correlationId: ctx.correlationId
    };
    this.records.push(record);
    return record;
  }

  /** The live list (the admin API serialises it as is). */
  all(): RequestRecord[] {
    return this.records;
  }

  mutating(): RequestRecord[] {
    return this.records.filter((r) => r.mutating);
  }

  /** Requests by `METHOD /template`. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) out[r.key] = (out[r.key] ?? 0) + 1;
    return out;
  }

  /** Forgets the requests so far (sequence numbers keep counting). */
  reset(): void {
    this.records = [];
  }
}
