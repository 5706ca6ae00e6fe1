import * as z from 'zod/mini';
import { decisions } from '#domain/approval';
import { products, registrationStatuses, registrationTypes } from '#domain/deal-registration';
import { country } from './mdf-requests.schemas.ts';
import { cents, described, isoDate, named, pageQuery, text } from './schemas.ts';

const id = z.string().check(z.minLength(1), z.maxLength(100));

const Customer = z.strictObject({
  companyName: text(200),
  contactName: text(200),
  contactEmail: z.email('must be an email address').check(z.maxLength(254), z.toLowerCase()),
  contactPhone: z.optional(text(50)),
  country: described(country, "The customer's country; decides the reviewing region"),
});

const registrationFields = {
  type: described(z.enum(registrationTypes), 'Resale, MSP or Referral'),
  customer: Customer,
  products: z.array(z.enum(products)).check(z.minLength(1, 'name at least one product'), z.maxLength(10)),
  estimatedValueCents: described(cents(1), 'Estimated deal value, USD cents'),
  expectedCloseDate: described(isoDate, 'Not in the past'),
  description: text(5000),
};

export const SubmitRegistration = named(
  'SubmitRegistration',
  z.strictObject({
    ...registrationFields,
    partnerId: described(z.optional(id), 'ESMs only: the alliance or GSI partner registered for'),
  }),
);
export type SubmitRegistration = z.infer<typeof SubmitRegistration>;

export const ResubmitRegistration = named('ResubmitRegistration', z.strictObject(registrationFields));
export type ResubmitRegistration = z.infer<typeof ResubmitRegistration>;

/**
 * Converting an accepted lead: the customer comes from the lead (its company, contact
 * and country), each part of it may be corrected here; the rest of the registration
 * is the partner's to say. The lead and its campaign are carried by the conversion,
 * never taken from a body.
 */
export const ConvertLead = named(
  'ConvertLead',
  z.strictObject({
    type: registrationFields.type,
    customer: described(z.optional(z.partial(Customer)), 'Corrections to the customer taken from the lead'),
    products: registrationFields.products,
    estimatedValueCents: registrationFields.estimatedValueCents,
    expectedCloseDate: registrationFields.expectedCloseDate,
    description: registrationFields.description,
  }),
);
export type ConvertLead = z.infer<typeof ConvertLead>;

export const ListRegistrationsQuery = z.strictObject({
  status: z.optional(z.enum(registrationStatuses)),
  partnerId: described(z.optional(id), 'Internal users: one partner’s registrations'),
  ...pageQuery(),
});
export type ListRegistrationsQuery = z.infer<typeof ListRegistrationsQuery>;

export const RegistrationDecision = named(
  'RegistrationDecision',
  z.strictObject({
    decision: z.enum(decisions),
    reason: described(z.optional(text(2000)), 'Deny: one of the configured reasons; return: what the partner must change'),
    account: described(z.optional(id), 'Operations: the customer account id, or `new`'),
    opportunity: described(z.optional(id), 'Operations: the opportunity id, or `new`'),
    esm: described(z.optional(id), 'Operations: the ESM who reviews next'),
  }),
);
export type RegistrationDecision = z.infer<typeof RegistrationDecision>;

export const Extension = named(
  'RegistrationExtension',
  z.strictObject({
    kind: described(z.enum(['standard', 'non-standard']), 'standard: +30 days (partner team or field sales); non-standard: a later date set by operations'),
    expiresAt: described(z.optional(z.iso.datetime({ offset: true })), 'non-standard: the new expiry'),
  }),
);
export type Extension = z.infer<typeof Extension>;

export const ClosedLost = named('ClosedLost', z.strictObject({ reason: z.optional(text(2000)) }));
export type ClosedLost = z.infer<typeof ClosedLost>;

export const DenialReasons = named(
  'DenialReasons',
  z.strictObject({ reasons: z.array(text(200)).check(z.minLength(1, 'keep at least one reason'), z.maxLength(30)) }),
);
export type DenialReasons = z.infer<typeof DenialReasons>;
