import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';

/**
 * S3 for claim files on this machine (s3rver, path-style addresses), with the
 * attachments bucket, its CORS for browser uploads, and its ObjectCreated events
 * handed to the same function S3 notifications invoke in the cloud.
 * Unlike S3, s3rver does not enforce presigned-POST policy conditions (type, size
 * range): the API refuses wrong files before giving an upload link, and the upload
 * function checks each object that lands.
 */
export interface LocalS3 {
  url: string;
  onUpload(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

const cors = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`;

export const startS3 = async (options: { port: number; bucket: string; directory?: string }): Promise<LocalS3> => {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'prm-s3-'));
  const server = new S3rver({
    port: options.port,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [cors] }],
  });
  await server.run();
  return {
    url: `http://127.0.0.1:${options.port}`,
    onUpload: (listener) =>
      // s3rver is a Koa app, an event emitter, though its types do not say so.
      (server as unknown as EventEmitter).on('event', (event: S3Event) => {
        if (event.Records?.[0]?.eventName?.startsWith('ObjectCreated')) listener(event);
      }),
    close: async () => {
      await server.close();
      if (!options.directory) rmSync(directory, { recursive: true, force: true });
    },
  };
};
