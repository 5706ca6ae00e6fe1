import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#auth/pre-token';
import { dynamoMock, writesSent } from './support/aws.ts';
import { FakeTable } from './support/fake-table.ts';
import { people, userEmailItem, userItem, type PersonFixture } from './support/fixtures.ts';

/** The Cognito pre-token trigger: the table decides who signs in and with which claims. */
const ddb = dynamoMock();
const table = new FakeTable();

const signIn = (email: string): PreTokenGenerationTriggerEvent => ({
  version: '1',
  region: 'us-east-1',
  userPoolId: 'us-east-1_Pool1234',
  triggerSource: 'TokenGeneration_Authentication',
  userName: 'c0ffee00-1111-2222-3333-444455556666',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client1234' },
  request: { userAttributes: { sub: 'c0ffee00-1111-2222-3333-444455556666', email, email_verified: 'true' }, groupConfiguration: {} },
  response: { claimsOverrideDetails: {} },
});

const enrol = (person: PersonFixture) => table.seed(userItem(person), userEmailItem(person));

beforeEach(() => {
  ddb.reset();
  table.clear();
  table.serve(ddb);
});

describe('signing in', () => {
  it("a partner user's token carries their user id, partner id and privileges from the user record", async () => {
    // Prepare
    enrol({ ...people.dana, privileges: ['mdfAdmin', 'opportunityAdmin'] });

    // Act
    const event = await handler(signIn('Dana@Acme.example'));

    // Assess
    expect(event?.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({
      userId: people.dana.id,
      email: people.dana.email,
      name: people.dana.name,
      partnerId: 'ptn_acme',
      privileges: 'mdfAdmin opportunityAdmin',
      roles: '',
    });
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it("an internal user's token carries their roles, space-separated, and no partner id", async () => {
    // Prepare
    enrol({ ...people.sam, roles: ['cmm', 'admin'] });

    // Act
    const event = await handler(signIn(people.sam.email));

    // Assess
    const claims = event?.response.claimsOverrideDetails.claimsToAddOrOverride;
    expect(claims).toMatchObject({ userId: people.sam.id, roles: 'cmm admin', privileges: '' });
    expect(claims).not.toHaveProperty('partnerId');
    expect(event?.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual(['cmm', 'admin']);
  });

  it('someone with no user record in the program cannot sign in', async () => {
    // Act
    const signingIn = handler(signIn('stranger@elsewhere.example'));

    // Assess
    await expect(signingIn).rejects.toThrow('not enrolled');
  });

  it('a deactivated user cannot sign in', async () => {
    // Prepare
    enrol({ ...people.pat, active: false });

    // Act
    const signingIn = handler(signIn(people.pat.email));

    // Assess
    await expect(signingIn).rejects.toThrow('not enrolled');
  });
});
