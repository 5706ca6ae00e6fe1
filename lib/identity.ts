import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';

/** Internal roles, one Cognito group each; the pre-token trigger puts them in the ID token. */
export const internalRoles = [
  'admin',
  'cmm',
  'marketing-lead',
  'program-manager',
  'global-director',
  'ecosystem-operations',
  'esm',
  'asm',
  'legal',
  'pao',
  'marketing-operations',
] as const;

export interface IdentityProps {
  readonly prod: boolean;
}

/**
 * Who signs in: one user pool for partner and internal users (accounts are created by
 * program administration, never self sign-up), and the app client whose id is the
 * audience the API's JWT authorizer checks. Approvers deciding from an email link do
 * not need an account at all.
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential and risky sign-in detection for accounts reachable from the internet.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: props.prod ? StandardThreatProtectionMode.FULL_FUNCTION : StandardThreatProtectionMode.AUDIT_ONLY,
      deletionProtection: props.prod,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP) rather than required: partner users are invited by program administration and enrol an ' +
        'authenticator at their own pace; Plus-tier threat protection covers risky sign-ins meanwhile.',
    );

    for (const role of internalRoles) {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: `Internal role ${role}`,
      });
    }

    this.client = this.userPool.addClient('App', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }

  /** The function that adds the user's partner id, privileges and roles to the ID token (Pre Token Generation, V1 event). */
  addPreTokenTrigger(fn: IFunction): void {
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION, fn);
  }
}
