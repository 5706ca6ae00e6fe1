import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { uploadFunctions } from './manifest.ts';

/**
 * Where claim files live in the attachments bucket (`claims/<claimId>/<attachmentId>`).
 * Every function grant on the bucket is limited to this prefix.
 */
export const claimFilesPrefix = 'claims/';

/** Where signed Letters of Authorization live (`loa/<requestId>/letter.pdf`); their grants are limited to it. */
export const lettersPrefix = 'loa/';

export interface StorageProps {
  /** Production keeps both buckets (and every claim file) when the stack is deleted or they are replaced. */
  readonly prod: boolean;
  /** Browser origins allowed to upload (POST) and download (GET) directly; `*` unless the context says. */
  readonly corsOrigins: readonly string[];
}

/**
 * The private bucket of claim files (proof of performance, invoices) and the bucket
 * of its server access logs. Files go in and out only through short-lived presigned
 * POSTs and GETs signed by the functions of lib/manifest.ts that have `attachments`
 * access; each upload runs the `s3-upload` functions of the manifest.
 *
 * - Encryption: SSE-S3. Presigned requests are authorised by the signing function's
 *   role, so SSE-KMS would mean kms:GenerateDataKey/Decrypt on every uploading and
 *   downloading role and a key policy to keep in step, for no reader the bucket policy
 *   does not already exclude. SSE-S3 encrypts every object at rest with no grant.
 * - Versioning: on. Claims are kept for audit: a still-valid upload link reused on the
 *   same key, or a delete by mistake, leaves the earlier file as a noncurrent version
 *   instead of losing it. A rejected upload that the upload function deletes stays as
 *   a noncurrent version too; it is small (the presigned policy caps the size) and
 *   kept with the rest rather than expired.
 * - Retention: nothing ever expires. Files move to Standard-IA after 90 days (reviewed
 *   within weeks, later only read for audits), noncurrent versions after 30 days.
 */
export class Storage extends Construct {
  readonly attachments: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removal = props.prod
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : // A dev or test stack takes its buckets (and their test files) with it.
        { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    // Server access logs cannot be written to a bucket encrypted with SSE-KMS, hence SSE-S3 here too.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      ...removal,
    });

    this.attachments = new Bucket(this, 'Attachments', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      lifecycleRules: [
        {
          id: 'keep-claim-files',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
          noncurrentVersionTransitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
          // No expiration of any kind: claim files are audit evidence.
        },
      ],
      // Browsers upload with the presigned POST form and may fetch presigned downloads.
      // CORS only lets a page read the response: the guard is the presigned policy itself
      // (signed by the function, one key, declared type and size range, 15 minutes).
      cors: [
        {
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          allowedOrigins: [...props.corsOrigins],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      ...removal,
    });

    for (const spec of uploadFunctions) {
      if (!spec.prefix.startsWith(claimFilesPrefix)) {
        throw new Error(
          `lib/manifest.ts: ${spec.name} runs on uploads under "${spec.prefix}", but functions may only read "${claimFilesPrefix}*"`,
        );
      }
    }
  }

  /**
   * Runs each `s3-upload` function of the manifest when an object is created under its
   * prefix. S3 invokes it asynchronously: the function's own retries and dead-letter
   * queue (lib/functions.ts) catch what still fails.
   */
  notifyUploads(uploadFunction: (name: string) => IFunction): void {
    for (const spec of uploadFunctions) {
      this.attachments.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(uploadFunction(spec.name)), {
        prefix: spec.prefix,
      });
    }
    // CDK writes the notification configuration with a custom resource: one singleton
    // handler per stack (in CloudFormation's own NotificationConfiguration the bucket and
    // the upload function would reference each other).
    const handlers = Stack.of(this).node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    for (const handler of handlers) {
      acknowledge(
        handler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's BucketNotificationsHandler, which sets the attachments bucket's notification configuration at deploy " +
          'time, always attaches AWSLambdaBasicExecutionRole to its role (it adds the managed policy even to a role ' +
          'passed in); that policy only lets it write its CloudWatch logs. Its one other right is ' +
          's3:PutBucketNotification on this bucket, and it runs only when the stack is deployed.',
      );
    }
  }
}
