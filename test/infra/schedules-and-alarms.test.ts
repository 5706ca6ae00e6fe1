import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions, sweepFunctions } from '../../lib/manifest.ts';
import { buildStack } from './stack.ts';

const dev = buildStack();
const topic = { Ref: dev.logicalId(dev.stack.alarms.topic) };

type Alarm = { Properties: { MetricName: string; Namespace: string; Dimensions: unknown[]; AlarmActions: unknown[] } };
const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];

describe.each(sweepFunctions.map((spec) => [spec.name, spec] as const))('the %s sweep', (name, spec) => {
  const fn = dev.logicalId(dev.stack.functions.get(name));
  const queue = dev.logicalId(dev.stack.functions.sweep(name).deadLetterQueue);

  it(`runs every ${spec.everyMinutes} minutes, with retries and a dead-letter queue`, () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${spec.everyMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: spec.everyMinutes * 60 },
        }),
      ],
    });
  });

  it('sends runs that failed every retry to the same dead-letter queue', () => {
    expect(dev.resources[fn]?.Properties?.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } });
  });

  it('has a dead-letter queue that is encrypted and refuses requests without TLS', () => {
    expect(dev.resources[queue]?.Properties?.SqsManagedSseEnabled).toBe(true);
    dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('raises an alarm as soon as a message waits in its dead-letter queue', () => {
    const alarm = alarms.find(
      (a) =>
        a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Properties.Dimensions).includes(`"${queue}"`),
    );
    expect(alarm?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [topic] });
  });
});

describe('alarms', () => {
  it.each(functions.filter((spec) => spec.kind !== 'http').map((spec) => spec.name))(
    'raise an alarm when %s, which runs with no caller waiting, fails',
    (name) => {
      const fn = dev.logicalId(dev.stack.functions.get(name));
      const alarm = alarms.find(
        (a) => a.Properties.MetricName === 'Errors' && JSON.stringify(a.Properties.Dimensions).includes(`"${fn}"`),
      );
      expect(alarm?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', AlarmActions: [topic] });
    },
  );

  it('all notify the alarm topic', () => {
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });

  it('go to a topic encrypted with a rotating key CloudWatch may use, published to over TLS only', () => {
    dev.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });
});
