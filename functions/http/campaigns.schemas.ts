import * as z from 'zod/mini';
import { campaignStatuses, campaignTypes } from '#domain/campaigns';
import { described, isoDate, named, pageQuery, reason, text } from './schemas.ts';

/** Campaigns: what marketing operations send, and how a campaign is shown. */

const budgetHolder = described(
  z.string().check(z.trim(), z.toLowerCase(), z.minLength(1, 'is required'), z.maxLength(20, 'is longer than 20 characters')),
  'The CRM budget holder code; only chnl and ptnr campaigns carry partner leads',
);

export const CreateCampaign = named(
  'CreateCampaign',
  z.strictObject({
    name: text(200),
    type: described(z.enum(campaignTypes), 'MDF, Joint (recalled when not acted on), Partner Sponsored or Partner Managed'),
    channelPartnerName: described(text(200), "Must equal the partner account's legal name exactly"),
    budgetHolder,
    status: z._default(z.enum(campaignStatuses), 'Planned'),
    startDate: z.optional(isoDate),
    endDate: z.optional(isoDate),
  }),
);
export type CreateCampaign = z.infer<typeof CreateCampaign>;

export const UpdateCampaign = named(
  'UpdateCampaign',
  z.strictObject({
    name: z.optional(text(200)),
    type: z.optional(z.enum(campaignTypes)),
    channelPartnerName: z.optional(text(200)),
    budgetHolder: z.optional(budgetHolder),
    status: described(z.optional(z.enum(campaignStatuses)), 'Aborted stops the campaign from carrying partner leads'),
    startDate: z.optional(isoDate),
    endDate: z.optional(isoDate),
    reason: described(z.optional(reason), 'Why (kept in the history)'),
  }),
);
export type UpdateCampaign = z.infer<typeof UpdateCampaign>;

export const ListCampaignsQuery = z.strictObject({ ...pageQuery() });
export type ListCampaignsQuery = z.infer<typeof ListCampaignsQuery>;

const reasonView = z.object({ rule: z.string(), message: z.string() });

export const CampaignView = named(
  'Campaign',
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(campaignTypes),
    channelPartnerName: z.string(),
    budgetHolder: z.string(),
    status: z.enum(campaignStatuses),
    startDate: z.optional(z.string()),
    endDate: z.optional(z.string()),
    carriesPartnerLeads: described(z.boolean(), 'Whether leads of this campaign can be shared with its channel partner'),
    whyNot: described(z.array(reasonView), 'Every reason it cannot (empty when it can)'),
    history: z.optional(z.array(z.record(z.string(), z.unknown()))),
  }),
);
