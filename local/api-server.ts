import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpFunctions, type HttpMethod, type Route } from '../lib/manifest.ts';
import type { LocalIdentity } from './identity.ts';

/**
 * The local API Gateway: turns each HTTP request into the HTTP API (payload v2)
 * event the deployed handler receives, runs the JWT check the authorizer runs
 * (401 `{"message":"Unauthorized"}` as API Gateway answers), and calls the same
 * handler. Routes come from lib/manifest.ts, so local and cloud have the same API.
 */
export interface LocalRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: Record<string, string>;
}

export interface LocalResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface ApiServerOptions {
  port: number;
  host?: string;
  identity: LocalIdentity;
  invoke(functionName: string, event: APIGatewayProxyEventV2): Promise<unknown>;
  /** Answers the local-only endpoints (`/_local/...`, `/`); undefined passes the request on. */
  local?(request: LocalRequest): Promise<LocalResponse | undefined>;
  log?(line: string): void;
}

interface CompiledRoute {
  functionName: string;
  route: Route;
  pattern: RegExp;
  params: string[];
}

const compile = (): CompiledRoute[] =>
  httpFunctions.flatMap((spec) =>
    spec.routes.map((route) => {
      const params: string[] = [];
      const pattern = new RegExp(
        `^${route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
          params.push(name);
          return '([^/]+)';
        })}$`,
      );
      return { functionName: spec.name, route, pattern, params };
    }),
  );

const readBody = (request: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('Request body too large'), { status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** API Gateway hands claims to the handler as strings; lists become `[a b]`. */
const asGatewayClaims = (payload: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value)]),
  );

const send = (response: ServerResponse, status: number, headers: Record<string, string>, body: string, withBody: boolean) => {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(withBody ? body : '') });
  response.end(withBody ? body : undefined);
};

export const startApiServer = async (options: ApiServerOptions): Promise<{ url: string; port: number; close(): Promise<void>; server: Server }> => {
  const routes = compile();
  const log = options.log ?? (() => undefined);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const started = Date.now();
    const method = (request.method ?? 'GET').toUpperCase() as HttpMethod;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    let status = 500;
    try {
      const body = await readBody(request);
      const local = await options.local?.({ method, path: url.pathname, query: url.searchParams, body, headers });
      if (local) {
        status = local.status;
        send(response, local.status, { 'content-type': 'application/json', ...local.headers }, local.body, method !== 'HEAD');
        return;
      }
      const matched = routes
        .map((candidate) => ({ candidate, match: candidate.pattern.exec(url.pathname) }))
        .filter((found) => found.match !== null);
      const exact = matched.find((found) => found.candidate.route.method === method);
      if (!exact || !exact.match) {
        status = matched.length > 0 ? 405 : 404;
        send(response, status, { 'content-type': 'application/json' }, JSON.stringify({ message: status === 404 ? 'Not Found' : 'Method Not Allowed' }), true);
        return;
      }
      const { candidate, match } = exact;
      let claims: Record<string, string> | undefined;
      if (candidate.route.auth === 'jwt') {
        const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
        try {
          if (!bearer) throw new Error('no token');
          claims = asGatewayClaims(await options.identity.verify(bearer));
        } catch {
          status = 401;
          send(response, 401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, JSON.stringify({ message: 'Unauthorized' }), true);
          return;
        }
      }
      const pathParameters = Object.fromEntries(candidate.params.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
      const queryStringParameters: Record<string, string> = {};
      for (const [name, value] of url.searchParams) queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
      const now = new Date();
      const routeKey = `${candidate.route.method} ${candidate.route.path}`;
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers: { ...headers, 'x-forwarded-proto': 'http' },
        ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
        ...(candidate.params.length ? { pathParameters } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          requestId: randomUUID(),
          routeKey,
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
          ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
        } as APIGatewayProxyEventV2['requestContext'],
        ...(body !== '' ? { body } : {}),
        isBase64Encoded: false,
      };
      const result = (await options.invoke(candidate.functionName, event)) as APIGatewayProxyStructuredResultV2;
      status = result.statusCode ?? 200;
      const resultBody = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64').toString('utf8') : (result.body ?? '');
      const resultHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
      send(response, status, resultHeaders, resultBody, method !== 'HEAD');
    } catch (error) {
      status = (error as { status?: number }).status ?? 500;
      log(`! ${method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) send(response, status, { 'content-type': 'application/json' }, JSON.stringify({ message: status === 413 ? 'Request Entity Too Large' : 'Internal Server Error' }), true);
    } finally {
      if (!url.pathname.startsWith('/_local/')) log(`${method} ${url.pathname} ${status} ${Date.now() - started}ms`);
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
