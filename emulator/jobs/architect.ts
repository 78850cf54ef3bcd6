// The Architect (publish) job: registered with a presigned upload URL, started by the upload, and on completion the
// uploaded Archy file is checked against the org and published as the flow's next version.
import { randomUUID } from 'node:crypto';
import { parseArchy } from '../archy.ts';
import type { Org } from '../org.ts';
import { publishAs, publishUpload } from '../publishing.ts';
import { Job } from './lifecycle.ts';
import { checkAgainstOrg } from './org-checks.ts';

export class ArchitectJob extends Job {
  readonly kind = 'architect';
  /** The presigned URL's signature. */
  readonly uploadKey = randomUUID().replaceAll('-', '');
  /** The headers the upload must carry, exactly. */
  readonly headers: Record<string, string>;
  yaml?: string;
  /** The flow the job created or updated (or, failed by a fault, the flow it would have updated). */
  flowId?: string;
  private readonly org: Org;
  /** Fault `job-no-new-version`: Success without a publish. */
  private noNewVersion = false;
  /** Fault `concurrent-publish`: another client publishes right after this job. */
  private concurrent?: { client: string; yaml?: string };

  constructor(org: Org) {
    super(org.clock.now(), org.scenario.latency.jobMs);
    this.org = org;
    this.headers = {
      'Content-Type': 'application/octet-stream',
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-meta-job-id': this.id
    };
  }

  /** When the upload arrived; the job's clock starts then. */
  get uploadedAt(): number | undefined {
    return this.startedAt;
  }

  /** The presigned upload. Faults are decided here, when the job has its content. */
  upload(yaml: string): void {
    if (this.startedAt !== undefined) return; // the job already runs with the first file
    const org = this.org;
    this.yaml = yaml;
    const parsed = parseArchy(yaml);
    const flowName = parsed.ok ? parsed.flow.name : undefined;
    const latency = org.faults.take('job-latency', (s) => org.flowFaultMatches(s, flowName));
    if (latency) this.latencyMs = latency.spec.ms;
    if (org.faults.take('stuck-job', (s) => org.flowFaultMatches(s, flowName))) this.stuck = true;
    const failure = org.faults.take('job-failure', (s) => org.flowFaultMatches(s, flowName));
    if (failure) this.failureMessage = failure.spec.message;
    this.noNewVersion = org.faults.take('job-no-new-version', (s) => org.flowFaultMatches(s, flowName)) !== undefined;
    const other = org.faults.take('concurrent-publish', (s) => org.flowFaultMatches(s, flowName));
    if (other) this.concurrent = { client: other.spec.client, yaml: other.spec.yaml };
    this.start(org.clock.now());
  }

  protected registeredForMs(): number {
    return Math.min(this.latencyMs * 0.2, 1000);
  }

  protected run(at: number): string[] {
    const org = this.org;
    const parsed = parseArchy(this.yaml ?? '');
    if (!parsed.ok) return parsed.errors;
    const flow = parsed.flow;
    const existing = org.findFlowByName(flow.name);
    if (existing && existing.type !== flow.type) {
      return [
        `A flow named '${flow.name}' already exists with type ${existing.type.toUpperCase()}; ` +
          `the file declares ${flow.key} (${flow.type.toUpperCase()}). Flow names must be unique.`
      ];
    }
    const errors = checkAgainstOrg(org, flow, existing);
    if (errors.length > 0) return errors;
    if (this.failureMessage) {
      if (existing) this.flowId = existing.id;
      return [this.failureMessage];
    }
    if (this.noNewVersion) {
      this.flowId = existing?.id;
      return [];
    }
    this.flowId = publishUpload(org, flow, this.yaml ?? '', existing, at, `job:${this.id}`).id;
    if (this.concurrent) publishAs(org, flow.name, this.concurrent.client, this.concurrent.yaml);
    return [];
  }
}
