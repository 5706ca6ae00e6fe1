import type { Partner } from './partner.ts';
import { refuse, type Refusal } from './verdict.ts';

/**
 * Marketing campaigns whose leads may be shared with partners. Marketing operations
 * maintain them; every lead arrives as a member of one.
 */
export const campaignTypes = ['MDF', 'Joint', 'Partner Sponsored', 'Partner Managed'] as const;
export type CampaignType = (typeof campaignTypes)[number];

export const campaignTypeMeanings: Record<CampaignType, string> = {
  MDF: 'funded from market development funds; its leads are accepted on arrival and never recalled',
  Joint: 'paid by the company and run with the partner; its leads are recalled when the partner does not act on them',
  'Partner Sponsored': 'the partner sponsors a company event; its leads are never recalled',
  'Partner Managed': "the partner's own campaign; its leads are never recalled",
};

/** The campaign statuses of the CRM; only Aborted matters to the rules. */
export const campaignStatuses = ['Planned', 'In Progress', 'Completed', 'Aborted'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** Budget holders whose campaigns may carry partner leads: the channel team and the partner. */
export const partnerBudgetHolders = ['chnl', 'ptnr'] as const;

export interface Campaign {
  id: string;
  name: string;
  type: CampaignType;
  /** Must equal the partner account's legal name exactly for the campaign to carry that partner's leads. */
  channelPartnerName: string;
  /** The CRM's budget holder code, e.g. `chnl`, `ptnr`, `mktg`. */
  budgetHolder: string;
  status: CampaignStatus;
  startDate?: string;
  endDate?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * Why a campaign cannot carry `partner`'s leads, every reason at once (empty when it
 * can). Without a partner, the partner-name rule is checked against `namedPartners`:
 * the partners whose legal name is exactly the campaign's channel partner name.
 */
export const campaignRefusals = (campaign: Campaign, partner: Pick<Partner, 'legalName'> | undefined, namedPartners?: readonly Pick<Partner, 'legalName'>[]): Refusal[] => {
  const refusals: Refusal[] = [];
  if (partner) {
    if (campaign.channelPartnerName !== partner.legalName) {
      refusals.push(
        refuse(
          'campaigns.channel-partner-matches',
          `The campaign "${campaign.name}" names the channel partner "${campaign.channelPartnerName}", not "${partner.legalName}" exactly.`,
        ),
      );
    }
  } else if (namedPartners && !namedPartners.some((named) => named.legalName === campaign.channelPartnerName)) {
    refusals.push(
      refuse('campaigns.channel-partner-matches', `No partner account is named exactly "${campaign.channelPartnerName}", the campaign's channel partner name.`),
    );
  }
  if (!(partnerBudgetHolders as readonly string[]).includes(campaign.budgetHolder)) {
    refusals.push(
      refuse('campaigns.budget-holder-chnl-or-ptnr', `The campaign's budget holder is "${campaign.budgetHolder}"; only chnl or ptnr campaigns carry partner leads.`),
    );
  }
  if (campaign.status === 'Aborted') refusals.push(refuse('campaigns.not-aborted', `The campaign "${campaign.name}" is Aborted.`));
  return refusals;
};

/** Budget holder codes are compared as the CRM writes them: trimmed, lower case. */
export const normalizedBudgetHolder = (code: string): string => code.trim().toLowerCase();
