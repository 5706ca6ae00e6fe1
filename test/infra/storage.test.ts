import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { uploadFunctions } from '../../lib/manifest.ts';
import { buildStack } from './stack.ts';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

const attachments = dev.logicalId(dev.stack.storage.attachments);
const accessLogs = dev.logicalId(dev.stack.storage.accessLogs);
const bucketArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objectsArn = (id: string) => ({ 'Fn::Join': ['', [bucketArn(id), '/*']] });

type Alarm = { Properties: { MetricName: string; Dimensions: unknown[]; Threshold: number; AlarmActions: unknown[] } };
const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];

const bucketPolicyStatements = (bucket: string): Record<string, unknown>[] => {
  const policies = Object.values(dev.template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucket } } }));
  expect(policies).toHaveLength(1);
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
};

describe.each([
  ['attachments', attachments],
  ['access log', accessLogs],
])('the %s bucket', (_, bucket) => {
  it('is private: all public access blocked, ACLs disabled (bucket owner enforced)', () => {
    expect(dev.resources[bucket]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('encrypts every object at rest (SSE-S3)', () => {
    expect(dev.resources[bucket]?.Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('refuses every request without TLS 1.2 or later', () => {
    const statements = bucketPolicyStatements(bucket);
    const resources = [bucketArn(bucket), objectsArn(bucket)];
    const deny = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: resources };
    expect(statements).toEqual(
      expect.arrayContaining([
        { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { ...deny, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      ]),
    );
  });

  it('grants nobody outside the account anything', () => {
    for (const statement of bucketPolicyStatements(bucket).filter((s) => s.Effect === 'Allow')) {
      // CDK's bucket emptier (non-prod only) and S3 log delivery, never "*".
      expect(JSON.stringify(statement.Principal)).toMatch(/AutoDeleteObjects|logging\.s3\.amazonaws\.com/);
    }
  });

  it('is kept in prod and goes with a dev stack', () => {
    const prodBucket = prod.resources[prod.logicalId(bucket === attachments ? prod.stack.storage.attachments : prod.stack.storage.accessLogs)];
    expect(prodBucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(dev.resources[bucket]).toMatchObject({ DeletionPolicy: 'Delete' });
  });
});

describe('the attachments bucket', () => {
  const properties = dev.resources[attachments]?.Properties as Record<string, unknown>;

  it('keeps earlier versions of a file (versioning on)', () => {
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('aborts incomplete multipart uploads after a day and moves files to Infrequent Access, never expiring one', () => {
    expect(properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'keep-claim-files',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
          NoncurrentVersionTransitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
        },
      ],
    });
    expect(JSON.stringify(properties.LifecycleConfiguration)).not.toMatch(/Expiration|ExpiredObjectDeleteMarker/);
  });

  it('writes its server access logs to the access log bucket', () => {
    expect(properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogs }, LogFilePrefix: 'attachments/' });
    const delivery = bucketPolicyStatements(accessLogs).find((s) => JSON.stringify(s.Principal).includes('logging.s3.amazonaws.com'));
    expect(delivery).toMatchObject({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Condition: { ArnLike: { 'aws:SourceArn': bucketArn(attachments) } },
    });
  });

  it('lets browsers POST uploads and GET downloads, from any origin unless the context names them', () => {
    expect(properties.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['POST', 'GET'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAge: 3000 }],
    });
    const custom = buildStack({ context: { corsOrigins: 'https://partners.example.com, https://admin.example.com/' } });
    custom.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: ['https://partners.example.com', 'https://admin.example.com'] })],
      },
    });
    expect(() => buildStack({ context: { corsOrigins: 'partners.example.com/upload' } })).toThrow(/corsOrigins/);
  });

  it('is named in the stack outputs', () => {
    expect(dev.template.findOutputs('AttachmentsBucketName')).toEqual({
      AttachmentsBucketName: expect.objectContaining({ Value: { Ref: attachments } }),
    });
  });
});

describe('the access log bucket', () => {
  it('expires logs after a year', () => {
    expect((dev.resources[accessLogs]?.Properties as { LifecycleConfiguration: unknown }).LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 365, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      ],
    });
  });
});

describe('upload notifications', () => {
  it('exist for every s3-upload function of the manifest, and attachment-uploaded is one for claims/', () => {
    expect(uploadFunctions.map((spec) => [spec.name, spec.prefix])).toEqual([['attachment-uploaded', 'claims/']]);
  });

  it('run each upload function when an object is created under its prefix, and nothing else', () => {
    const notifications = Object.values(dev.template.findResources('Custom::S3BucketNotifications'));
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.Properties).toMatchObject({
      BucketName: { Ref: attachments },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: uploadFunctions.map((spec) => ({
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: spec.prefix }] } },
          LambdaFunctionArn: { 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(spec.name)), 'Arn'] },
        })),
      },
    });
    expect(notifications[0]?.Properties?.NotificationConfiguration).not.toHaveProperty('QueueConfigurations');
    expect(notifications[0]?.Properties?.NotificationConfiguration).not.toHaveProperty('TopicConfigurations');
  });

  it.each(uploadFunctions.map((spec) => spec.name))('may invoke %s, only from this bucket and account', (name) => {
    dev.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(name)), 'Arn'] },
      SourceArn: bucketArn(attachments),
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });
});

describe.each(uploadFunctions.map((spec) => spec.name))('the %s upload function, invoked asynchronously by S3', (name) => {
  const fn = dev.logicalId(dev.stack.functions.get(name));
  const queue = dev.logicalId(dev.stack.functions.sweep(name).deadLetterQueue);

  it('is retried, then its failed invocations go to a dead-letter queue', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 2,
    });
    expect(dev.resources[fn]?.Properties?.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } });
  });

  it('has a dead-letter queue that is encrypted and refuses requests without TLS', () => {
    expect(dev.resources[queue]?.Properties?.SqsManagedSseEnabled).toBe(true);
    dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('raises an alarm when it fails and as soon as a message waits in its dead-letter queue', () => {
    const topic = { Ref: dev.logicalId(dev.stack.alarms.topic) };
    const on = (metric: string, id: string) =>
      alarms.find((a) => a.Properties.MetricName === metric && JSON.stringify(a.Properties.Dimensions).includes(`"${id}"`));
    expect(on('Errors', fn)?.Properties).toMatchObject({ AlarmActions: [topic] });
    expect(on('ApproximateNumberOfMessagesVisible', queue)?.Properties).toMatchObject({ Threshold: 0, AlarmActions: [topic] });
  });
});
