import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/**
 * The local stand-in for Cognito: an RS256 key pair (kept in the data directory so
 * printed tokens survive a restart), tokens carrying the same claims the
 * pre-token trigger adds in the cloud, and verification as the API Gateway JWT
 * authorizer does it (signature, issuer, audience, expiry).
 */
export const AUDIENCE = 'channel-prm-local';

export interface LocalIdentity {
  issuer: string;
  sign(claims: Record<string, string>, ttlSeconds?: number): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

type Keys = { privateKey: CryptoKey; publicKey: CryptoKey };

const loadKeys = async (file: string | undefined): Promise<Keys> => {
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> };
    return {
      privateKey: (await importJWK(saved.privateJwk, 'RS256')) as CryptoKey,
      publicKey: (await importJWK(saved.publicJwk, 'RS256')) as CryptoKey,
    };
  }
  const keys = await generateKeyPair('RS256', { extractable: true });
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ privateJwk: await exportJWK(keys.privateKey), publicJwk: await exportJWK(keys.publicKey) }), { mode: 0o600 });
  }
  return keys;
};

export const startIdentity = async (issuer: string, keyFile?: string): Promise<LocalIdentity> => {
  const keys = await loadKeys(keyFile);
  return {
    issuer,
    sign: (claims, ttlSeconds = 12 * 3600) =>
      new SignJWT({ ...claims, token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: 'local' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId ?? 'unknown')
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(keys.privateKey),
    verify: async (token) => (await jwtVerify(token, keys.publicKey, { issuer, audience: AUDIENCE, algorithms: ['RS256'] })).payload,
  };
};
