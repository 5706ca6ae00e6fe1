import * as z from 'zod/mini';
import { importFormats, importStatuses, rowOutcomesNotShared } from '#domain/lead-imports';
import { described, named, pageQuery } from './schemas.ts';

/** Lead imports: the job as marketing operations follow it. */

export const ImportQuery = z.strictObject({
  fileName: described(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))), 'A name to show for the import (the file name)'),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export const ListImportsQuery = z.strictObject({ ...pageQuery() });
export type ListImportsQuery = z.infer<typeof ListImportsQuery>;

export const ImportRowsQuery = z.strictObject({
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type ImportRowsQuery = z.infer<typeof ImportRowsQuery>;

const counts = z.object({
  received: z.int(),
  processed: z.int(),
  shared: described(z.int(), 'New leads routed to a partner'),
  heldBack: z.int(),
  joined: described(z.int(), 'Leads that joined another campaign and stay with the partner of their first campaign'),
  alreadyImported: described(z.int(), 'Rows imported before (same email and campaign): no duplicates'),
  failed: z.int(),
});

const resultRow = z.object({
  line: described(z.int(), 'CSV: the line of the file; JSON: the position of the lead in the array (1-based)'),
  email: z.optional(z.string()),
  leadId: z.optional(z.string()),
  outcome: z.enum(rowOutcomesNotShared),
  reasons: z.array(z.object({ rule: z.string(), message: z.string() })),
});

export const LeadImportView = named(
  'LeadImport',
  z.object({
    id: z.string(),
    status: z.enum(importStatuses),
    format: z.enum(importFormats),
    fileName: z.optional(z.string()),
    submittedBy: z.string(),
    receivedAt: z.string(),
    startedAt: z.optional(z.string()),
    finishedAt: z.optional(z.string()),
    counts,
    progress: z.object({ percent: z.int(), chunksDone: z.int(), chunks: z.int() }),
    partnersNotified: z.optional(z.int()),
    error: described(z.optional(z.string()), 'Why the import failed, and how far it got'),
    rows: z.optional(z.object({ items: z.array(resultRow), nextCursor: z.optional(z.string()) })),
    history: z.optional(z.array(z.record(z.string(), z.unknown()))),
  }),
);
