import { SFNClient } from '@aws-sdk/client-sfn';

/** Created once per container, on first use (AWS_ENDPOINT_URL_SFN locally). */
let client: SFNClient | undefined;
export const stepFunctions = (): SFNClient => (client ??= new SFNClient({}));
