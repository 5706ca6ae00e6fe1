import { SESClient } from '@aws-sdk/client-ses';

/** Created once per container, on first use (AWS_ENDPOINT_URL_SES locally). */
let client: SESClient | undefined;
export const ses = (): SESClient => (client ??= new SESClient({}));
