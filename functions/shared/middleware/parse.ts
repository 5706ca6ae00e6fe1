import type { MiddlewareObj } from '@middy/core';
import { parse as parseWithPowertools } from '@aws-lambda-powertools/parser';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { BadInput, UnsupportedMediaType, type FieldError } from '../errors.ts';

/**
 * Request parsing with zod through the Powertools parser: the body (JSON), the
 * query string and the path parameters each become typed values on the event,
 * or a 400 problem naming every wrong field.
 */
interface Issue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  code?: string;
  keys?: string[];
}

/** The parser's error carries the schema's issues (Standard Schema: an array; zod: `.issues`). */
const issuesOf = (error: unknown): Issue[] => {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  if (Array.isArray(cause)) return cause as Issue[];
  return ((cause as { issues?: Issue[] } | undefined)?.issues ?? []) as Issue[];
};

const fieldErrorsOf = (error: unknown, prefix: string): FieldError[] => {
  const issues = issuesOf(error);
  const fieldOf = (path: readonly (PropertyKey | { key: PropertyKey })[]) =>
    [prefix, ...path.map((segment) => String(typeof segment === 'object' ? segment.key : segment))].filter(Boolean).join('.') || 'body';
  if (issues.length === 0) return [{ field: prefix || 'body', message: 'is not valid' }];
  return issues.flatMap((issue) =>
    // A field the request may not carry is named itself (e.g. a partnerId in the body: identity comes from the token).
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ field: fieldOf([...(issue.path ?? []), key]), message: 'is not a field of this request' }))
      : [{ field: fieldOf(issue.path ?? []), message: issue.message }],
  );
};

interface RawHttpEvent {
  body?: unknown;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  query?: unknown;
  params?: unknown;
}

const bodyText = (event: RawHttpEvent): string => {
  if (typeof event.body !== 'string') return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** The JSON body, validated by `schema`. */
export const parseBody = (schema: StandardSchemaV1): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const contentType = request.event.headers?.['content-type'] ?? '';
    const text = bodyText(request.event);
    if (text !== '' && contentType !== '' && !/^application\/(.+\+)?json\b/i.test(contentType)) {
      throw new UnsupportedMediaType(`The body must be application/json, not ${contentType}.`);
    }
    if (text.trim() === '') throw new BadInput([{ field: 'body', message: 'a JSON body is required' }]);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BadInput([{ field: 'body', message: `is not valid JSON (${(error as Error).message})` }]);
    }
    const result = parseWithPowertools(json, undefined, schema, true);
    if (!result.success) throw new BadInput(fieldErrorsOf(result.error, ''));
    request.event.body = result.data;
  },
});

/** The query string, validated by `schema` (fields are strings; coerce in the schema). */
export const parseQuery = (schema: StandardSchemaV1): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const result = parseWithPowertools(request.event.queryStringParameters ?? {}, undefined, schema, true);
    if (!result.success) throw new BadInput(fieldErrorsOf(result.error, 'query'));
    request.event.query = result.data;
  },
});

/** The path parameters, validated by `schema`. */
export const parsePath = (schema: StandardSchemaV1): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const result = parseWithPowertools(request.event.pathParameters ?? {}, undefined, schema, true);
    if (!result.success) throw new BadInput(fieldErrorsOf(result.error, 'path'));
    request.event.params = result.data;
  },
});
