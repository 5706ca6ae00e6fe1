import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { normalizedTitle, type Attachment, type AttachmentKind, type Claim, type ClaimStatus } from '#domain/claims';
import { historyOf, historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, setDefined, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * MDF claims. The claim, its attachments, its review levels and its history share
 * one partition. A guard item per normalised title keeps titles unique across all
 * claims, written in the same transaction as the claim. Access patterns:
 * - a claim: GetItem pk=CLAIM#<id>, sk=CLAIM
 * - a claim with attachments, reviews and history: Query pk=CLAIM#<id>
 * - a partner's claims, newest first: Query gsi1 gsi1pk=PARTNER#<partner>#CLAIMS, gsi1sk=<submittedAt>#<id>
 * - a request's claims: Query gsi2 gsi2pk=MDF#<request>#CLAIMS, gsi2sk=<submittedAt>#<id>
 * - who holds a title: GetItem pk=CLAIMTITLE#<normalised title>, sk=CLAIMTITLE
 * - claims whose review has not started: due index duePk=claim-review-start
 */
const CLAIM = 'CLAIM';
/** A claim whose review workflow has not opened its level yet: the sweep starts it. */
export const REVIEW_START_DUE = 'claim-review-start';
const ATTACHMENT = 'ATTACHMENT#';
export const partitionOf = (id: string): string => `CLAIM#${id}`;
const key = (id: string) => ({ pk: partitionOf(id), sk: CLAIM });
const titleKey = (title: string) => ({ pk: `CLAIMTITLE#${normalizedTitle(title)}`, sk: 'CLAIMTITLE' });
const attachmentKey = (claimId: string, attachmentId: string) => ({ pk: partitionOf(claimId), sk: `${ATTACHMENT}${attachmentId}` });

/** Beside the claim the store keeps the workflow's token while it waits for a missing proof. */
interface StoredClaim extends Claim {
  proofTaskToken?: string;
}

export const isClaimItem = (item: Item): boolean => item.sk === CLAIM;
export const fromItem = (item: Item): Claim => {
  const { proofTaskToken: _token, ...claim } = recordOf<StoredClaim>(item);
  return claim;
};
export const attachmentsOf = (items: readonly Item[]): Attachment[] =>
  items
    .filter((item) => typeof item.sk === 'string' && item.sk.startsWith(ATTACHMENT))
    .map((item) => recordOf<Attachment & { claimId: string; s3Key: string }>(item))
    .map(({ claimId: _claim, s3Key: _key, ...attachment }) => attachment)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

/** Where an attachment's file lives in the claims bucket. The key names the claim and the attachment, nothing else. */
export const objectKeyOf = (claimId: string, attachmentId: string): string => `claims/${claimId}/${attachmentId}`;
export const parseObjectKey = (key: string): { claimId: string; attachmentId: string } | undefined => {
  const match = /^claims\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(key);
  return match ? { claimId: match[1] as string, attachmentId: match[2] as string } : undefined;
};

export const attachmentPut = (claimId: string, attachment: Attachment): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { ...attachmentKey(claimId, attachment.id), entity: 'claim-attachment', claimId, s3Key: objectKeyOf(claimId, attachment.id), ...attachment },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * A new claim: the claim (first item), its title's guard (second item: refused
 * when the title is taken), its declared attachments and its first history event,
 * plus the caller's own items (the request's side) in the same transaction.
 */
export const createItems = (claim: Claim, attachments: readonly Attachment[], event: HistoryEvent, reviewStartDueAt: string): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: {
        ...key(claim.id),
        entity: 'mdf-claim',
        gsi1pk: `PARTNER#${claim.partnerId}#CLAIMS`,
        gsi1sk: `${claim.submittedAt}#${claim.id}`,
        gsi2pk: `MDF#${claim.requestId}#CLAIMS`,
        gsi2sk: `${claim.submittedAt}#${claim.id}`,
        duePk: REVIEW_START_DUE,
        dueAt: reviewStartDueAt,
        ...claim,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Put: {
      TableName: tableName,
      Item: { ...titleKey(claim.title), entity: 'claim-title', title: claim.title, claimId: claim.id, partnerId: claim.partnerId, requestId: claim.requestId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  ...attachments.map((attachment) => attachmentPut(claim.id, attachment)),
  historyPut(partitionOf(claim.id), event),
];
export const TITLE_GUARD_INDEX = 1;

export const titleHolder = async (title: string): Promise<{ claimId: string; partnerId: string; requestId: string } | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: titleKey(title), ConsistentRead: true }));
  return result.Item ? (recordOf(result.Item) as { claimId: string; partnerId: string; requestId: string }) : undefined;
};

export const get = async (id: string): Promise<Claim | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? fromItem(result.Item) : undefined;
};

export interface ClaimPartition {
  claim: Claim;
  attachments: Attachment[];
  history: HistoryEvent[];
  items: Item[];
}

export const getWithPartition = async (id: string, consistent = false): Promise<ClaimPartition | undefined> => {
  const items = await queryPartition(partitionOf(id), undefined, consistent);
  const claimItem = items.find(isClaimItem);
  return claimItem ? { claim: fromItem(claimItem), attachments: attachmentsOf(items), history: historyOf(items), items } : undefined;
};

export const listOfPartner = async (partnerId: string, limit: number, cursor?: string): Promise<Page<Claim>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `PARTNER#${partnerId}#CLAIMS`, limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map(fromItem) };
};

/** Every claim of a partner (the dashboard adds them up). */
export const allOfPartner = async (partnerId: string): Promise<Claim[]> => {
  const claims: Claim[] = [];
  let cursor: string | undefined;
  do {
    const page = await listOfPartner(partnerId, 100, cursor);
    claims.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return claims;
};

export const listOfRequest = async (requestId: string): Promise<Claim[]> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: `MDF#${requestId}#CLAIMS`, limit: 100, newestFirst: true });
  return page.items.map(fromItem);
};

/** Moves a claim from `from` to `to` (refused when it is no longer `from`), clearing any wait for proof. */
export const transitionItem = (
  claimId: string,
  from: ClaimStatus,
  to: ClaimStatus,
  at: string,
  changes: Partial<Pick<Claim, 'decidedAt' | 'outcomeReason'>> = {},
): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':to': to, ':at': at, ':one': 1 };
  const sets = ['#status = :to', 'updatedAt = :at', 'version = version + :one'];
  setDefined(changes, names, values, sets);
  return {
    Update: {
      TableName: tableName,
      Key: key(claimId),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE awaitingProof, proofTaskToken, duePk, dueAt`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** A review level was decided without a status change (proof asked for): refused unless Open. */
export const stillOpenItem = (claimId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(claimId),
    UpdateExpression: 'SET updatedAt = :at, version = version + :one',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':at': at, ':one': 1, ':open': 'Open' },
  },
});

/** The review level opened (so its workflow runs): the claim leaves the due index. Refused unless Open. */
export const reviewOpenedItem = (claimId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(claimId),
    UpdateExpression: 'SET updatedAt = :at REMOVE duePk, dueAt',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':at': at, ':open': 'Open' },
  },
});

/** The review workflow is known to run: leave the due index (no-op when already out). */
export const clearReviewStartDue = async (claimId: string): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(claimId),
        UpdateExpression: 'REMOVE duePk, dueAt',
        ConditionExpression: 'duePk = :due',
        ExpressionAttributeValues: { ':due': REVIEW_START_DUE },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

/** The workflow waits for the partner to add `kind`: keep its token on the claim (refused unless Open). */
export const awaitProofItem = (claimId: string, kind: AttachmentKind, taskToken: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(claimId),
    UpdateExpression: 'SET awaitingProof = :awaiting, proofTaskToken = :token, updatedAt = :at',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':awaiting': { kind, since: at }, ':token': taskToken, ':at': at, ':open': 'Open' },
  },
});

/** What the claim waits for, with the workflow's token (consistent read). */
export const proofWaitOf = async (claimId: string): Promise<{ kind: AttachmentKind; taskToken: string } | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(claimId), ConsistentRead: true }));
  const item = result.Item as StoredClaim | undefined;
  return item?.status === 'Open' && item.awaitingProof && item.proofTaskToken ? { kind: item.awaitingProof.kind, taskToken: item.proofTaskToken } : undefined;
};

/** The workflow was told the proof arrived: stop waiting (only this wait; a no-op when already cleared). */
export const proofArrived = async (claimId: string, taskToken: string, at: string): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: key(claimId),
        UpdateExpression: 'SET updatedAt = :at REMOVE awaitingProof, proofTaskToken',
        ConditionExpression: 'proofTaskToken = :token',
        ExpressionAttributeValues: { ':token': taskToken, ':at': at },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

/** The file of a Pending attachment arrived: record it once (refused unless Pending). */
export const uploadedItem = (claimId: string, attachmentId: string, sizeBytes: number, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: attachmentKey(claimId, attachmentId),
    UpdateExpression: 'SET #status = :uploaded, uploadedAt = :at, sizeBytes = :size',
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':uploaded': 'Uploaded', ':pending': 'Pending', ':at': at, ':size': sizeBytes },
  },
});

/** The file that arrived is not what was declared (too big, another type): refused unless Pending. */
export const rejectedItem = (claimId: string, attachmentId: string, reason: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: attachmentKey(claimId, attachmentId),
    UpdateExpression: 'SET #status = :rejected, rejectedReason = :reason, uploadedAt = :at',
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':rejected': 'Rejected', ':pending': 'Pending', ':reason': reason, ':at': at },
  },
});

export const getAttachment = async (claimId: string, attachmentId: string): Promise<Attachment | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: attachmentKey(claimId, attachmentId), ConsistentRead: true }));
  if (!result.Item) return undefined;
  const { claimId: _claim, s3Key: _key, ...attachment } = recordOf<Attachment & { claimId: string; s3Key: string }>(result.Item);
  return attachment;
};

export const historyItem = (claimId: string, event: HistoryEvent): TransactItem => historyPut(partitionOf(claimId), event);
