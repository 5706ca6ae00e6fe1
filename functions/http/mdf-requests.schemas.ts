import { z } from 'zod';
import { activityTypes, approvalLevels, deliveryModes, mdfStatuses } from '#domain/mdf';
import { isCountry, regions } from '#domain/regions';
import { cents, isoDate, pageQuery, reason, text } from './schemas.ts';

export const SubmitMdfRequest = z
  .strictObject({
    activityName: text(200),
    activityType: z.enum(activityTypes),
    delivery: z.enum(deliveryModes).describe('In person or virtual'),
    description: text(5000),
    startDate: isoDate.describe('Expected start of the activity'),
    endDate: isoDate.describe('Expected end of the activity (not before the start)'),
    totalCostCents: cents.min(1, 'must be more than zero').describe('Total cost of the activity, USD cents'),
    targetContacts: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000),
    estimatedPipelineCents: cents.describe('Estimated pipeline created, USD cents'),
    partnerInvestmentCents: cents.describe("The partner's own investment, USD cents"),
    amountRequestedCents: cents.describe('Amount requested from the fund, USD cents: at least 100000, at most half the total cost'),
    verticalIndustry: text(100),
    segment: text(100),
    activityCountry: z
      .string()
      .length(2, 'must be a two-letter ISO 3166-1 country code')
      .transform((code) => code.toUpperCase())
      .refine(isCountry, 'is not an ISO 3166-1 country code')
      .describe('Where the activity takes place; decides the approving region'),
  })
  .meta({ id: 'SubmitMdfRequest' });
export type SubmitMdfRequest = z.infer<typeof SubmitMdfRequest>;

export const ListMdfRequestsQuery = z.strictObject({
  status: z.enum(mdfStatuses).optional(),
  partnerId: z.string().min(1).max(100).optional().describe('Internal users: whose requests (required for them); partners always see their own'),
  ...pageQuery,
});
export type ListMdfRequestsQuery = z.infer<typeof ListMdfRequestsQuery>;

export const CancelMdfRequest = z.strictObject({ reason: reason.describe('Why; the partner is told') }).meta({ id: 'CancelMdfRequest' });
export type CancelMdfRequest = z.infer<typeof CancelMdfRequest>;

const levelView = z.object({
  level: z.enum(approvalLevels),
  status: z.enum(['Waiting', 'Pending', 'Approved', 'Denied', 'Expired', 'Canceled']),
  dueAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
});

export const MdfRequestView = SubmitMdfRequest.extend({
  id: z.string(),
  status: z.enum(mdfStatuses),
  partnerId: z.string(),
  partnerName: z.string(),
  submittedBy: z.object({ id: z.string(), name: z.string() }),
  submittedAt: z.string(),
  region: z.enum(regions),
  quarter: z.string(),
  flexi: z.boolean().describe('Outside the target markets: draws on the flexi budget, needs the global director'),
  levels: z.array(z.enum(approvalLevels)),
  decidedAt: z.string().optional(),
  outcomeReason: z.string().optional(),
  approvedAmountCents: cents.optional(),
  progress: z.object({
    targetDate: z.string().describe('Seven business days after submission'),
    onTrack: z.boolean().nullable(),
    currentLevel: z.enum(approvalLevels).optional(),
    currentLevelDueAt: z.string().optional(),
    levels: z.array(levelView),
  }),
  history: z
    .array(
      z.object({
        at: z.string(),
        by: z.string(),
        action: z.string(),
        from: z.string().optional(),
        to: z.string().optional(),
        reason: z.string().optional(),
      }),
    )
    .optional(),
}).meta({ id: 'MdfRequest' });

export const MdfRequestSummary = MdfRequestView.omit({ history: true, progress: true, description: true })
  .extend({ targetDate: z.string(), currentLevel: z.enum(approvalLevels).optional() })
  .meta({ id: 'MdfRequestSummary' });
