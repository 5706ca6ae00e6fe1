import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { NotFound } from '../errors.ts';
import type { HttpResponse } from '../http.ts';
import { logger } from '../logger.ts';
import { authClaims } from './auth-claims.ts';
import { httpErrors } from './http-errors.ts';

/**
 * A route group's Lambda handler. Cross-cutting work sits here once: structured
 * logs with the request id as correlation id, problem+json for every error, the
 * caller from the JWT claims. Each route adds its own parsing (and idempotency)
 * and is picked by the `routeKey` API Gateway (or the local server) matched, e.g.
 * `POST /mdf/requests/{id}/cancel`.
 */
// biome-ignore lint: a route's event type is narrowed by its own middleware.
type AnyEvent = any;
export type Route = (event: AnyEvent, context: Context) => Promise<HttpResponse>;

/** A route: its handler behind its own middleware (parsing, idempotency), in order. */
export const route = <E>(handler: (event: E) => Promise<HttpResponse>, ...middleware: MiddlewareObj<AnyEvent, HttpResponse>[]): Route => {
  const chain = middy<AnyEvent, HttpResponse>(handler as (event: AnyEvent) => Promise<HttpResponse>);
  for (const each of middleware) chain.use(each);
  return (event, context) => chain(event, context);
};

export interface HttpApiOptions {
  /** The routes are behind the JWT authorizer: read the caller's claims. Default true. */
  signedIn?: boolean;
}

export const httpApi = (routes: Record<string, Route>, options: HttpApiOptions = {}) => {
  const chain = middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(injectLambdaContext(logger))
    // Every log line of the request carries API Gateway's request id.
    .use({ before: async (request) => logger.setCorrelationId(request.event.requestContext?.requestId) })
    .use(httpErrors());
  if (options.signedIn ?? true) chain.use(authClaims() as MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>);
  return chain.handler((event, context) => {
    const handler = routes[event.routeKey];
    if (!handler) throw new NotFound(`The route ${event.routeKey}`);
    return handler(event, context);
  });
};
