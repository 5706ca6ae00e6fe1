import * as z from 'zod/mini';
import { isIsoDate } from '#domain/calendar';

/**
 * Field shapes shared by the API's schemas. zod/mini: the same validation and JSON
 * Schema as classic zod, tree-shakable, so each function carries only what it uses.
 */

export const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD'), z.refine(isIsoDate, 'is not a calendar date'));

/** A whole number between `min` and `max`. */
export const whole = (min: number, max: number, what = 'number') =>
  z.number({ error: `must be a whole ${what}` }).check(z.int(`must be a whole ${what}`), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`));

/** Money in integer cents of USD. */
export const cents = (min = 0) =>
  z.number({ error: 'must be a whole number of cents' }).check(
    z.int('must be a whole number of cents'),
    z.gte(min, min === 0 ? 'cannot be negative' : 'must be more than zero'),
    z.lte(100_000_000_000_00, 'is larger than the program handles'),
  );

export const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(max, `is longer than ${max} characters`));

export const reason = text(2000);

export const described = <S extends z.ZodMiniType>(schema: S, description: string): S => schema.check(z.describe(description)) as S;

/** Pagination of list endpoints: `limit` (1–`max`, default 25) and the opaque `cursor` of the previous page. */
export const pageQuery = (max = 100) => ({
  limit: z._default(z.coerce.number().check(z.int('must be a whole number'), z.gte(1, 'must be at least 1'), z.lte(max, `must be at most ${max}`)), 25),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: described(z.optional(z.string()), 'Pass as `cursor` to get the next page') });

export const idParam = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });

/** A schema the OpenAPI document names (components/schemas/<id>). */
export const named = <S extends z.ZodMiniType>(id: string, schema: S): S => {
  z.globalRegistry.add(schema, { id });
  return schema;
};

export const problemSchema = named(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.optional(z.string()),
    rule: described(z.optional(z.string()), 'The business rule that refused the request (422)'),
    errors: described(z.optional(z.array(z.object({ field: z.string(), message: z.string() }))), 'Field errors (400)'),
  }),
);
