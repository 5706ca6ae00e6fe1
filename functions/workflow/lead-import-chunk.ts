import * as z from 'zod/mini';
import type { Campaign } from '#domain/campaigns';
import { countOf, emptyCounts, IMPORT_STALL_MS, type ImportCounts, type LeadImport, type ResultRow } from '#domain/lead-imports';
import type { LeadRow, ReadRow } from '#domain/lead-rows';
import { importRow, leadIdOf, type ImportContext, type Lead, type RowOutcome } from '#domain/leads';
import type { Partner } from '#domain/partner';
import * as campaigns from '#store/campaigns';
import * as leadImports from '#store/lead-imports';
import * as leads from '#store/leads';
import * as partners from '#store/partners';
import { TransactionRefused } from '#store/table';
import * as users from '#store/users';
import { MAX_LISTED } from '#email/lead-emails';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';
import { recallPhaseInForce } from './lead-import.ts';
import { workflowTask } from './task.ts';

/**
 * One step of a lead import: the next chunk of the file (up to 1,000 rows) becomes
 * leads. The job's lock makes imports run one at a time; the chunk's leads are read
 * in one consistent BatchGet, decided by the domain rules, new leads written with
 * BatchWriteItem and changed ones with a conditional write each; then the job's
 * figures and the chunk's results move in one transaction that only the first attempt
 * at this chunk can make. Running a chunk again (a retry) writes nothing new: every
 * row already applied is recognised by its lead's membership (import and line).
 */
const recallPhase = recallPhaseInForce();

/** How long one chunk may hold the import lock before another import may take it over. */
const LOCK_HOLD_MS = 10 * 60_000;
/** Changed leads written at once. */
const UPDATE_PARALLEL = 8;
/** Attempts at a lead someone else changed while the chunk was deciding on it. */
const CONFLICT_ATTEMPTS = 3;

/** Another import holds the lock: the workflow retries this step later (Retry on `Leads.ImportBusy`). */
export class ImportBusy extends Error {
  override name = 'Leads.ImportBusy';
}

export interface ChunkProgress {
  done: boolean;
  chunksDone: number;
  chunks: number;
}

interface Applied {
  outcome: RowOutcome;
  row: LeadRow;
  lead?: Lead;
}

/**
 * What the import has looked up in this invocation: campaigns, partners and default
 * assignees by id (undefined: looked up, not there). An invocation runs under a minute,
 * so a campaign changed meanwhile counts from the next invocation on.
 */
export interface Lookups {
  campaigns: Map<string, Campaign | undefined>;
  partners: Map<string, Partner | undefined>;
  assignees: Map<string, { id: string; name: string } | undefined>;
}

export const newLookups = (): Lookups => ({ campaigns: new Map(), partners: new Map(), assignees: new Map() });

/** Campaigns, partners and default assignees the chunk's rows and leads name, read once per invocation. */
const contextFor = async (job: LeadImport, rows: readonly LeadRow[], existing: Map<string, Lead>, at: string, known: Lookups): Promise<ImportContext> => {
  const campaignIds = new Set(rows.map((row) => row.campaignId));
  for (const lead of existing.values()) campaignIds.add(lead.campaignId);
  const partnerIds = new Set(rows.flatMap((row) => (row.partnerAccountId ? [row.partnerAccountId] : [])));
  for (const lead of existing.values()) if (lead.partnerAccountId) partnerIds.add(lead.partnerAccountId);
  const newCampaigns = [...campaignIds].filter((id) => !known.campaigns.has(id));
  const newPartners = [...partnerIds].filter((id) => !known.partners.has(id));
  const [campaignsById, partnerList] = await Promise.all([
    newCampaigns.length ? campaigns.getMany(newCampaigns) : new Map<string, Campaign>(),
    Promise.all(newPartners.map((id) => partners.get(id))),
  ]);
  for (const id of newCampaigns) known.campaigns.set(id, campaignsById.get(id));
  newPartners.forEach((id, index) => known.partners.set(id, partnerList[index]));
  // New leads go to the partner user who is the Partner Contact, when there is one.
  await Promise.all(
    newPartners.map(async (id) => {
      const partner = known.partners.get(id);
      const contact = partner?.partnerContact ? await users.getByEmail(partner.partnerContact.email) : undefined;
      known.assignees.set(id, contact?.active && contact.partnerId === id ? { id: contact.id, name: contact.name } : undefined);
    }),
  );
  return {
    importId: job.id,
    at,
    phase: recallPhase,
    actor: { id: job.submittedBy.id, name: job.submittedBy.name, kind: 'internal-user' },
    campaign: (id: string): Campaign | undefined => known.campaigns.get(id),
    partner: (id: string): Partner | undefined => known.partners.get(id),
    defaultAssignee: (partner: Partner) => known.assignees.get(partner.id),
  };
};

/** Applies the rows of one lead in file order to `lead`. */
const applyRows = (lead: Lead | undefined, rows: readonly LeadRow[], ctx: ImportContext): { lead: Lead | undefined; changed: boolean; applied: Applied[] } => {
  let current = lead;
  let changed = false;
  const applied: Applied[] = [];
  for (const row of rows) {
    const result = importRow(current, row, ctx);
    if (result.changed && result.lead) {
      current = result.lead;
      changed = true;
    }
    applied.push({ outcome: result.outcome, row, ...(current ? { lead: current } : {}) });
  }
  return { lead: current, changed, applied };
};

const runAll = async <T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++) await work(items[index] as T);
    }),
  );
};

/** A chunk's rows and the leads they name, as read before deciding on them. */
export interface ChunkRead {
  index: number;
  rows: readonly ReadRow[];
  /** The leads the rows name that exist, by id. */
  existing: Map<string, Lead>;
  ms: number;
}

/** Reads chunk `index` of the file and, in one consistent BatchGet, the leads its rows name. */
export const readChunk = async (importId: string, index: number): Promise<ChunkRead | undefined> => {
  const started = performance.now();
  const rows = await leadImports.chunk(importId, index);
  if (!rows) return undefined;
  const existing = await leads.getMany(rows.flatMap((read) => (read.ok ? [leadIdOf(read.row.email)] : [])));
  return { index, rows, existing, ms: Math.round(performance.now() - started) };
};

/**
 * Turns a chunk's rows into leads: what happened to each row, in file order, and the
 * leads as written (the next chunk decides on these, whatever its own read saw).
 * `decided` is called once every lead is decided, before the writes.
 */
export const applyChunk = async (
  job: LeadImport,
  chunk: ChunkRead,
  now: Date,
  timings: Record<string, number> = {},
  decided: () => void = () => undefined,
  known: Lookups = newLookups(),
): Promise<{ results: Map<number, Applied | { failed: ResultRow }>; written: Map<string, Lead> }> => {
  const at = now.toISOString();
  const results = new Map<number, Applied | { failed: ResultRow }>();
  const written = new Map<string, Lead>();
  const valid: LeadRow[] = [];
  for (const read of chunk.rows) {
    if (read.ok) valid.push(read.row);
    else {
      results.set(read.line, {
        failed: {
          line: read.line,
          ...(read.email ? { email: read.email } : {}),
          outcome: 'failed',
          reasons: read.problems.map((problem) => ({ rule: `leads.row.${problem.field}`, message: `${problem.field} ${problem.message}` })),
        },
      });
    }
  }
  const byLead = new Map<string, LeadRow[]>();
  for (const row of valid) {
    const id = leadIdOf(row.email);
    byLead.set(id, [...(byLead.get(id) ?? []), row]);
  }
  let mark = performance.now();
  const lap = (name: string) => {
    const next = performance.now();
    timings[name] = Math.round(next - mark);
    mark = next;
  };
  const { existing } = chunk;
  const ctx = await contextFor(job, valid, existing, at, known);

  const created: Lead[] = [];
  const updated: { lead: Lead; expected: number; rows: LeadRow[] }[] = [];
  for (const [id, leadRows] of byLead) {
    const before = existing.get(id);
    const { lead, changed, applied } = applyRows(before, leadRows, ctx);
    for (const each of applied) results.set(each.row.line, each);
    if (!changed || !lead) continue;
    if (before) updated.push({ lead, expected: before.version, rows: leadRows });
    else created.push(lead);
  }
  lap('decide');
  decided();
  await leads.putNew(created);
  for (const lead of created) written.set(lead.id, lead);
  lap('writeNew');
  await runAll(updated, UPDATE_PARALLEL, async (update) => {
    let attempt = { lead: update.lead, expected: update.expected };
    for (let tries = 1; ; tries += 1) {
      if (await leads.replace(attempt.lead, attempt.expected)) {
        written.set(attempt.lead.id, attempt.lead);
        return;
      }
      // Someone changed the lead meanwhile (a partner accepted it, the sweep recalled it): decide again on what it is now.
      if (tries >= CONFLICT_ATTEMPTS) throw new Error(`Lead ${attempt.lead.id} kept changing while the import wrote it`);
      const fresh = await leads.get(attempt.lead.id, true);
      const again = applyRows(fresh, update.rows, ctx);
      for (const each of again.applied) results.set(each.row.line, each);
      if (!again.changed || !again.lead || !fresh) {
        if (fresh) written.set(fresh.id, fresh);
        return;
      }
      attempt = { lead: again.lead, expected: fresh.version };
    }
  });
  lap('writeChanged');
  return { results, written };
};

/** The job's figures, result rows and new leads per partner of one chunk. */
const summarise = (results: Map<number, Applied | { failed: ResultRow }>) => {
  const counts: ImportCounts = emptyCounts(0);
  const rows: ResultRow[] = [];
  const shared: Record<string, leadImports.SharedOfChunk> = {};
  for (const line of [...results.keys()].sort((a, b) => a - b)) {
    const result = results.get(line);
    if (!result) continue;
    counts.processed += 1;
    if ('failed' in result) {
      counts.failed += 1;
      rows.push(result.failed);
      continue;
    }
    const { outcome, row, lead } = result;
    counts[countOf[outcome.kind]] += 1;
    if (outcome.kind === 'shared') {
      const entry = (shared[outcome.partnerId] ??= { partnerName: outcome.partnerName, count: 0, leads: [] });
      entry.count += 1;
      // The Partner Contact's email lists at most MAX_LISTED; the rest are counted.
      if (entry.leads.length < MAX_LISTED) entry.leads.push({
        leadId: lead?.id ?? leadIdOf(row.email),
        name: [lead?.firstName, lead?.lastName].filter(Boolean).join(' ') || row.email,
        ...(lead?.company ? { company: lead.company } : {}),
        campaignName: lead?.campaignName ?? row.campaignId,
        shareStatus: outcome.shareStatus,
      });
    } else {
      rows.push({ line, email: row.email, ...(lead ? { leadId: lead.id } : {}), outcome: outcome.kind, reasons: outcome.reasons });
    }
  }
  return { counts, rows, shared };
};

/** One invocation imports chunks for this long at most, then hands back to the workflow (the function may run 120 s). */
const INVOCATION_BUDGET_MS = 45_000;

/**
 * Imports the next chunks of `importId`, one after another, for at most `budgetMs` (one
 * chunk at least). While a chunk's leads are written, the next chunk and the leads it
 * names are read; the leads the chunk wrote then take the place of what that read saw, so
 * the next chunk decides on the leads as they are. Answers whether the whole file is
 * done; throws ImportBusy while another import runs.
 */
export const importChunks = async (importId: string, budgetMs = INVOCATION_BUDGET_MS): Promise<ChunkProgress> => {
  const started = Date.now();
  let prefetched: Promise<ChunkRead | undefined> | undefined;
  let carried = new Map<string, Lead>();
  const known = newLookups();
  for (;;) {
    const now = clock.now();
    const at = now.toISOString();
    let job = await leadImports.get(importId, true);
    if (!job) throw new Error(`No lead import ${importId}`);
    if (job.status === 'Completed' || job.status === 'Failed') return { done: true, chunksDone: job.chunksDone, chunks: job.chunks };
    const lock = await leadImports.lock(importId, now, LOCK_HOLD_MS);
    if (!lock.held) throw new ImportBusy(`Import ${lock.by} is running until ${lock.until} at the latest; import ${importId} waits its turn.`);
    if (job.status === 'Queued') {
      try {
        await leadImports.started(importId, at, new Date(now.getTime() + IMPORT_STALL_MS).toISOString(), {
          at,
          by: { id: 'system:lead-import', name: 'Lead import', kind: 'system' },
          action: 'started',
          from: 'Queued',
          to: 'Running',
        });
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
      }
      job = (await leadImports.get(importId, true)) ?? job;
      if (job.status !== 'Running') return { done: true, chunksDone: job.chunksDone, chunks: job.chunks };
    }
    if (job.chunksDone >= job.chunks) return { done: true, chunksDone: job.chunksDone, chunks: job.chunks };
    const index = job.chunksDone;
    const ahead = prefetched ? await prefetched : undefined;
    const chunk = ahead?.index === index ? ahead : await readChunk(importId, index);
    prefetched = undefined;
    if (!chunk) throw new Error(`Chunk ${index} of lead import ${importId} is missing`);
    // What the previous chunk wrote is what its leads are now, whatever the read ahead saw.
    const named = new Set(chunk.rows.flatMap((read) => (read.ok ? [leadIdOf(read.row.email)] : [])));
    for (const [id, lead] of carried) if (named.has(id)) chunk.existing.set(id, lead);
    const more = index + 1 < job.chunks && Date.now() - started < budgetMs;
    const timings: Record<string, number> = { readChunk: chunk.ms };
    const applying = performance.now();
    const { results, written } = await applyChunk(job, chunk, now, timings, () => {
      if (!more) return;
      prefetched = readChunk(importId, index + 1);
      prefetched.catch(() => undefined);
    }, known);
    carried = written;
    const summary = summarise(results);
    const applied = performance.now();
    try {
      await leadImports.chunkDone(importId, index, summary.counts, summary.rows, summary.shared, clock.now().toISOString(), new Date(clock.now().getTime() + IMPORT_STALL_MS).toISOString());
    } catch (error) {
      // Another attempt at this chunk recorded it first (or the import was ended meanwhile): its figures stand.
      if (!(error instanceof TransactionRefused)) throw error;
      logger.warn('Chunk already recorded', { importId, chunk: index });
      const after = await leadImports.get(importId, true);
      return { done: !after || after.status !== 'Running' || after.chunksDone >= after.chunks, chunksDone: after?.chunksDone ?? index, chunks: job.chunks };
    }
    logger.info('Lead import chunk done', {
      importId,
      chunk: index,
      chunks: job.chunks,
      ...summary.counts,
      ms: { ...timings, apply: Math.round(applied - applying), record: Math.round(performance.now() - applied) },
    });
    const progress = { done: index + 1 >= job.chunks, chunksDone: index + 1, chunks: job.chunks };
    if (progress.done || !more) return progress;
  }
};

/** Imports exactly one chunk (the next), if any. */
export const importNextChunk = (importId: string): Promise<ChunkProgress> => importChunks(importId, 0);

const Input = z.object({ importId: z.string().check(z.minLength(1)) });

export const handler = workflowTask(Input, ({ importId }) => importChunks(importId));
