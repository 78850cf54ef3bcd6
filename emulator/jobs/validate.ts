// The validate job: started at registration; on completion it re-checks the stored YAML of each requested flow
// version against the org as it is then.
import { parseArchy } from '../archy.ts';
import type { Org } from '../org.ts';
import { Job } from './lifecycle.ts';
import { checkAgainstOrg } from './org-checks.ts';

export interface ValidateRequest {
  id?: string;
  name?: string;
  type?: string;
  version?: string;
}

export class ValidateJob extends Job {
  readonly kind = 'validate';
  readonly requests: ValidateRequest[];
  private readonly org: Org;

  constructor(org: Org, requests: ValidateRequest[]) {
    super(org.clock.now(), org.scenario.latency.validateMs);
    this.org = org;
    this.requests = requests;
    this.start(this.registeredAt);
  }

  protected registeredForMs(): number {
    return this.latencyMs * 0.2;
  }

  private validate(request: ValidateRequest): string[] {
    const org = this.org;
    const flow = request.id
      ? org.flows.find((f) => f.id === request.id && !f.deleted)
      : request.name
        ? org.findFlowByName(request.name)
        : undefined;
    if (!flow || (request.type !== undefined && request.type.toLowerCase() !== flow.type)) {
      return [`Unable to find the flow ${request.id ?? `'${request.name ?? ''}'`} to validate.`];
    }
    const versionId = request.version ?? flow.checkedInVersionId ?? flow.publishedVersionId;
    const version = flow.versions.find((v) => v.id === versionId);
    if (!version) return [`Unable to find version '${versionId ?? ''}' of flow '${flow.name}'.`];
    const parsed = parseArchy(version.yaml);
    const errors = parsed.ok ? checkAgainstOrg(org, parsed.flow) : parsed.errors;
    return errors.map((e) => `${flow.name}: ${e}`);
  }

  protected run(): string[] {
    return this.requests.flatMap((request) => this.validate(request));
  }
}
