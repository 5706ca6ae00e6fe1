import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildStack } from './stack.ts';

/**
 * cdk-nag 3 is a CDK validation plugin (bin/app.ts registers it, so `cdk synth` fails
 * on an error); here it is run directly on the synthesized construct tree so the test
 * can list what it finds.
 */
const findings = (scope: IConstruct) =>
  new AwsSolutionsChecks().validateScope(scope).violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity,
    resources: violation.violatingResources.map((resource) => resource.constructPath),
  }));

const acknowledgements = (scope: IConstruct): { path: string; id: string; reason: string }[] =>
  scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
      ),
  );

/** The rule (with its detail) of an acknowledgement, without CDK's `Annotation::` prefix. */
const ruleOf = (id: string): string => id.replace(/^annotation::/i, '');

describe.each(['dev', 'prod'])('AWS Solutions checks of the %s stage', (stage) => {
  // With CloudFormation's schema validation, as `cdk synth` runs it: building throws on an invalid template.
  const built = buildStack({ stage, schemaValidation: true });

  it('find no unacknowledged error', () => {
    expect(findings(built.app).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('find no unacknowledged warning either', () => {
    expect(findings(built.app)).toEqual([]);
  });

  it('acknowledge each finding with a specific reason', () => {
    const acknowledged = acknowledgements(built.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, `${id}: ${reason}`).toBeGreaterThan(60);
    }
  });

  it('acknowledge only the rules known to need it', () => {
    const rules = new Set(acknowledgements(built.app).map(({ id }) => ruleOf(id).replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-COG2',
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
    ]);
  });

  it('acknowledge an AWS managed policy only on the handler CDK uses to write bucket notifications', () => {
    const managedPolicies = acknowledgements(built.app).filter(({ id }) => ruleOf(id).startsWith('AwsSolutions-IAM4'));
    expect(managedPolicies.map(({ path, id }) => [path, ruleOf(id)])).toEqual([
      [
        'Test/BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ],
    ]);
  });

  it('acknowledge wildcard S3 resources only for the claims/ prefix of the attachments bucket', () => {
    const s3Wildcards = acknowledgements(built.app)
      .map(({ path, id }) => ({ path, id: ruleOf(id) }))
      .filter(({ id }) => id.startsWith('AwsSolutions-IAM5') && /Storage|Bucket/.test(id) && !id.includes('/loa/'));
    expect(s3Wildcards.map(({ path }) => path).sort()).toEqual(
      ['Test/Functions/ApprovalLinksRole', 'Test/Functions/AttachmentUploadedRole', 'Test/Functions/MdfClaimsRole'],
    );
    for (const { id } of s3Wildcards) expect(id).toMatch(/^AwsSolutions-IAM5\[Resource::<StorageAttachments[0-9A-F]{8}\.Arn>\/claims\/\*\]$/);
  });

  it('acknowledge wildcard S3 resources on signed letters (loa/) only for the two functions that store and hand them out', () => {
    const letterWildcards = acknowledgements(built.app)
      .map(({ path, id }) => ({ path, id: ruleOf(id) }))
      .filter(({ id }) => id.startsWith('AwsSolutions-IAM5') && id.includes('/loa/'));
    expect(letterWildcards.map(({ path }) => path).sort()).toEqual(['Test/Functions/LoaIssueLetterRole', 'Test/Functions/LoaRequestsRole']);
    for (const { id } of letterWildcards) expect(id).toMatch(/^AwsSolutions-IAM5\[Resource::<StorageAttachments[0-9A-F]{8}\.Arn>\/loa\/\*\]$/);
  });
});
