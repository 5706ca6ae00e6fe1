import type { SharedSummary } from '#domain/lead-imports';
import type { Lead } from '#domain/leads';
import { pendingDays, UPDATE_AFTER_ACCEPTANCE_DAYS, type RecallPhase } from '#domain/recall';
import type { Partner } from '#domain/partner';
import { render } from './layout.ts';

/** Emails to a partner's Partner Contact (its lead manager) about leads: one function per message. */

/** Leads listed in one email at most; the rest are counted and in the partner portal. */
export const MAX_LISTED = 200;

const nameOf = (lead: Pick<SharedSummary, 'name' | 'company'>) => (lead.company ? `${lead.name}, ${lead.company}` : lead.name);

const recallTerms = (phase: RecallPhase): string =>
  phase === 'final'
    ? `Joint campaign leads not accepted within ${pendingDays.final} days, or accepted but without a lead status within ${UPDATE_AFTER_ACCEPTANCE_DAYS} days of acceptance, are recalled.`
    : `Joint campaign leads still Pending ${pendingDays[phase]} days after sharing are recalled.`;

/** One email per import to each partner with new leads, listing them. */
export const newLeadsShared = (partner: Partner, leads: readonly SharedSummary[], total: number, importId: string, phase: RecallPhase) => {
  const contact = partner.partnerContact;
  const listed = leads.slice(0, MAX_LISTED);
  const more = total - listed.length;
  const pending = leads.some((lead) => lead.shareStatus === 'Pending');
  return render(contact ? [contact.email] : [], `${total} new lead${total === 1 ? '' : 's'} for ${partner.legalName}`, {
    greeting: `Hello ${contact?.name ?? partner.legalName},`,
    paragraphs: [
      `${total} new lead${total === 1 ? ' was' : 's were'} shared with ${partner.legalName}. They are in the partner portal under Leads.`,
      ...(pending ? [`Please accept or reject each Pending lead, and keep its lead status up to date. ${recallTerms(phase)}`] : []),
      ...(leads.some((lead) => lead.shareStatus === 'Accepted') ? ['Leads from MDF campaigns arrive accepted.'] : []),
    ],
    facts: listed.map((lead) => [nameOf(lead), `${lead.campaignName} — ${lead.shareStatus}`]),
    closing: [...(more > 0 ? [`…and ${more} more in the partner portal.`] : []), `Import ${importId}.`],
  });
};

/**
 * The partner's leads recalled by one sweep, every one listed with why (recalled leads
 * leave the portal, so the email is the partner's record; the sweep tells at most
 * 1,000 per email).
 */
export const leadsRecalled = (partner: Partner, leads: readonly Lead[]) => {
  const contact = partner.partnerContact;
  const count = leads.length;
  return render(contact ? [contact.email] : [], `${count} lead${count === 1 ? '' : 's'} recalled from ${partner.legalName}`, {
    greeting: `Hello ${contact?.name ?? partner.legalName},`,
    paragraphs: [
      `${count === 1 ? 'This lead was' : `These ${count} leads were`} not acted on in time and ${count === 1 ? 'has' : 'have'} gone back to our team for follow-up. ${count === 1 ? 'It is' : 'They are'} no longer in your partner portal and will not be shared again.`,
    ],
    facts: leads.map((lead) => [
      nameOf({ name: [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email, ...(lead.company ? { company: lead.company } : {}) }),
      `${lead.campaignName}: ${lead.recallReason ?? 'recalled'}`,
    ]),
  });
};
