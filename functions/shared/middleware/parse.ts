import type { MiddlewareObj } from '@middy/core';
import { parse as parseWithPowertools } from '@aws-lambda-powertools/parser';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import type { z } from 'zod';
import { BadInput, UnsupportedMediaType, type FieldError } from '../errors.ts';

/**
 * Request parsing with zod through the Powertools parser: the body (JSON), the
 * query string and the path parameters each become typed values on the event,
 * or a 400 problem naming every wrong field.
 */
const fieldErrorsOf = (error: unknown, prefix: string): FieldError[] => {
  const issues = (error as { issues?: z.core.$ZodIssue[] } | undefined)?.issues ?? [];
  if (issues.length === 0) return [{ field: prefix || 'body', message: 'is not valid' }];
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || 'body', message: issue.message };
  });
};

const causeOf = (error: unknown) => (error as { cause?: unknown }).cause ?? error;

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
export const parseBody = <S extends z.ZodType>(schema: S): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const contentType = request.event.headers?.['content-type'] ?? '';
    const text = bodyText(request.event);
    if (text !== '' && contentType !== '' && !/^application\/(.+\+)?json\b/i.test(contentType)) {
      throw new UnsupportedMediaType(`The body must be application/json, not ${contentType}.`);
    }
    if (text.trim() === '') throw new BadInput([{ field: 'body', message: 'a JSON body is required' }]);
    const result = parseWithPowertools(text, undefined, JSONStringified(schema), true);
    if (!result.success) throw new BadInput(fieldErrorsOf(causeOf(result.error), ''));
    request.event.body = result.data;
  },
});

/** The query string, validated by `schema` (fields are strings; coerce in the schema). */
export const parseQuery = <S extends z.ZodType>(schema: S): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const result = parseWithPowertools(request.event.queryStringParameters ?? {}, undefined, schema, true);
    if (!result.success) throw new BadInput(fieldErrorsOf(causeOf(result.error), 'query'));
    request.event.query = result.data;
  },
});

/** The path parameters, validated by `schema`. */
export const parsePath = <S extends z.ZodType>(schema: S): MiddlewareObj<RawHttpEvent> => ({
  before: async (request) => {
    const result = parseWithPowertools(request.event.pathParameters ?? {}, undefined, schema, true);
    if (!result.success) throw new BadInput(fieldErrorsOf(causeOf(result.error), 'path'));
    request.event.params = result.data;
  },
});
