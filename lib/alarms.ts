import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Who is told when an alarm fires; subscribe later when not given. */
  readonly alarmEmail?: string;
  readonly prod: boolean;
}

const period = Duration.minutes(5);

/**
 * Alarms on every failure nobody would otherwise see: work that runs without a
 * caller waiting (workflow tasks, sweeps, the sign-in trigger), dead-letter queues
 * and workflow executions. They all notify one encrypted topic.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { account } = Stack.of(this);

    // A customer managed key: CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the channel-prm alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'channel-prm alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** Any error of a function that runs with no caller to see it. */
  onFunctionErrors(id: string, fn: IFunction): Alarm {
    return this.alarm(id, fn.metricErrors({ period, statistic: 'Sum' }), `${id}: the function failed`);
  }

  /** Any message in a dead-letter queue: work that failed after every retry. */
  onQueueNotEmpty(id: string, queue: IQueue): Alarm {
    return this.alarm(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      `${id}: messages in a dead-letter queue`,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      0,
    );
  }

  /** Executions that failed or timed out. Aborted ones are not alarmed: aborting is how a request is cancelled. */
  onWorkflowFailures(id: string, stateMachine: StateMachine): Alarm[] {
    return [
      this.alarm(`${id}Failed`, stateMachine.metricFailed({ period, statistic: 'Sum' }), `${id}: an execution failed`),
      this.alarm(`${id}TimedOut`, stateMachine.metricTimedOut({ period, statistic: 'Sum' }), `${id}: an execution timed out`),
    ];
  }

  private alarm(
    id: string,
    metric: IMetric,
    description: string,
    comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold = 1,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
