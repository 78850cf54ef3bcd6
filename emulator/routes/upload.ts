// The presigned URLs the emulator serves itself, like S3: PUT /__uploads/{id} takes an Architect job's file (exactly
// the signed headers, no Authorization, within 15 minutes, ≤ 512,000 bytes); GET /__downloads/{id} serves an export.
import { badSignature, s3Error, safeEqual } from '../http.ts';
import type { Ctx, Reply, Router } from '../http.ts';
import type { ArchitectJob } from '../jobs/architect.ts';
import type { RouteEnv } from './env.ts';
import { param } from './env.ts';

export const UPLOAD_LIMIT_BYTES = 512_000;
export const UPLOAD_TEMPLATE = '/__uploads/{id}';
const PRESIGNED_LIFETIME_MS = 15 * 60_000;

/** Why S3 would refuse this upload, if it would. */
function refuseUpload(job: ArchitectJob, ctx: Ctx): Reply | undefined {
  if (ctx.req.headers.authorization !== undefined) {
    return s3Error(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      ctx.correlationId
    );
  }
  if (ctx.now - job.registeredAt > PRESIGNED_LIFETIME_MS) {
    return s3Error(403, 'AccessDenied', 'Request has expired', ctx.correlationId);
  }
  for (const [name, value] of Object.entries(job.headers)) {
    if (ctx.req.headers[name.toLowerCase()] !== value) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        `The signed header '${name}' is missing or has a different value.`,
        ctx.correlationId
      );
    }
  }
  return undefined;
}

export function uploadRoutes(router: Router, env: RouteEnv): void {
  const { org } = env;
  router.add('PUT', UPLOAD_TEMPLATE, { api: false, mutating: true }, (ctx) => {
    const job = org.architectJobs.get(param(ctx.params));
    if (!job || !safeEqual(ctx.query.get('X-Amz-Signature') ?? '', job.uploadKey)) return badSignature(ctx);
    const refusal = refuseUpload(job, ctx);
    if (refusal) return refusal;
    org.uploadArchitectJob(job, ctx.body.toString('utf8'));
    return { status: 200, raw: '', contentType: 'text/plain', headers: { ETag: `"${job.id.replaceAll('-', '')}"` } };
  });

  router.add('GET', '/__downloads/{id}', { api: false }, (ctx) => {
    const job = org.exportJobs.get(param(ctx.params));
    if (!job || !safeEqual(ctx.query.get('X-Amz-Signature') ?? '', job.downloadKey)) return badSignature(ctx);
    if (!job.download) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', ctx.correlationId);
    return {
      status: 200,
      raw: job.download.body,
      contentType: job.download.contentType,
      headers: { 'Content-Disposition': `attachment; filename="${job.download.fileName}"` }
    };
  });
}
