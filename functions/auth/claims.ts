import type { User } from '#domain/people';

/**
 * The claims a signed-in user's ID token carries, built from the user's record:
 * who they are, their partner (partner users), privileges and internal roles.
 * The Cognito pre-token trigger adds them in the cloud; the local stack signs
 * tokens with the same claims.
 */
export const claimsOf = (user: User): Record<string, string> => ({
  userId: user.id,
  email: user.email,
  name: user.name,
  ...(user.partnerId ? { partnerId: user.partnerId } : {}),
  privileges: user.privileges.join(' '),
  roles: user.roles.join(' '),
});
