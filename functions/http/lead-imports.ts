import { emptyCounts, type LeadImport } from '#domain/lead-imports';
import type { ReadRow } from '#domain/lead-rows';
import { leadStaffRoles } from '#domain/leads';
import * as leadImports from '#store/lead-imports';
import { clock } from '#shared/clock';
import { Forbidden, NotFound } from '#shared/errors';
import { actorOf, hasAnyRole, json, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parsePath, parseQuery } from '#shared/middleware/parse';
import { startLeadImport } from '#workflow/lead-import';
import { readLeadFile } from './lead-file.ts';
import { ImportQuery, ImportRowsQuery, ListImportsQuery } from './lead-imports.schemas.ts';
import { importView } from './lead-imports.views.ts';
import { idParam } from './schemas.ts';

/**
 * Lead imports by marketing operations. `POST /leads/import` checks the whole file
 * first (a bad file is refused naming line and column, one with more than 10,000
 * leads before any work), stores its rows in chunks, records the job and starts the
 * import workflow; it answers 202 with the job, which `GET /leads/imports/{id}`
 * shows as it progresses.
 */
const requireLeadStaff = (auth: Auth) => {
  if (!hasAnyRole(auth, leadStaffRoles)) throw new Forbidden('Leads are imported by marketing operations.', 'marketing-operations');
};

/** A chunk holds up to this many rows, and about this much JSON, whichever comes first (stored gzipped). */
const CHUNK_ROWS = 2000;
const CHUNK_CHARS = 1_500_000;
/** Chunks written at once. */
const CHUNK_WRITES = 2;
/** If the workflow has not started the import by then, the sweep starts it. */
const START_GRACE_MS = 2 * 60_000;

const importLeads = async (event: HttpEvent<unknown, ImportQuery> & { body?: string; isBase64Encoded?: boolean }) => {
  requireLeadStaff(event.auth);
  const file = readLeadFile(event);
  const now = clock.now();
  const at = now.toISOString();
  const id = newId('imp');
  // The chunks first: a job is recorded only once every row it names is stored. Chunks of
  // rows go out as they fill, a couple at a time, so the rows are never all held at once.
  let chunks = 0;
  const writing: Promise<void>[] = [];
  let chunk: ReadRow[] = [];
  let chars = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    for (const packed of leadImports.packChunks(chunk)) {
      writing.push(leadImports.putChunk(id, chunks, packed, now));
      chunks += 1;
      if (writing.length >= CHUNK_WRITES) await writing.shift();
    }
    chunk = [];
    chars = 0;
  };
  try {
    for (const row of file.rows()) {
      chunk.push(row);
      chars += JSON.stringify(row).length;
      if (chunk.length >= CHUNK_ROWS || chars >= CHUNK_CHARS) await flush();
    }
    await flush();
    await Promise.all(writing);
  } catch (error) {
    // Nothing names these chunks (no job yet); they expire with their TTL.
    await Promise.allSettled(writing);
    throw error;
  }
  const job: LeadImport = {
    id,
    format: file.format,
    ...(event.query.fileName ? { fileName: event.query.fileName } : {}),
    status: 'Queued',
    submittedBy: { id: event.auth.userId, name: event.auth.name, email: event.auth.email },
    receivedAt: at,
    chunks,
    chunksDone: 0,
    counts: emptyCounts(file.count),
    version: 1,
    updatedAt: at,
  };
  await leadImports.create(
    job,
    { at, by: actorOf(event.auth), action: 'received', to: 'Queued', details: { rows: file.count, format: file.format } },
    new Date(now.getTime() + START_GRACE_MS).toISOString(),
  );
  try {
    await startLeadImport(job);
  } catch (error) {
    logger.warn('The import workflow could not be started now; the sweep will start it', { importId: id, error: (error as Error).name });
  }
  logger.info('Lead import received', { importId: id, rows: file.count, chunks, format: file.format });
  return json(202, importView(job), { location: `/leads/imports/${id}` });
};

const list = async (event: HttpEvent<unknown, ListImportsQuery>) => {
  requireLeadStaff(event.auth);
  const page = await leadImports.list(event.query.limit, event.query.cursor);
  return ok({ items: page.items.map((job) => importView(job)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

/** The job, its history, and a page of the rows that were not shared (held back with reasons, failed with line numbers…). */
const read = async (event: HttpEvent<unknown, ImportRowsQuery, { id: string }>) => {
  requireLeadStaff(event.auth);
  const [job, history, rows] = await Promise.all([
    leadImports.get(event.params.id),
    leadImports.history(event.params.id),
    leadImports.results(event.params.id, 10, event.query.cursor),
  ]);
  if (!job) throw new NotFound('The lead import');
  return ok(importView(job, { rows, history }));
};

export const handler = httpApi({
  'POST /leads/import': route(importLeads, parseQuery(ImportQuery), idempotent('POST /leads/import')),
  'GET /leads/imports': route(list, parseQuery(ListImportsQuery)),
  'GET /leads/imports/{id}': route(read, parsePath(idParam), parseQuery(ImportRowsQuery)),
});
