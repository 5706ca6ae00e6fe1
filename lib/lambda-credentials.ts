import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (see lib/bundling.ts).
 * Lambda always hands a function its role's credentials as environment variables
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's
 * default chain (SSO, ini files, STS web identity, IMDS, …) is never used there;
 * leaving it out takes ~70 KB out of every function. Local runs and scripts load
 * the SDK unbundled, with the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
