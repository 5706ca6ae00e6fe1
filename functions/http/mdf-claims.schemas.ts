import * as z from 'zod/mini';
import { attachmentKinds, claimStatuses } from '#domain/claims';
import { cents, described, isoDate, named, pageQuery, text } from './schemas.ts';

/** A file the partner is about to upload: checked before any upload link is given. */
export const AttachmentDeclaration = named(
  'AttachmentDeclaration',
  z.strictObject({
    kind: described(z.enum(attachmentKinds), 'proof-of-performance or lead-list'),
    fileName: text(200).check(z.refine((name) => !/[\\/\u0000-\u001f]/.test(name), 'must be a plain file name')),
    contentType: described(z.string().check(z.minLength(1), z.maxLength(200)), 'PDF, PNG, JPEG, GIF, WebP, CSV or XLSX'),
    sizeBytes: described(z.number({ error: 'must be a whole number of bytes' }).check(z.int('must be a whole number of bytes')), 'At most 25 MB; the upload may not be bigger'),
  }),
);
export type AttachmentDeclaration = z.infer<typeof AttachmentDeclaration>;

export const SubmitClaim = named(
  'SubmitClaim',
  z.strictObject({
    title: described(text(200), 'Unique across all claims, whatever the case'),
    amountCents: described(cents(1), 'At most the approved amount, USD cents'),
    paidDate: described(isoDate, 'When the partner paid; not in the future'),
    attachments: described(z._default(z.array(AttachmentDeclaration).check(z.maxLength(10)), []), 'Files to upload now; each gets a presigned upload'),
  }),
);
export type SubmitClaim = z.infer<typeof SubmitClaim>;

export const ListClaimsQuery = z.strictObject({
  partnerId: described(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), 'Internal users: whose claims (required for them)'),
  ...pageQuery(),
});
export type ListClaimsQuery = z.infer<typeof ListClaimsQuery>;

const upload = z.object({
  attachmentId: z.string(),
  kind: z.enum(attachmentKinds),
  fileName: z.string(),
  url: described(z.string(), 'POST the form here'),
  fields: described(z.record(z.string(), z.string()), 'Form fields to send before the `file` field'),
  expiresAt: z.string(),
});

export const ClaimView = named(
  'Claim',
  z.object({
    id: z.string(),
    requestId: z.string(),
    title: z.string(),
    amountCents: cents(),
    approvedAmountCents: cents(),
    paidDate: z.string(),
    status: z.enum(claimStatuses),
    awaitingProof: z.optional(z.object({ kind: z.enum(attachmentKinds), since: z.string() })),
    missing: described(z.array(z.enum(attachmentKinds)), 'Required kinds without an uploaded file'),
    attachments: z.array(z.record(z.string(), z.unknown())),
    uploads: z.optional(z.array(upload)),
  }),
);
