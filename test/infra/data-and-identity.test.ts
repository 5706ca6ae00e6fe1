import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { internalRoles } from '../../lib/identity.ts';
import { tableSchema } from '../../lib/table-schema.ts';
import { buildStack } from './stack.ts';

const dev = buildStack();

describe('the single table', () => {
  it('has the pk/sk string keys of lib/table-schema.ts, billed per request', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('keeps point-in-time recovery, expires items by their ttl attribute and is encrypted', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('has the three global indexes gsi1, gsi2 and due, each projecting all attributes', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: tableSchema.globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    expect(tableSchema.globalIndexes.map((index) => index.name)).toEqual(['gsi1', 'gsi2', 'due']);
  });

  it('finds due work by duePk and dueAt in the sparse due index', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'due',
          KeySchema: [
            { AttributeName: 'duePk', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('is deleted with a dev stack but protected and retained in prod', () => {
    const prod = buildStack({ stage: 'prod' });
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('sign-in', () => {
  it('signs users in by email, never lets them sign themselves up, and asks for strong passwords', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('offers optional TOTP multi-factor authentication', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('runs the pre-token function of the manifest before each token is issued', () => {
    const preToken = dev.logicalId(dev.stack.functions.get('pre-token'));
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGeneration: { 'Fn::GetAtt': [preToken, 'Arn'] } },
    });
    dev.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [preToken, 'Arn'] },
    });
  });

  it('has one group per internal role', () => {
    dev.template.resourceCountIs('AWS::Cognito::UserPoolGroup', internalRoles.length);
    for (const role of internalRoles) {
      dev.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role });
    }
  });

  it('has an app client without a secret that signs in with SRP', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
    });
  });
});

describe('outputs', () => {
  it('gives the API URL, user pool id, client id, table name and attachments bucket name', () => {
    const outputs = Object.keys(dev.template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'AttachmentsBucketName']),
    );
  });
});
