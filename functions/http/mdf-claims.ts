import { presignDownload, presignUpload } from '#approvals/claim-files';
import { checkAttachment, checkClaim, MAX_FILES_PER_CLAIM, type Attachment, type AttachmentContentType, type Claim } from '#domain/claims';
import { mdfStaffRoles } from '#domain/mdf';
import * as approvals from '#store/approvals';
import * as calendars from '#store/calendars';
import * as claims from '#store/claims';
import * as mdfRequests from '#store/mdf-requests';
import { transact, TransactionRefused } from '#store/table';
import { clock } from '#shared/clock';
import { BadInput, Conflict, Forbidden, NotFound } from '#shared/errors';
import { actorOf, created, hasAnyRole, isPartnerUser, ok, type Auth, type HttpEvent } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { httpApi, route } from '#shared/middleware/http-api';
import { idempotent } from '#shared/middleware/idempotent';
import { parseBody, parsePath, parseQuery } from '#shared/middleware/parse';
import { problemOf } from '#shared/refusals';
import { startClaimReview } from '#workflow/claim-review';
import { AttachmentDeclaration, ListClaimsQuery, SubmitClaim } from './mdf-claims.schemas.ts';
import { claimDetail, claimSummary } from './mdf-claims.views.ts';
import { idParam } from './schemas.ts';

/**
 * MDF claims: after an approved activity ends, the partner's MDF admin claims the
 * money back, with proof uploaded straight to storage through presigned uploads.
 */

/** If the review has not opened by then, the sweep starts its workflow. */
const REVIEW_START_GRACE_MS = 5 * 60_000;

const requireMdfAdmin = (auth: Auth): Auth & { partnerId: string } => {
  if (!isPartnerUser(auth)) throw new Forbidden('Claims are submitted by partner users.', 'partner user');
  if (!auth.privileges.includes('mdfAdmin')) throw new Forbidden('Only a user with the MDF administrator privilege (mdfAdmin) may claim MDF.', 'mdfAdmin');
  return auth;
};

const newAttachment = (file: AttachmentDeclaration, at: string): Attachment => {
  const verdict = checkAttachment(file);
  if (!verdict.ok) throw problemOf(verdict);
  return {
    id: newId('att'),
    kind: file.kind,
    fileName: file.fileName,
    contentType: file.contentType as AttachmentContentType,
    declaredBytes: file.sizeBytes,
    status: 'Pending',
    createdAt: at,
  };
};

const uploadsFor = (claimId: string, attachments: readonly Attachment[]) =>
  Promise.all(
    attachments.map(async (attachment) => ({
      attachmentId: attachment.id,
      kind: attachment.kind,
      fileName: attachment.fileName,
      ...(await presignUpload(claimId, attachment)),
    })),
  );

/** Explains a refused claim transaction: a title taken, or the request no longer free for a claim. */
const refusedClaim = async (error: TransactionRefused, auth: Auth & { partnerId: string }, title: string, requestIndex: number) => {
  if (error.failedAt(claims.TITLE_GUARD_INDEX)) {
    const holder = await claims.titleHolder(title);
    // Name the existing claim only to its own partner: another partner's claim stays unknown.
    const ours = holder?.partnerId === auth.partnerId;
    return new Conflict(
      ours ? `The title "${title}" is already used by your claim ${holder?.claimId}.` : `The title "${title}" is already used by another claim; choose another.`,
      { rule: 'claims.title-unique', ...(ours ? { existingClaimId: holder?.claimId } : {}) },
    );
  }
  if (error.failedAt(requestIndex)) {
    return new Conflict('The request already has a claim under review, or is no longer Approved.', { rule: 'claims.one-open-claim' });
  }
  return new Conflict('The request changed while the claim was being recorded; try again.');
};

const submit = async (event: HttpEvent<SubmitClaim, unknown, { id: string }>) => {
  const auth = requireMdfAdmin(event.auth);
  const request = await mdfRequests.get(event.params.id);
  if (!request || request.partnerId !== auth.partnerId) throw new NotFound('The MDF request');
  const now = clock.now();
  const at = now.toISOString();
  const calendar = await calendars.get(request.region);
  // A claim on a canceled request is rejected here and now: the answer names the rule and the cancellation's reason.
  const verdict = checkClaim(request, event.body, now, calendar);
  if (!verdict.ok) throw problemOf(verdict);
  const attachments = event.body.attachments.map((file) => newAttachment(file, at));
  const claim: Claim = {
    id: newId('clm'),
    requestId: request.id,
    partnerId: request.partnerId,
    partnerName: request.partnerName,
    activityName: request.activityName,
    region: request.region,
    quarter: request.quarter,
    flexi: request.flexi,
    approvedAmountCents: request.approvedAmountCents ?? 0,
    title: event.body.title,
    amountCents: event.body.amountCents,
    paidDate: event.body.paidDate,
    status: 'Open',
    submittedBy: { id: auth.userId, name: auth.name, email: auth.email },
    submittedAt: at,
    version: 1,
    updatedAt: at,
  };
  const claimItems = claims.createItems(
    claim,
    attachments,
    { at, by: actorOf(auth), action: 'submitted', to: 'Open', details: { files: attachments.length } },
    new Date(now.getTime() + REVIEW_START_GRACE_MS).toISOString(),
  );
  try {
    await transact([
      ...claimItems,
      mdfRequests.claimOpenedItem(request.id, claim.id, at),
      mdfRequests.historyItem(request.id, { at, by: actorOf(auth), action: 'claim-submitted', reason: `Claim "${claim.title}"`, details: { claimId: claim.id } }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) throw await refusedClaim(error, auth, claim.title, claimItems.length);
    throw error;
  }
  try {
    await startClaimReview(claim);
  } catch (error) {
    logger.warn('The claim review could not be started now; the sweep will start it', { claimId: claim.id, error: (error as Error).name });
  }
  logger.info('Claim submitted', { claimId: claim.id, requestId: request.id, files: attachments.length });
  return created(
    { ...claimDetail(claim, attachments, [], [], 'partner'), uploads: await uploadsFor(claim.id, attachments) },
    `/mdf/claims/${claim.id}`,
  );
};

/** The partner's own claims, or any for MDF staff; anything else is not found. */
const audienceFor = (auth: Auth, claim: Claim): 'partner' | 'internal' => {
  if (isPartnerUser(auth)) {
    if (claim.partnerId !== auth.partnerId) throw new NotFound('The claim');
    return 'partner';
  }
  if (!hasAnyRole(auth, mdfStaffRoles)) throw new NotFound('The claim');
  return 'internal';
};

const read = async (event: HttpEvent<unknown, unknown, { id: string }>) => {
  const found = await claims.getWithPartition(event.params.id);
  if (!found) throw new NotFound('The claim');
  const audience = audienceFor(event.auth, found.claim);
  const attachments = await Promise.all(
    found.attachments.map(async (attachment) =>
      attachment.status === 'Uploaded' ? { ...attachment, downloadUrl: await presignDownload(found.claim.id, attachment) } : attachment,
    ),
  );
  return ok(claimDetail(found.claim, attachments, approvals.approvalsOf(found.items), found.history, audience));
};

const list = async (event: HttpEvent<unknown, ListClaimsQuery>) => {
  const { auth, query } = event;
  let partnerId: string;
  if (isPartnerUser(auth)) partnerId = auth.partnerId;
  else if (hasAnyRole(auth, mdfStaffRoles)) {
    if (!query.partnerId) throw new BadInput([{ field: 'query.partnerId', message: 'is required for internal users' }]);
    partnerId = query.partnerId;
  } else throw new Forbidden('Only partner users and MDF staff list claims.');
  const page = await claims.listOfPartner(partnerId, query.limit, query.cursor);
  return ok({ items: page.items.map(claimSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
};

/** Another file for an Open claim (a missing proof, or a replacement): a presigned upload. */
const addAttachment = async (event: HttpEvent<AttachmentDeclaration, unknown, { id: string }>) => {
  const auth = requireMdfAdmin(event.auth);
  const found = await claims.getWithPartition(event.params.id);
  const claim = found?.claim;
  if (!found || !claim || claim.partnerId !== auth.partnerId) throw new NotFound('The claim');
  if (found.attachments.length >= MAX_FILES_PER_CLAIM) {
    throw problemOf({ ok: false, rule: 'claims.files-limit', message: `A claim takes at most ${MAX_FILES_PER_CLAIM} files.` });
  }
  if (claim.status !== 'Open') {
    throw problemOf({ ok: false, rule: 'claims.files-while-open', message: `The claim is ${claim.status}; files are added while it is Open.` });
  }
  const now = clock.now();
  const at = now.toISOString();
  const attachment = newAttachment(event.body, at);
  await transact([
    claims.attachmentPut(claim.id, attachment),
    claims.stillOpenItem(claim.id, at),
    claims.historyItem(claim.id, { at, by: actorOf(auth), action: 'attachment-declared', details: { attachmentId: attachment.id, kind: attachment.kind, fileName: attachment.fileName } }),
  ]).catch((error: unknown) => {
    if (error instanceof TransactionRefused) throw new Conflict('The claim was decided meanwhile; files are added while it is Open.', { rule: 'claims.files-while-open' });
    throw error;
  });
  const [upload] = await uploadsFor(claim.id, [attachment]);
  return created({ attachment, upload }, `/mdf/claims/${claim.id}`);
};

export const handler = httpApi({
  'POST /mdf/requests/{id}/claims': route(submit, parsePath(idParam), parseBody(SubmitClaim), idempotent('POST /mdf/requests/{id}/claims')),
  'GET /mdf/claims': route(list, parseQuery(ListClaimsQuery)),
  'GET /mdf/claims/{id}': route(read, parsePath(idParam)),
  'POST /mdf/claims/{id}/attachments': route(addAttachment, parsePath(idParam), parseBody(AttachmentDeclaration), idempotent('POST /mdf/claims/{id}/attachments')),
});

