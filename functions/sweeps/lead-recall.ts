import { recallTold, recalled, type Lead } from '#domain/leads';
import { leadsRecalled } from '#email/lead-emails';
import { sendEmail } from '#email/send';
import * as leadRecalls from '#store/lead-recalls';
import * as leads from '#store/leads';
import * as partners from '#store/partners';
import { transact, TransactionRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { logger } from '#shared/logger';

/**
 * Lead recall, as two kinds of due work of the sweep.
 *
 * `lead-recall`: a Joint lead whose deadline passed. The domain rules decide again on
 * the lead as read (the index copy may be a moment old); one conditional write (on the
 * lead's version) recalls it, so sweeps that repeat or overlap recall it once. The
 * recalled lead waits, in the due index, for its partner to be told.
 *
 * `lead-recall-notice`: a recalled lead whose partner was not told. One sweep takes
 * the partner's short lease, marks every untold recalled lead of that partner told
 * (adding them to the recall counts per partner and campaign in the same
 * transactions), then sends one email listing them. The other untold leads of that
 * partner the sweep comes to find nothing left to tell. Should the email fail, the
 * leads are marked untold again for the next sweep.
 */
type Outcome = 'done' | 'skipped';

/** Leads told in one email at most (more wait for the next sweep). */
const MAX_PER_EMAIL = 1000;
const LEASE_MS = 5 * 60_000;

export const recallDueLead = async (item: Item): Promise<Outcome> => {
  const lead = leads.fromItem(item);
  const verdict = recalled(lead, clock.now());
  if (!verdict.ok) {
    logger.info('Lead not recalled', { leadId: lead.id, rule: verdict.rule });
    return 'skipped';
  }
  if (!(await leads.replace(verdict.value, lead.version))) return 'skipped';
  logger.info('Lead recalled', { leadId: lead.id, partnerId: lead.partnerId, rule: verdict.value.recallRule });
  return 'done';
};

/** Marks leads told (or untold again, `back`), with the recall counts, in transactions of up to 100 items per campaign. */
const markTold = async (untold: readonly Lead[], at: string, back = false): Promise<Lead[]> => {
  const byCampaign = new Map<string, Lead[]>();
  for (const lead of untold) byCampaign.set(lead.campaignId, [...(byCampaign.get(lead.campaignId) ?? []), lead]);
  const marked: Lead[] = [];
  const write = async (group: readonly Lead[]) => {
    const first = group[0] as Lead;
    const changed = group.map((lead) => (back ? { ...lead, recallNoticePending: true, version: lead.version + 1, updatedAt: at } : recallTold(lead, at)));
    await transact([
      ...changed.map((lead, index) => leads.replaceItem(lead, (group[index] as Lead).version)),
      leadRecalls.countItem(
        { partnerId: first.partnerId ?? '', partnerName: first.partnerName ?? '', campaignId: first.campaignId, campaignName: first.campaignName, campaignType: first.campaignType },
        back ? -group.length : group.length,
        at,
      ),
    ]);
    marked.push(...changed);
  };
  for (const group of byCampaign.values()) {
    for (let start = 0; start < group.length; start += 99) {
      const slice = group.slice(start, start + 99);
      try {
        await write(slice);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        // One lead changed since it was read (another sweep told it): the others one by one.
        for (const lead of slice) {
          const fresh = await leads.get(lead.id, true);
          if (!fresh || fresh.state !== 'recalled' || Boolean(fresh.recallNoticePending) === back) continue;
          await write([fresh]).catch((failure: unknown) => {
            if (!(failure instanceof TransactionRefused)) throw failure;
          });
        }
      }
    }
  }
  return marked;
};

/**
 * Leads this container told lately: the other untold leads of a partner the sweep reads in
 * the same page were told with the first one, so they are skipped without taking the lease.
 */
const toldLately = new Set<string>();
const remember = (told: readonly Lead[]) => {
  if (toldLately.size > 20_000) toldLately.clear();
  for (const lead of told) toldLately.add(lead.id);
};

export const tellRecalledPartner = async (item: Item): Promise<Outcome> => {
  const { id, partnerId } = leads.fromItem(item);
  if (!partnerId || toldLately.has(id)) return 'skipped';
  const now = clock.now();
  const leaseId = await leadRecalls.takeNoticeLease(partnerId, now, LEASE_MS);
  if (!leaseId) return 'skipped';
  try {
    const untold = (await leads.untoldRecallsOf(partnerId, MAX_PER_EMAIL)).filter((lead) => lead.state === 'recalled' && lead.recallNoticePending);
    if (untold.length === 0) return 'skipped';
    const at = now.toISOString();
    const told = await markTold(untold, at);
    if (told.length === 0) return 'skipped';
    remember(told);
    const partner = await partners.get(partnerId);
    if (!partner?.partnerContact) {
      logger.warn('Leads recalled from a partner without a Partner Contact: nobody to tell', { partnerId, leads: told.length });
      return 'done';
    }
    try {
      await sendEmail(leadsRecalled(partner, told));
    } catch (error) {
      for (const lead of told) toldLately.delete(lead.id);
      await markTold(told, clock.now().toISOString(), true);
      throw error;
    }
    logger.info('Partner told of recalled leads', { partnerId, leads: told.length });
    return 'done';
  } finally {
    await leadRecalls.releaseNoticeLease(partnerId, leaseId);
  }
};
