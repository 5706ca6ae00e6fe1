import { TZDate } from '@date-fns/tz';
import { localDate, type RegionCalendar } from './calendar.ts';
import type { MdfRequest, Person } from './mdf.ts';
import { formatUsd, type Cents } from './money.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Refusal, type Verdict } from './verdict.ts';

/**
 * MDF claims: after an approved activity ends, the partner claims the money back
 * with proof of performance and the lead list; the CMM reviews.
 */
export const claimStatuses = ['Open', 'Approved', 'Denied'] as const;
export type ClaimStatus = (typeof claimStatuses)[number];

export const attachmentKinds = ['proof-of-performance', 'lead-list'] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

export const attachmentKindLabels: Record<AttachmentKind, string> = {
  'proof-of-performance': 'proof of performance',
  'lead-list': 'lead list',
};

/** PDF, images, CSV and XLSX, as uploaded files declare them. */
export const allowedContentTypes = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export type AttachmentContentType = (typeof allowedContentTypes)[number];

/** The most files one claim takes. */
export const MAX_FILES_PER_CLAIM = 20;

/** The largest file a partner may upload: 25 MB. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export type AttachmentStatus = 'Pending' | 'Uploaded' | 'Rejected';

export interface Attachment {
  id: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: AttachmentContentType;
  /** What the partner declared; the upload may not exceed it. */
  declaredBytes: number;
  status: AttachmentStatus;
  createdAt: string;
  uploadedAt?: string;
  sizeBytes?: number;
  rejectedReason?: string;
}

export interface Claim {
  id: string;
  requestId: string;
  partnerId: string;
  partnerName: string;
  activityName: string;
  region: Region;
  quarter: string;
  flexi: boolean;
  /** Reserved for the request: the most that can be claimed. */
  approvedAmountCents: Cents;
  title: string;
  amountCents: Cents;
  paidDate: string;
  status: ClaimStatus;
  submittedBy: Person;
  submittedAt: string;
  decidedAt?: string;
  outcomeReason?: string;
  /** Set while the partner must add a missing proof (the CMM asked). */
  awaitingProof?: { kind: AttachmentKind; since: string };
  version: number;
  updatedAt: string;
}

export interface ClaimFields {
  title: string;
  amountCents: Cents;
  paidDate: string;
}

/** Titles are unique across all claims, whatever the case and spacing. */
export const normalizedTitle = (title: string): string => title.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');

/**
 * Who may claim what: only on an Approved request once its end date is reached;
 * the amount at most the approved amount; the paid date not in the future. A
 * claim on a Canceled request is rejected with the cancellation's reason.
 */
export const checkClaim = (request: MdfRequest, fields: ClaimFields, now: Date, calendar: RegionCalendar): Verdict<void> => {
  const today = localDate(now, calendar.timeZone);
  if (request.status === 'Canceled') {
    return refuse(
      'claims.request-canceled',
      `The MDF request "${request.activityName}" was canceled${request.outcomeReason ? ` (${request.outcomeReason})` : ''}; claims against it are rejected.`,
    );
  }
  if (request.status !== 'Approved') {
    return refuse('claims.request-approved', `Claims are made on Approved MDF requests; "${request.activityName}" is ${request.status}.`);
  }
  const refusals: Refusal[] = [];
  if (today < request.endDate) {
    refusals.push(refuse('claims.after-end-date', `The activity ends on ${request.endDate}; claim once it has ended.`));
  }
  const approved = request.approvedAmountCents ?? 0;
  if (fields.amountCents > approved) {
    refusals.push(
      refuse('claims.amount-within-approved', `The claim (${formatUsd(fields.amountCents)}) is more than the approved ${formatUsd(approved)}.`, {
        approvedAmountCents: approved,
      }),
    );
  }
  if (fields.paidDate > today) {
    refusals.push(refuse('claims.paid-date-not-future', `The paid date ${fields.paidDate} is in the future (today is ${today}).`));
  }
  const [first] = refusals;
  if (!first) return accept(undefined);
  return refusals.length === 1
    ? first
    : refuse(first.rule, first.message, { ...first.details, violations: refusals.map(({ rule, message }) => ({ rule, message })) });
};

/** Whether a file may be uploaded at all: its kind, type and size. */
export const checkAttachment = (file: { kind: string; contentType: string; sizeBytes: number }): Verdict<void> => {
  if (!(attachmentKinds as readonly string[]).includes(file.kind)) {
    return refuse('claims.attachment-kind', `An attachment is ${attachmentKinds.map((kind) => attachmentKindLabels[kind]).join(' or ')}.`);
  }
  if (!(allowedContentTypes as readonly string[]).includes(file.contentType)) {
    return refuse('claims.attachment-type', `Upload PDF, images, CSV or XLSX files; ${file.contentType} is not accepted.`);
  }
  if (file.sizeBytes < 1 || file.sizeBytes > MAX_ATTACHMENT_BYTES) {
    return refuse('claims.attachment-size', `A file must be between 1 byte and 25 MB; this one is ${file.sizeBytes} bytes.`);
  }
  return accept(undefined);
};

/** The required kinds not yet among the claim's attachments (declared or uploaded, not rejected). */
export const missingKinds = (attachments: readonly Pick<Attachment, 'kind' | 'status'>[]): AttachmentKind[] =>
  attachmentKinds.filter((kind) => !attachments.some((attachment) => attachment.kind === kind && attachment.status !== 'Rejected'));

/** Reminders to claim go out on these days after the activity's end date, while no claim is in. */
export const REMINDER_DAYS = [2, 14, 28] as const;
/** Local time of day the reminders are sent. */
const REMINDER_HOUR = 9;

/** The calendar dates of the three reminders: end date + 2, + 14, + 28 days. */
export const reminderDates = (endDate: string): string[] =>
  REMINDER_DAYS.map((days) => new Date(Date.parse(`${endDate}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10));

/** When reminder `stage` (0, 1, 2) is due: 09:00 on its date in the region's time zone. */
export const reminderInstant = (endDate: string, stage: number, timeZone: string): string | undefined => {
  const date = reminderDates(endDate)[stage];
  if (!date) return undefined;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, day, REMINDER_HOUR, 0, 0, 0, timeZone).getTime()).toISOString();
};

/**
 * The next reminder after `now`: its stage and instant. A request approved late
 * does not get the reminders whose day has passed; after the last one, none.
 */
export const nextReminder = (endDate: string, timeZone: string, now: Date, fromStage = 0): { stage: number; at: string } | undefined => {
  for (let stage = fromStage; stage < REMINDER_DAYS.length; stage += 1) {
    const at = reminderInstant(endDate, stage, timeZone);
    if (at && Date.parse(at) > now.getTime()) return { stage, at };
  }
  return undefined;
};
