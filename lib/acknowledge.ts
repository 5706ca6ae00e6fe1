import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges (suppresses) one cdk-nag finding on a construct and everything under
 * it, always with the reason it is acceptable. cdk-nag 3 reads these through CDK's
 * `Validations` metadata; a finding with detail is acknowledged one by one, e.g.
 * `AwsSolutions-IAM5[Resource::*]`.
 */
export const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id, reason });
};

/**
 * Acknowledges the `AwsSolutions-IAM5` finding for one wildcard resource of the
 * scope's policies, quoted exactly as cdk-nag quotes it.
 */
export const acknowledgeWildcardResource = (scope: IConstruct, resourceArn: string, reason: string): void => {
  const quoted = flattenCfnReference(Stack.of(scope).resolve(resourceArn));
  acknowledge(scope, `AwsSolutions-IAM5[Resource::${quoted}]`, reason);
};
