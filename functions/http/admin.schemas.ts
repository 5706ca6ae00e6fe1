import * as z from 'zod/mini';
import { isQuarter } from '#domain/calendar';
import { marketingReadyItems, partnerPrivileges, partnerStatuses, partnerTracks, partnerTypes } from '#domain/partner';
import { internalRoles } from '#domain/people';
import { regions } from '#domain/regions';
import { country } from './mdf-requests.schemas.ts';
import { cents, described, isoDate, named, pageQuery, reason, text, whole } from './schemas.ts';

/** Program administration: what an administrator sends. */

const email = z.email('must be an email address').check(z.maxLength(254), z.toLowerCase());
const id = z.string().check(z.minLength(1), z.maxLength(100));

const checklistShape = Object.fromEntries(Object.keys(marketingReadyItems).map((item) => [item, z.optional(z.boolean())])) as Record<
  keyof typeof marketingReadyItems,
  z.ZodMiniOptional<z.ZodMiniBoolean>
>;
const Checklist = described(z.strictObject(checklistShape), 'The eight marketing-ready items; omitted items stay as they are (false for a new partner)');

const PartnerContact = z.strictObject({ name: text(200), email });

const Certifications = described(
  z.strictObject({ solutionArchitect: z.optional(z.boolean()), professionalServicesEngineer: z.optional(z.boolean()) }),
  'Completed certifications (Solution Architect, Professional Services Engineer); omitted ones stay as they are (false for a new partner)',
);

export const CreatePartner = named(
  'CreatePartner',
  z.strictObject({
    legalName: text(200),
    homeRegion: z.enum(regions),
    track: z.enum(partnerTracks),
    status: z.enum(partnerStatuses),
    global: z._default(z.boolean(), false),
    partnerType: z._default(z.enum(partnerTypes), 'reseller'),
    contractSignedDate: z.optional(isoDate),
    salesTrainingsCompleted: z._default(whole(0, 10_000), 0),
    partnerContact: z.optional(PartnerContact),
    marketingReady: z._default(Checklist, {}),
    certifications: z._default(Certifications, {}),
  }),
);
export type CreatePartner = z.infer<typeof CreatePartner>;

export const UpdatePartner = named(
  'UpdatePartner',
  z.strictObject({
    legalName: z.optional(text(200)),
    homeRegion: z.optional(z.enum(regions)),
    track: z.optional(z.enum(partnerTracks)),
    status: z.optional(z.enum(partnerStatuses)),
    global: z.optional(z.boolean()),
    partnerType: z.optional(z.enum(partnerTypes)),
    contractSignedDate: z.optional(isoDate),
    salesTrainingsCompleted: z.optional(whole(0, 10_000)),
    partnerContact: z.optional(PartnerContact),
    marketingReady: z.optional(Checklist),
    certifications: z.optional(Certifications),
    reason: described(z.optional(reason), 'Why (kept in the history)'),
  }),
);
export type UpdatePartner = z.infer<typeof UpdatePartner>;

export const CreateUser = named(
  'CreateUser',
  z
    .strictObject({
      email,
      name: text(200),
      partnerId: described(z.optional(id), 'For partner users: their organisation'),
      privileges: z._default(z.array(z.enum(partnerPrivileges)).check(z.maxLength(partnerPrivileges.length)), []),
      roles: z._default(z.array(z.enum(internalRoles)).check(z.maxLength(internalRoles.length)), []),
      managerId: described(z.optional(id), 'Internal users: their manager, the default backup'),
    })
    .check(
      z.refine((user) => !user.partnerId || user.roles.length === 0, { message: 'partner users have privileges, not internal roles', path: ['roles'] }),
      z.refine((user) => !!user.partnerId || user.privileges.length === 0, { message: 'only partner users have privileges', path: ['privileges'] }),
    ),
);
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = named(
  'UpdateUser',
  z.strictObject({
    email: z.optional(email),
    name: z.optional(text(200)),
    privileges: z.optional(z.array(z.enum(partnerPrivileges)).check(z.maxLength(partnerPrivileges.length))),
    roles: z.optional(z.array(z.enum(internalRoles)).check(z.maxLength(internalRoles.length))),
    managerId: z.optional(z.nullable(id)),
    active: z.optional(z.boolean()),
  }),
);
export type UpdateUser = z.infer<typeof UpdateUser>;

export const ListUsersQuery = z.strictObject({ partnerId: z.optional(id), ...pageQuery() });
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const ListQuery = z.strictObject({ ...pageQuery() });
export type ListQuery = z.infer<typeof ListQuery>;

export const AssignmentParams = z.object({
  role: z.enum(internalRoles),
  region: z.enum([...regions, 'GLOBAL']),
});
export type AssignmentParams = z.infer<typeof AssignmentParams>;

export const AssignApprover = named('AssignApprover', z.strictObject({ userId: id }));
export type AssignApprover = z.infer<typeof AssignApprover>;

export const CreateDelegation = named(
  'CreateDelegation',
  z.strictObject({
    approverId: described(z.optional(id), 'Whose absence; defaults to the signed-in user (only administrators name someone else)'),
    backupId: id,
    from: described(isoDate, 'First day of the absence'),
    to: described(isoDate, 'Last day of the absence'),
  }),
);
export type CreateDelegation = z.infer<typeof CreateDelegation>;

export const quarter = z.string().check(z.refine(isQuarter, 'must be a quarter like 2026-Q4'));

export const BudgetParams = z.object({ region: z.enum(regions), quarter });
export type BudgetParams = z.infer<typeof BudgetParams>;

export const SetBudget = named(
  'SetBudget',
  z.strictObject({
    totalCents: described(cents(), 'The quarter’s MDF budget for the region, USD cents'),
    targetMarkets: described(z.array(country).check(z.maxLength(250)), 'Countries of the region’s target markets; activities elsewhere draw on the flexi budget'),
    note: z.optional(text(500)),
  }),
);
export type SetBudget = z.infer<typeof SetBudget>;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const clockTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM'));

export const RegionParams = z.object({ region: z.enum(regions) });
export type RegionParams = z.infer<typeof RegionParams>;

export const SetCalendar = named(
  'SetCalendar',
  z
    .strictObject({
      timeZone: z.string().check(z.minLength(1), z.maxLength(64), z.refine(isTimeZone, 'is not an IANA time zone')),
      workdayStart: clockTime,
      workdayEnd: clockTime,
    })
    .check(z.refine((calendar) => calendar.workdayStart < calendar.workdayEnd, { message: 'must be after the start of the working day', path: ['workdayEnd'] })),
);
export type SetCalendar = z.infer<typeof SetCalendar>;

export const HolidayParams = z.object({ region: z.enum(regions), date: isoDate });
export type HolidayParams = z.infer<typeof HolidayParams>;

export const SetHoliday = named('SetHoliday', z.strictObject({ name: text(200) }));
export type SetHoliday = z.infer<typeof SetHoliday>;
