import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, S3Event } from 'aws-lambda';

/**
 * API Gateway HTTP API (payload 2.0) events as the JWT authorizer hands them to a
 * handler, and the Lambda context the runtime passes.
 */
export type Claims = Record<string, string>;

export type HttpApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: { jwt: { claims: Claims; scopes: string[] } } };
};

export interface RequestOptions {
  /** e.g. `{ id: 'mdf_1' }` for `/mdf/requests/{id}` */
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  /** The authorizer's claims; none for public routes. */
  claims?: Claims;
}

let requestCount = 0;

export const httpEvent = (routeKey: string, options: RequestOptions = {}): HttpApiEvent => {
  const [method = 'GET', pathTemplate = '/'] = routeKey.split(' ');
  const rawPath = pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.pathParameters?.[name] ?? name));
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    host: 'api.channel.example',
    'user-agent': 'vitest',
    ...(body !== undefined && typeof options.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  const query = options.query;
  requestCount += 1;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234',
      domainName: 'api.channel.example',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: `req-${requestCount}`,
      routeKey,
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.parse('2026-11-23T10:00:00Z'),
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims, scopes: [] } } } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
};

/** A form post from the confirm page. */
export const formPost = (routeKey: string, pathParameters: Record<string, string>, form: Record<string, string>): HttpApiEvent =>
  httpEvent(routeKey, {
    pathParameters,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

export const lambdaContext = (functionName = 'channel-prm-test'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'aws-req-1',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/23/[$LATEST]abc',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The response body as JSON (problem documents included). */
export const jsonOf = (response: HttpResult): Record<string, unknown> => JSON.parse(response.body ?? '') as Record<string, unknown>;

export const headerOf = (response: HttpResult, name: string): string | undefined => {
  const value = response.headers?.[name.toLowerCase()];
  return value === undefined ? undefined : String(value);
};

/** An S3 event notification of the attachments bucket, as S3 sends it (keys URL-encoded, spaces as +). */
export const s3Event = (keys: string[], eventName = 'ObjectCreated:Post', bucket = 'channel-prm-attachments-test'): S3Event => ({
  Records: keys.map((key) => ({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-23T09:59:58.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.7' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'claim-attachments',
      bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
    },
  })),
});
