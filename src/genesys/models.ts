// zod schemas for every Genesys Cloud response the action reads, checked at the boundary (see ../shared/genesys-api.md
// and the SDK's index.d.ts). Objects are passthrough-tolerant (unknown fields are kept out of the parsed value but do
// not fail), enums are strict: an enum value we do not know is a typed error, never a silent success.
import { z } from 'zod';

// The flow types and their Archy keys: one table, in flow-types.ts.
export { FLOW_TYPES, type FlowType } from './flow-types.ts';

export const JobStatus = z.enum(['Registered', 'Started', 'Success', 'Failure']);
export type JobStatus = z.infer<typeof JobStatus>;

export const OperationActionName = z.enum([
  'CREATE',
  'CHECKIN',
  'CHECKOUT',
  'DEBUG',
  'DELETE',
  'HISTORY',
  'PUBLISH',
  'REVERT',
  'SAVE',
  'STATE_CHANGE',
  'UPDATE',
  'VALIDATE'
]);
export const OperationActionStatus = z.enum([
  'LOCKED',
  'UNLOCKED',
  'STARTED',
  'PENDING_GENERATION',
  'PENDING_BACKEND_NOTIFICATION',
  'SUCCESS',
  'FAILURE'
]);

export const EntityRef = z.object({ id: z.string(), name: z.string().optional(), selfUri: z.string().optional() });

export const FlowVersion = z.object({
  id: z.string(),
  name: z.string().optional(),
  type: z.enum(['PUBLISH', 'CHECKIN', 'SAVE']).optional(),
  commitVersion: z.string().optional(),
  configurationVersion: z.string().optional(),
  datePublished: z.string().optional(),
  datePublishedEnd: z.string().optional(),
  dateCreated: z.number().optional(),
  dateCheckedIn: z.number().optional(),
  createdBy: EntityRef.optional(),
  /** The OAuth client that made the version (a publish through the API): who published it, for recovery reports. */
  createdByClient: EntityRef.optional(),
  secure: z.boolean().optional(),
  debug: z.boolean().optional()
});
export type FlowVersion = z.infer<typeof FlowVersion>;

export const Operation = z.object({
  id: z.string().optional(),
  complete: z.boolean().optional(),
  actionName: OperationActionName.optional(),
  actionStatus: OperationActionStatus.optional(),
  errorMessage: z.string().optional(),
  errorCode: z.string().optional(),
  errorDetails: z.array(z.record(z.string(), z.unknown())).optional(),
  user: EntityRef.optional()
});
export type Operation = z.infer<typeof Operation>;

export const Flow = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string().optional(), // UPPERCASE in responses, e.g. INBOUNDCALL
  description: z.string().optional(),
  division: EntityRef.optional(),
  active: z.boolean().optional(),
  deleted: z.boolean().optional(),
  system: z.boolean().optional(),
  lockedUser: EntityRef.optional(),
  lockedClient: EntityRef.optional(),
  publishedVersion: FlowVersion.optional(),
  checkedInVersion: FlowVersion.optional(),
  savedVersion: FlowVersion.optional(),
  publishedBy: EntityRef.optional(),
  currentOperation: Operation.optional()
});
export type Flow = z.infer<typeof Flow>;

/** GET /api/v2/organizations/me: the org the credentials belong to. Its id keys the release ledger (src/ledger). */
export const Organization = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  domain: z.string().optional(),
  state: z.string().optional()
});
export type Organization = z.infer<typeof Organization>;

export const Paged = <T extends z.ZodType>(item: T) =>
  z.object({
    entities: z.array(item),
    pageNumber: z.number().optional(),
    pageSize: z.number().optional(),
    total: z.number().optional(),
    pageCount: z.number().optional()
  });

export const ArchitectJobMessage = z.object({
  dateTime: z.string().optional(),
  type: z.enum(['Error', 'Warning']).optional(),
  text: z.string().optional(),
  details: z.array(z.unknown()).optional()
});
export type ArchitectJobMessage = z.infer<typeof ArchitectJobMessage>;

export const RegisterArchitectJobResponse = z.object({
  id: z.string(),
  presignedUrl: z.string(),
  headers: z.record(z.string(), z.string()).default({})
});
export type RegisterArchitectJobResponse = z.infer<typeof RegisterArchitectJobResponse>;

export const ArchitectJobStateResponse = z.object({
  id: z.string(),
  status: JobStatus,
  command: z.enum(['Publish', 'Create', 'Update', 'Export', 'Validate']).optional(),
  flow: EntityRef.optional(),
  messages: z.array(ArchitectJobMessage).optional()
});
export type ArchitectJobStateResponse = z.infer<typeof ArchitectJobStateResponse>;

export const RegisterJobResponse = z.object({
  id: z.string(),
  status: JobStatus.optional(),
  totalFlows: z.number().optional()
});
export type RegisterJobResponse = z.infer<typeof RegisterJobResponse>;

export const ExportJobStateResponse = z.object({
  id: z.string(),
  status: JobStatus,
  command: z.string().optional(),
  downloadUrl: z.string().optional(),
  messages: z.array(ArchitectJobMessage).optional()
});
export type ExportJobStateResponse = z.infer<typeof ExportJobStateResponse>;

export const ValidateJobStateResponse = z.object({
  id: z.string(),
  status: JobStatus,
  command: z.string().optional(),
  messages: z.array(ArchitectJobMessage).optional()
});
export type ValidateJobStateResponse = z.infer<typeof ValidateJobStateResponse>;

export const FlowExecutionLaunchResponse = z.object({
  id: z.string(),
  name: z.string().optional(),
  flowVersion: EntityRef.optional()
});
export type FlowExecutionLaunchResponse = z.infer<typeof FlowExecutionLaunchResponse>;

export const ExecutionStatus = z.enum(['UNKNOWN', 'RUNNING', 'ERROR', 'TERMINATED', 'COMPLETED', 'FAILED']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const ErrorBody = z.object({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
  messageWithParams: z.string().optional(),
  messageParams: z.record(z.string(), z.string()).optional(),
  contextId: z.string().optional(),
  details: z.array(z.record(z.string(), z.unknown())).optional(),
  errors: z.array(z.unknown()).optional()
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const FlowRuntimeExecution = z.object({
  id: z.string(),
  name: z.string().optional(),
  flowVersion: z.object({ id: z.string() }).passthrough().optional(),
  dateLaunched: z.string().optional(),
  status: ExecutionStatus,
  dateCompleted: z.string().optional(),
  completionReason: z.string().optional(),
  flowErrorInfo: ErrorBody.optional(),
  outputData: z.record(z.string(), z.unknown()).optional()
});
export type FlowRuntimeExecution = z.infer<typeof FlowRuntimeExecution>;

export const FLOW_METRICS = [
  'nFlow',
  'nFlowMilestone',
  'nFlowOutcome',
  'nFlowOutcomeFailed',
  'oFlowMilestone',
  'tFlow',
  'tFlowDisconnect',
  'tFlowExit',
  'tFlowOutcome'
] as const;
export type FlowMetric = (typeof FLOW_METRICS)[number];

export interface FlowAggregationQuery {
  interval: string; // "start/end" ISO-8601
  granularity?: string;
  groupBy?: string[];
  filter: { type: 'and' | 'or'; predicates: { dimension: string; value: string }[] };
  metrics: FlowMetric[];
}

export const AggregateStats = z.object({
  count: z.number().optional(),
  sum: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional()
});

export const FlowAggregateQueryResponse = z.object({
  results: z
    .array(
      z.object({
        group: z.record(z.string(), z.string()).optional(),
        data: z
          .array(
            z.object({
              interval: z.string(),
              metrics: z.array(z.object({ metric: z.enum(FLOW_METRICS), stats: AggregateStats }))
            })
          )
          .optional()
      })
    )
    .optional()
});
export type FlowAggregateQueryResponse = z.infer<typeof FlowAggregateQueryResponse>;

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number()
});
export type TokenResponse = z.infer<typeof TokenResponse>;
