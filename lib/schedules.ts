import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { constructId } from './functions.ts';
import { sweepFunctions } from './manifest.ts';

export interface SchedulesProps {
  /** The function of a sweep entry of the manifest, with its dead-letter queue. */
  readonly sweep: (name: string) => { fn: IFunction; deadLetterQueue: IQueue };
}

/**
 * Runs each sweep of lib/manifest.ts on its EventBridge schedule. A run that cannot be
 * delivered goes to the sweep's dead-letter queue; a sweep is idempotent, so a late
 * or repeated run does the work once.
 */
export class Schedules extends Construct {
  readonly rules = new Map<string, Rule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const spec of sweepFunctions) {
      const { fn, deadLetterQueue } = props.sweep(spec.name);
      const every = Duration.minutes(spec.everyMinutes);
      const rule = new Rule(this, constructId(spec.name), {
        description: `Runs the ${spec.name} sweep every ${spec.everyMinutes} minutes`,
        schedule: Schedule.rate(every),
        targets: [
          new LambdaFunction(fn, {
            deadLetterQueue,
            retryAttempts: 3,
            // Older than one period, a run is replaced by the next scheduled one.
            maxEventAge: every,
          }),
        ],
      });
      this.rules.set(spec.name, rule);
    }
  }
}
