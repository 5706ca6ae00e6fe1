import { z } from 'zod';
import { isIsoDate } from '#domain/calendar';

/** Field shapes shared by the API's schemas. */

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(isIsoDate, 'is not a calendar date');

/** Money in integer cents of USD. */
export const cents = z
  .number({ error: 'must be a whole number of cents' })
  .int('must be a whole number of cents')
  .min(0, 'cannot be negative')
  .max(100_000_000_000_00, 'is larger than the program handles');

export const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `is longer than ${max} characters`);

export const reason = text(2000);

/** Pagination of list endpoints: `limit` (1–100, default 25) and the opaque `cursor` of the previous page. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional().describe('Pass as `cursor` to get the next page') });

export const idParam = z.object({ id: z.string().min(1).max(100) });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    rule: z.string().optional().describe('The business rule that refused the request (422)'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe('Field errors (400)'),
  })
  .meta({ id: 'Problem' });
