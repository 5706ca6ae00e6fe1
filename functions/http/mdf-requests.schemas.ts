import * as z from 'zod/mini';
import { activityTypes, approvalLevels, deliveryModes, mdfStatuses } from '#domain/mdf';
import { isCountry, regions } from '#domain/regions';
import { cents, described, isoDate, named, pageQuery, reason, text, whole } from './schemas.ts';

export const country = z.pipe(
  z.string().check(z.length(2, 'must be a two-letter ISO 3166-1 country code'), z.toUpperCase()),
  z.string().check(z.refine(isCountry, 'is not an ISO 3166-1 country code')),
);

export const SubmitMdfRequest = named(
  'SubmitMdfRequest',
  z.strictObject({
    activityName: text(200),
    activityType: z.enum(activityTypes),
    delivery: described(z.enum(deliveryModes), 'In person or virtual'),
    description: text(5000),
    startDate: described(isoDate, 'Expected start of the activity'),
    endDate: described(isoDate, 'Expected end of the activity (not before the start)'),
    totalCostCents: described(cents(1), 'Total cost of the activity, USD cents'),
    targetContacts: whole(1, 10_000_000),
    estimatedPipelineCents: described(cents(), 'Estimated pipeline created, USD cents'),
    partnerInvestmentCents: described(cents(), "The partner's own investment, USD cents"),
    amountRequestedCents: described(cents(), 'Amount requested from the fund, USD cents: at least 100000, at most half the total cost'),
    verticalIndustry: text(100),
    segment: text(100),
    activityCountry: described(country, 'Where the activity takes place; decides the approving region'),
  }),
);
export type SubmitMdfRequest = z.infer<typeof SubmitMdfRequest>;

export const ListMdfRequestsQuery = z.strictObject({
  status: z.optional(z.enum(mdfStatuses)),
  partnerId: described(
    z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    'Internal users: whose requests (required for them); partners always see their own',
  ),
  ...pageQuery(),
});
export type ListMdfRequestsQuery = z.infer<typeof ListMdfRequestsQuery>;

export const CancelMdfRequest = named('CancelMdfRequest', z.strictObject({ reason: described(reason, 'Why; the partner is told') }));
export type CancelMdfRequest = z.infer<typeof CancelMdfRequest>;

const levelView = z.object({
  level: z.enum(approvalLevels),
  status: z.enum(['Waiting', 'Pending', 'Approved', 'Denied', 'Returned', 'Expired', 'Canceled']),
  dueAt: z.optional(z.string()),
  decidedAt: z.optional(z.string()),
  decidedBy: z.optional(z.string()),
});

const requestFields = {
  ...SubmitMdfRequest.shape,
  id: z.string(),
  status: z.enum(mdfStatuses),
  partnerId: z.string(),
  partnerName: z.string(),
  submittedBy: z.object({ id: z.string(), name: z.string() }),
  submittedAt: z.string(),
  region: z.enum(regions),
  quarter: z.string(),
  flexi: described(z.boolean(), 'Outside the target markets: draws on the flexi budget, needs the global director'),
  levels: z.array(z.enum(approvalLevels)),
  decidedAt: z.optional(z.string()),
  outcomeReason: z.optional(z.string()),
  approvedAmountCents: z.optional(cents()),
  nextReminderAt: described(z.optional(z.string()), 'Approved without a claim: when the next reminder to claim goes out'),
};

export const MdfRequestView = named(
  'MdfRequest',
  z.object({
    ...requestFields,
    progress: z.object({
      targetDate: described(z.string(), 'Seven business days after submission (nine for flexi)'),
      onTrack: z.nullable(z.boolean()),
      currentLevel: z.optional(z.enum(approvalLevels)),
      currentLevelDueAt: z.optional(z.string()),
      levels: z.array(levelView),
    }),
    history: z.array(
      z.object({ at: z.string(), by: z.string(), action: z.string(), from: z.optional(z.string()), to: z.optional(z.string()), reason: z.optional(z.string()) }),
    ),
    claims: z.array(z.record(z.string(), z.unknown())),
  }),
);

export const MdfRequestSummary = named(
  'MdfRequestSummary',
  z.object({ ...requestFields, targetDate: z.string(), currentLevel: z.optional(z.enum(approvalLevels)) }),
);
