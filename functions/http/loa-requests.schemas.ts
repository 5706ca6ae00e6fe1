import * as z from 'zod/mini';
import { decisions } from '#domain/approval';
import { loaStatuses, products } from '#domain/loa';
import { country } from './mdf-requests.schemas.ts';
import { described, named, pageQuery, text } from './schemas.ts';

const id = z.string().check(z.minLength(1), z.maxLength(100));

/** What the letter shows, frozen at submission: a partner wanting changes submits a new request. */
export const SubmitLoaRequest = named(
  'SubmitLoaRequest',
  z.strictObject({
    legalCompanyName: described(text(200), 'The partner’s legal company name, as the letter must show it'),
    address: described(text(500), 'Postal address; lines separated by newlines (at most six)'),
    country: described(country, 'Country of the address (ISO 3166-1 alpha-2)'),
    contactName: text(200),
    contactEmail: z.email('must be an email address').check(z.maxLength(254), z.toLowerCase()),
    contactPhone: z.optional(text(50)),
    customerName: described(z.optional(text(200)), 'The customer the letter is for (this, the tender, or both)'),
    tenderReference: described(z.optional(text(200)), 'The tender the letter answers (this, the customer, or both)'),
    products: z.array(z.enum(products)).check(z.minLength(1, 'name at least one product'), z.maxLength(10)),
  }),
);
export type SubmitLoaRequest = z.infer<typeof SubmitLoaRequest>;

export const ListLoaQuery = z.strictObject({
  status: z.optional(z.enum(loaStatuses)),
  partnerId: described(z.optional(id), 'Internal users: one partner’s requests'),
  ...pageQuery(),
});
export type ListLoaQuery = z.infer<typeof ListLoaQuery>;

export const LoaDecision = named(
  'LoaDecision',
  z.strictObject({
    decision: described(z.enum(decisions.filter((decision) => decision !== 'return') as ['approve', 'deny']), 'approve, or deny with a reason the partner is told'),
    reason: described(z.optional(text(2000)), 'Deny: why (the partner is told)'),
    initials: described(z.optional(z.string().check(z.maxLength(10))), 'Legal: your initials on the letter (2–4 letters)'),
  }),
);
export type LoaDecision = z.infer<typeof LoaDecision>;
