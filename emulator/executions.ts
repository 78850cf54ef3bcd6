// Flow executions: workflows launched through the API run for `latency.executionMs` and then complete with their
// output variables (inputs echoed, literal initial values otherwise, plus the scenario's extra output) or fail.
import { randomUUID } from 'node:crypto';
import { ApiError, iso } from './model.ts';
import type { FlowRecord, VersionRecord } from './model.ts';
import type { Org } from './org.ts';

export interface Execution {
  id: string;
  name: string;
  flowId: string;
  flowVersion: string;
  launchedAt: number;
  completesAt: number;
  outcome: { status: 'COMPLETED'; outputData: Record<string, unknown> } | { status: 'FAILED'; message: string };
}

export interface LaunchRequest {
  flowId: string;
  flowVersion?: string;
  inputData?: Record<string, unknown>;
  name?: string;
}

/** The version a launch runs, after the checks the API makes (workflow only, existing version, declared inputs). */
function launchableVersion(flow: FlowRecord, req: LaunchRequest): VersionRecord {
  if (flow.type !== 'workflow') {
    throw new ApiError(
      400,
      'bad.request',
      `Flow '${flow.name}' is of type ${flow.type.toUpperCase()}; only WORKFLOW flows can be launched through the API.`,
      [{ errorCode: 'flow.type.not.launchable', entityId: flow.id }]
    );
  }
  const versionId = req.flowVersion ?? flow.publishedVersionId;
  if (versionId === undefined) {
    throw new ApiError(400, 'bad.request', `Flow '${flow.name}' has no published version to launch.`);
  }
  const version = flow.versions.find((v) => v.id === versionId);
  if (!version) {
    throw new ApiError(400, 'bad.request', `Version '${versionId}' of flow '${flow.name}' does not exist.`);
  }
  const inputs = new Set(version.variables.filter((v) => v.isInput).map((v) => v.name));
  for (const key of Object.keys(req.inputData ?? {})) {
    if (!inputs.has(key)) {
      throw new ApiError(
        400,
        'bad.request',
        `Input '${key}' is not an input of flow '${flow.name}' version ${version.id} ` +
          `(inputs: ${[...inputs].join(', ') || 'none'}).`,
        [{ errorCode: 'flow.execution.input.invalid', fieldName: `inputData.${key}` }]
      );
    }
  }
  return version;
}

function outputData(flow: FlowRecord, version: VersionRecord, inputData: Record<string, unknown> | undefined) {
  const out: Record<string, unknown> = {};
  for (const variable of version.variables) {
    if (!variable.isOutput) continue;
    if (variable.isInput && inputData && variable.name in inputData) {
      out[variable.name] = inputData[variable.name];
    } else if (variable.initialValue !== undefined) {
      out[variable.name] = variable.initialValue;
    }
  }
  return Object.assign(out, flow.executionOutput);
}

export function launchExecution(org: Org, req: LaunchRequest): Execution {
  const flow = org.getFlow(req.flowId);
  const version = launchableVersion(flow, req);
  const now = org.clock.now();
  const failure = org.faults.take('execution-failure', (s) => org.flowFaultMatches(s, flow.name));
  const execution: Execution = {
    id: randomUUID(),
    name: req.name ?? `${flow.name} ${iso(now)}`,
    flowId: flow.id,
    flowVersion: version.id,
    launchedAt: now,
    completesAt: now + org.scenario.latency.executionMs,
    outcome: failure
      ? { status: 'FAILED', message: failure.spec.message }
      : { status: 'COMPLETED', outputData: outputData(flow, version, req.inputData) }
  };
  org.executions.set(execution.id, execution);
  return execution;
}
