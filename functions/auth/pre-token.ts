import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import * as users from '#store/users';
import { logger } from '#shared/logger';
import { claimsOf } from './claims.ts';

/**
 * Cognito Pre Token Generation trigger: the table is the source of truth for who
 * belongs to which partner, with which privileges and roles. A person without an
 * active user record cannot sign in.
 */
export const handler = async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
  const email = event.request.userAttributes.email;
  const user = email ? await users.getByEmail(email) : undefined;
  if (!user || !user.active) {
    logger.warn('Sign-in refused: no active program user for this account', { userName: event.userName });
    throw new Error('This account is not enrolled in the channel program.');
  }
  event.response = {
    claimsOverrideDetails: {
      claimsToAddOrOverride: claimsOf(user),
      groupOverrideDetails: { groupsToOverride: user.roles },
    },
  };
  return event;
};
