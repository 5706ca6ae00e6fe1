import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/api-docs';
import { httpFunctions } from '../../lib/manifest.ts';
import { dynamoMock, writesSent } from './support/aws.ts';
import { headerOf, httpEvent, jsonOf, lambdaContext } from './support/events.ts';

/** The OpenAPI document describes every route the stack deploys. */
const ddb = dynamoMock();

const routes = httpFunctions.flatMap((fn) => fn.routes.map((route) => ({ fn: fn.name, ...route })));

describe('the API documentation', () => {
  it('GET /openapi.json answers an OpenAPI 3.1 document', async () => {
    // Act
    const response = await handler(httpEvent('GET /openapi.json'), lambdaContext('api-docs'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(headerOf(response, 'content-type')).toMatch(/^application\/json/);
    const document = jsonOf(response);
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://api.channel.example' }]);
    expect(writesSent(ddb)).toHaveLength(0);
  });

  it.each(routes)('documents $method $path ($fn)', async ({ method, path, auth }) => {
    // Act
    const response = await handler(httpEvent('GET /openapi.json'), lambdaContext('api-docs'));

    // Assess
    const paths = jsonOf(response).paths as Record<string, Record<string, { security?: unknown[] }>>;
    const operation = paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path} in paths`).toBeDefined();
    // public routes (email links, docs) say so; the others need the Cognito token
    expect(operation?.security, `${method} ${path} security`).toEqual(auth === 'none' ? [] : undefined);
  });

  it('documents no route the stack does not deploy', async () => {
    // Act
    const response = await handler(httpEvent('GET /openapi.json'), lambdaContext('api-docs'));

    // Assess
    const paths = jsonOf(response).paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('GET /docs answers a readable page with no scripts', async () => {
    // Act
    const response = await handler(httpEvent('GET /docs'), lambdaContext('api-docs'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(headerOf(response, 'content-type')).toMatch(/^text\/html/);
    expect(response.body).toContain('/mdf/requests/{id}/cancel');
    expect(response.body).not.toContain('<script');
  });
});
