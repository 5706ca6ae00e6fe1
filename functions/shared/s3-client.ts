import { S3Client } from '@aws-sdk/client-s3';
import { optionalSetting } from './settings.ts';

/**
 * Created once per container, on first use (AWS_ENDPOINT_URL_S3 locally). An
 * S3-compatible server on localhost needs path-style addresses (S3_FORCE_PATH_STYLE).
 */
let client: S3Client | undefined;
export const s3 = (): S3Client => (client ??= new S3Client({ forcePathStyle: optionalSetting('S3_FORCE_PATH_STYLE', 'false') === 'true' }));
