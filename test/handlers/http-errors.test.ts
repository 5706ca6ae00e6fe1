import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler as mdfRequests } from '#http/mdf-requests';
import { handler as approvalLinks } from '#http/approval-links';
import { logger } from '#shared/logger';
import { dynamoMock, emailMock, stepFunctionsMock } from './support/aws.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { claimsOf, newLinkToken, people, REQUEST_ID } from './support/fixtures.ts';

/** Whatever goes wrong inside, the caller gets a problem document that reveals nothing. */
const ddb = dynamoMock();
stepFunctionsMock();
emailMock();

const INTERNAL = 'connect ECONNREFUSED 10.0.3.17:443 (arn:aws:dynamodb:us-east-1:123456789012:table/channel-prm-test)';

beforeEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

describe('an unexpected failure', () => {
  it('is answered with a plain 500 problem: no stack trace, no internal message, and logged for the team', async () => {
    // Prepare
    const failure = new Error(INTERNAL);
    ddb.on(QueryCommand).rejects(failure);
    ddb.on(GetCommand).rejects(failure);
    const logged = vi.spyOn(logger, 'error');

    // Act
    const response = await mdfRequests(
      httpEvent('GET /mdf/requests/{id}', { claims: claimsOf(people.dana), pathParameters: { id: REQUEST_ID } }),
      lambdaContext('mdf-requests'),
    );

    // Assess
    expect(response.statusCode).toBe(500);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
    expect(jsonOf(response)).toEqual({
      type: 'urn:channel-prm:problem:internal',
      title: 'Something went wrong on our side',
      status: 500,
      detail: 'The request could not be completed. It is safe to retry.',
      instance: `/mdf/requests/${REQUEST_ID}`,
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('arn:aws');
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
    expect(response.body).not.toContain('stack');
    expect(logged).toHaveBeenCalledWith('Unexpected error', failure);
  });

  it('behind an approval link is still a 500 problem, never a stack trace', async () => {
    // Prepare
    ddb.on(GetCommand).rejects(new Error(INTERNAL));

    // Act
    const response = await approvalLinks(
      httpEvent('GET /approvals/{id}', { pathParameters: { id: `${REQUEST_ID}.cmm.1` }, query: { t: newLinkToken() } }),
      lambdaContext('approval-links'),
    );

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('a route the handler does not serve is a 404 problem, not a 500', async () => {
    // Act
    const response = await mdfRequests(httpEvent('DELETE /mdf/requests/{id}', { claims: claimsOf(people.dana), pathParameters: { id: REQUEST_ID } }), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(404);
    expect(headerOf(response, 'content-type')).toBe('application/problem+json');
  });

  it('a token without a user is a 401 problem', async () => {
    // Act
    const response = await mdfRequests(httpEvent('GET /mdf/requests', { claims: { email: 'someone@example.com' } }), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(401);
    expect(jsonOf(response)).toMatchObject({ status: 401, type: 'urn:channel-prm:problem:unauthenticated' });
  });
});
