import { z } from 'zod';
import { isQuarter } from '#domain/calendar';
import { marketingReadyItems, partnerPrivileges, partnerStatuses, partnerTracks } from '#domain/partner';
import { internalRoles } from '#domain/people';
import { isCountry, regions } from '#domain/regions';
import { cents, isoDate, pageQuery, reason, text } from './schemas.ts';

/** Program administration: what an administrator sends. */

const email = z.email('must be an email address').max(254).transform((value) => value.toLowerCase());
const country = z
  .string()
  .length(2, 'must be a two-letter ISO 3166-1 country code')
  .transform((code) => code.toUpperCase())
  .refine(isCountry, 'is not an ISO 3166-1 country code');

const checklistShape = Object.fromEntries(Object.keys(marketingReadyItems).map((item) => [item, z.boolean().optional()])) as Record<
  keyof typeof marketingReadyItems,
  z.ZodOptional<z.ZodBoolean>
>;
const Checklist = z.strictObject(checklistShape).describe('The eight marketing-ready items; omitted items stay as they are (false for a new partner)');

const PartnerContact = z.strictObject({ name: text(200), email });

export const CreatePartner = z
  .strictObject({
    legalName: text(200),
    homeRegion: z.enum(regions),
    track: z.enum(partnerTracks),
    status: z.enum(partnerStatuses),
    global: z.boolean().default(false),
    contractSignedDate: isoDate.optional(),
    salesTrainingsCompleted: z.number().int().min(0).max(10_000).default(0),
    partnerContact: PartnerContact.optional(),
    marketingReady: Checklist.default({}),
  })
  .meta({ id: 'CreatePartner' });
export type CreatePartner = z.infer<typeof CreatePartner>;

export const UpdatePartner = z
  .strictObject({
    legalName: text(200).optional(),
    homeRegion: z.enum(regions).optional(),
    track: z.enum(partnerTracks).optional(),
    status: z.enum(partnerStatuses).optional(),
    global: z.boolean().optional(),
    contractSignedDate: isoDate.optional(),
    salesTrainingsCompleted: z.number().int().min(0).max(10_000).optional(),
    partnerContact: PartnerContact.optional(),
    marketingReady: Checklist.optional(),
    reason: reason.optional().describe('Why (kept in the history)'),
  })
  .meta({ id: 'UpdatePartner' });
export type UpdatePartner = z.infer<typeof UpdatePartner>;

export const CreateUser = z
  .strictObject({
    email,
    name: text(200),
    partnerId: z.string().min(1).max(100).optional().describe('For partner users: their organisation'),
    privileges: z.array(z.enum(partnerPrivileges)).max(partnerPrivileges.length).default([]),
    roles: z.array(z.enum(internalRoles)).max(internalRoles.length).default([]),
    managerId: z.string().min(1).max(100).optional().describe('Internal users: their manager, the default backup'),
  })
  .refine((user) => !user.partnerId || user.roles.length === 0, { message: 'partner users have privileges, not internal roles', path: ['roles'] })
  .refine((user) => !!user.partnerId || user.privileges.length === 0, { message: 'only partner users have privileges', path: ['privileges'] })
  .meta({ id: 'CreateUser' });
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = z
  .strictObject({
    email: email.optional(),
    name: text(200).optional(),
    privileges: z.array(z.enum(partnerPrivileges)).max(partnerPrivileges.length).optional(),
    roles: z.array(z.enum(internalRoles)).max(internalRoles.length).optional(),
    managerId: z.string().min(1).max(100).nullable().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'UpdateUser' });
export type UpdateUser = z.infer<typeof UpdateUser>;

export const ListUsersQuery = z.strictObject({ partnerId: z.string().min(1).max(100).optional(), ...pageQuery });
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const ListQuery = z.strictObject({ ...pageQuery });
export type ListQuery = z.infer<typeof ListQuery>;

export const AssignmentParams = z.object({
  role: z.enum(internalRoles),
  region: z.enum([...regions, 'GLOBAL']),
});
export type AssignmentParams = z.infer<typeof AssignmentParams>;

export const AssignApprover = z.strictObject({ userId: z.string().min(1).max(100) }).meta({ id: 'AssignApprover' });
export type AssignApprover = z.infer<typeof AssignApprover>;

export const CreateDelegation = z
  .strictObject({
    approverId: z.string().min(1).max(100).optional().describe('Whose absence; defaults to the signed-in user (only administrators name someone else)'),
    backupId: z.string().min(1).max(100),
    from: isoDate.describe('First day of the absence'),
    to: isoDate.describe('Last day of the absence'),
  })
  .meta({ id: 'CreateDelegation' });
export type CreateDelegation = z.infer<typeof CreateDelegation>;

export const BudgetParams = z.object({
  region: z.enum(regions),
  quarter: z.string().refine(isQuarter, 'must be a quarter like 2026-Q4'),
});
export type BudgetParams = z.infer<typeof BudgetParams>;

export const SetBudget = z
  .strictObject({
    totalCents: cents.describe('The quarter’s MDF budget for the region, USD cents'),
    targetMarkets: z.array(country).max(250).describe('Countries of the region’s target markets; activities elsewhere draw on the flexi budget'),
    note: text(500).optional(),
  })
  .meta({ id: 'SetBudget' });
export type SetBudget = z.infer<typeof SetBudget>;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');

export const RegionParams = z.object({ region: z.enum(regions) });
export type RegionParams = z.infer<typeof RegionParams>;

export const SetCalendar = z
  .strictObject({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'is not an IANA time zone'),
    workdayStart: clockTime,
    workdayEnd: clockTime,
  })
  .refine((calendar) => calendar.workdayStart < calendar.workdayEnd, { message: 'must be after the start of the working day', path: ['workdayEnd'] })
  .meta({ id: 'SetCalendar' });
export type SetCalendar = z.infer<typeof SetCalendar>;

export const HolidayParams = z.object({ region: z.enum(regions), date: isoDate });
export type HolidayParams = z.infer<typeof HolidayParams>;

export const SetHoliday = z.strictObject({ name: text(200) }).meta({ id: 'SetHoliday' });
export type SetHoliday = z.infer<typeof SetHoliday>;
