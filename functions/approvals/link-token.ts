import { createHash, randomBytes } from 'node:crypto';

/**
 * An approval link's token is the approver's credential: 32 random bytes,
 * base64url. Only its SHA-256 is stored; the token exists in the email alone.
 */
export interface LinkToken {
  token: string;
  hash: string;
}

export const hashOfToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const mintLinkToken = (): LinkToken => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOfToken(token) };
};

/** 32 bytes in base64url are 43 characters from the URL-safe alphabet. */
export const isWellFormedToken = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
