import * as z from 'zod/mini';
import { campaignTypes } from '#domain/campaigns';
import { leadStates, leadStatuses, shareStatuses } from '#domain/leads';
import { described, named, pageQuery, reason, text } from './schemas.ts';

/** Leads: list filters, what partners send, and how a lead is shown. */

const id = z.string().check(z.minLength(1), z.maxLength(100));

export const ListLeadsQuery = z.strictObject({
  shareStatus: z.optional(z.enum(shareStatuses)),
  leadStatus: described(z.optional(z.enum([...leadStatuses, 'none'])), '`none`: accepted leads without a lead status yet'),
  campaignId: z.optional(id),
  partnerId: described(z.optional(id), 'Marketing operations: whose leads (required for them); partners always see their own'),
  ...pageQuery(),
});
export type ListLeadsQuery = z.infer<typeof ListLeadsQuery>;

export const HeldBackQuery = z.strictObject({ campaignId: z.optional(id), ...pageQuery() });
export type HeldBackQuery = z.infer<typeof HeldBackQuery>;

export const RecallCountsQuery = z.strictObject({ partnerId: z.optional(id), ...pageQuery() });
export type RecallCountsQuery = z.infer<typeof RecallCountsQuery>;

export const RejectLead = named('RejectLead', z.strictObject({ reason: described(reason, 'Why the partner will not work the lead') }));
export type RejectLead = z.infer<typeof RejectLead>;

export const ChangeLeadStatus = named(
  'ChangeLeadStatus',
  z.strictObject({
    status: described(z.enum(leadStatuses), 'Qualifying first, then Qualified or Disqualified (Converted to DR comes from converting the lead)'),
    reason: z.optional(text(2000)),
  }),
);
export type ChangeLeadStatus = z.infer<typeof ChangeLeadStatus>;

export const AssignLead = named('AssignLead', z.strictObject({ userId: described(id, 'A user of your organisation') }));
export type AssignLead = z.infer<typeof AssignLead>;

const reasonView = z.object({ rule: z.string(), message: z.string() });

export const LeadView = named(
  'Lead',
  z.object({
    id: z.string(),
    email: z.string(),
    firstName: z.optional(z.string()),
    lastName: z.optional(z.string()),
    phone: z.optional(z.string()),
    company: z.optional(z.string()),
    title: z.optional(z.string()),
    country: z.optional(z.string()),
    campaign: z.object({ id: z.string(), name: z.string(), type: z.enum(campaignTypes) }),
    shareStatus: z.optional(z.enum(shareStatuses)),
    leadStatus: z.optional(z.enum(leadStatuses)),
    nextStatuses: described(z.array(z.enum(leadStatuses)), 'Where the lead status may move next'),
    assignee: z.optional(z.object({ id: z.string(), name: z.string() })),
    sharedAt: z.optional(z.string()),
    syncedAt: z.optional(z.string()),
    acceptedAt: z.optional(z.string()),
    rejectedAt: z.optional(z.string()),
    rejectReason: z.optional(z.string()),
    leadStatusAt: z.optional(z.string()),
    recallAt: described(z.optional(z.string()), 'When the lead is recalled if nothing changes (Joint campaigns)'),
    dealRegistrationId: z.optional(z.string()),
    state: described(z.optional(z.enum(leadStates)), 'Internal view: held back, shared or recalled'),
    holdReasons: z.optional(z.array(reasonView)),
    recalledAt: z.optional(z.string()),
    recallReason: z.optional(z.string()),
    history: z.optional(z.array(z.record(z.string(), z.unknown()))),
  }),
);
