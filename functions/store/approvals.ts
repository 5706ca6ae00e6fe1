import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { statusAfter, type Approval, type ApprovalStatus, type DecidedBy, type Decision } from '#domain/approval';
import { db, queryPage, recordOf, tableName, type Item, type Page, type TransactItem } from './table.ts';

/**
 * Approval levels and the links that decide them, for any subject (MDF request,
 * claim, deal registration). An approval item lives in its subject's partition, so
 * the subject, its approvals and its history come back in one Query. A link item is
 * keyed by the SHA-256 of the link's token: the token itself is never stored.
 * Access patterns:
 * - approvals of a subject: in the subject's partition, sk begins_with APPROVAL#
 * - a link by token hash: GetItem pk=LINK#<sha256>, sk=LINK
 * - an approver's pending links (inbox), soonest due first: Query gsi1 gsi1pk=INBOX#<user>, gsi1sk=<slaDueAt>#<approval id>
 * - pending approvals past their SLA: due index duePk=approval-sla, dueAt <= now
 * - decided approvals whose workflow was not yet told: due index duePk=approval-signal, dueAt <= now
 */
export const SLA_DUE = 'approval-sla';
export const SIGNAL_DUE = 'approval-signal';

const APPROVAL = 'APPROVAL#';

/** Where an approval lives: its subject's partition, one item per level and round. */
export interface ApprovalAddress {
  partition: string;
  subjectId: string;
  level: string;
  /** Counts re-submissions (a returned deal registration is asked again); MDF requests have round 1. */
  round: number;
}

export const approvalIdOf = (address: ApprovalAddress): string => `${address.subjectId}.${address.level}.${address.round}`;
const approvalSk = (address: ApprovalAddress) => `${APPROVAL}r${String(address.round).padStart(3, '0')}#${address.level}`;
const linkKey = (hash: string) => ({ pk: `LINK#${hash}`, sk: 'LINK' });

/** What the store keeps beside the approval: the workflow's task token and the hashes of its links. */
interface StoredApproval extends Approval {
  round: number;
  taskToken?: string;
  linkHashes: string[];
}

export interface Link {
  hash: string;
  approvalId: string;
  approvalPk: string;
  approvalSk: string;
  holderId: string;
  holderName: string;
  holderEmail: string;
  /** Set when the holder is a backup acting for the approver. */
  onBehalfOf?: { id: string; name: string };
  expiresAt: string;
  usedAt?: string;
  subjectKind: string;
  subjectId: string;
  subjectTitle: string;
  level: string;
  slaDueAt: string;
  openedAt: string;
}

/** A link to hand out: who holds it and the hash of its token. */
export interface NewLink {
  hash: string;
  holderId: string;
  holderName: string;
  holderEmail: string;
  onBehalfOf?: { id: string; name: string };
}

export const isApprovalItem = (item: Item): boolean => typeof item.sk === 'string' && item.sk.startsWith(APPROVAL);

const toApproval = (item: Item): Approval => {
  const { taskToken: _token, linkHashes: _hashes, round: _round, ...approval } = recordOf<StoredApproval>(item);
  return approval;
};

/** The approvals among a partition's items, in the order they were opened. */
export const approvalsOf = (items: readonly Item[]): Approval[] =>
  items
    .filter(isApprovalItem)
    .map(toApproval)
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));

export const findApproval = (items: readonly Item[], approvalId: string): Approval | undefined =>
  approvalsOf(items).find((approval) => approval.id === approvalId);

const linkItem = (approval: Approval, address: ApprovalAddress, link: NewLink, subjectTitle: string, ttlSeconds: number) => ({
  ...linkKey(link.hash),
  entity: 'approval-link',
  gsi1pk: `INBOX#${link.holderId}`,
  gsi1sk: `${approval.slaDueAt}#${approval.id}`,
  ttl: ttlSeconds,
  hash: link.hash,
  approvalId: approval.id,
  approvalPk: address.partition,
  approvalSk: approvalSk(address),
  holderId: link.holderId,
  holderName: link.holderName,
  holderEmail: link.holderEmail,
  ...(link.onBehalfOf ? { onBehalfOf: link.onBehalfOf } : {}),
  expiresAt: approval.expiresAt,
  subjectKind: approval.subjectKind,
  subjectId: approval.subjectId,
  subjectTitle,
  level: approval.level,
  slaDueAt: approval.slaDueAt,
  openedAt: approval.openedAt,
});

/** Links are kept 90 days past their expiry so a late click still gets a clear page, then DynamoDB drops them. */
const linkTtl = (expiresAt: string) => Math.floor(Date.parse(expiresAt) / 1000) + 90 * 86_400;

/**
 * Opens a level: the approval (Pending, in the SLA due index, holding the task
 * token) and one link per holder. Opening the same level again (the workflow
 * retried the task) replaces the task token and adds the new links.
 */
export const openItems = (
  approval: Approval,
  address: ApprovalAddress,
  taskToken: string,
  links: NewLink[],
  subjectTitle: string,
): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: { pk: address.partition, sk: approvalSk(address) },
      UpdateExpression:
        'SET entity = :entity, #id = :id, #round = :round, subjectKind = :kind, subjectId = :subjectId, #level = :level, #role = :role, #scope = :scope, ' +
        'approverId = :approverId, approverName = :approverName, #status = :pending, openedAt = if_not_exists(openedAt, :openedAt), ' +
        'slaDueAt = :slaDueAt, expiresAt = :expiresAt, taskToken = :token, duePk = :due, dueAt = :slaDueAt, ' +
        'linkHolders = list_append(if_not_exists(linkHolders, :empty), :holders), linkHashes = list_append(if_not_exists(linkHashes, :empty), :hashes)',
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
      ExpressionAttributeNames: { '#id': 'id', '#round': 'round', '#level': 'level', '#role': 'role', '#scope': 'scope', '#status': 'status' },
      ExpressionAttributeValues: {
        ':entity': 'approval',
        ':id': approval.id,
        ':round': address.round,
        ':kind': approval.subjectKind,
        ':subjectId': approval.subjectId,
        ':level': approval.level,
        ':role': approval.role,
        ':scope': approval.scope,
        ':approverId': approval.approverId,
        ':approverName': approval.approverName,
        ':pending': 'Pending',
        ':openedAt': approval.openedAt,
        ':slaDueAt': approval.slaDueAt,
        ':expiresAt': approval.expiresAt,
        ':token': taskToken,
        ':due': SLA_DUE,
        ':empty': [],
        ':holders': links.map((link) => link.holderId),
        ':hashes': links.map((link) => link.hash),
      },
    },
  },
  ...links.map(
    (link): TransactItem => ({
      Put: { TableName: tableName, Item: linkItem(approval, address, link, subjectTitle, linkTtl(approval.expiresAt)), ConditionExpression: 'attribute_not_exists(pk)' },
    }),
  ),
];

export const getLink = async (hash: string): Promise<Link | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: linkKey(hash) }));
  return result.Item ? recordOf<Link>(result.Item) : undefined;
};

/** The approval item with what only the store sees (task token, link hashes). */
export const getStored = async (link: Pick<Link, 'approvalPk' | 'approvalSk'>): Promise<StoredApproval | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: { pk: link.approvalPk, sk: link.approvalSk }, ConsistentRead: true }));
  return result.Item ? recordOf<StoredApproval>(result.Item) : undefined;
};

/** The stored approval found among a partition's items (same data as getStored, no extra read). */
export const storedOf = (items: readonly Item[], approvalId: string): StoredApproval | undefined => {
  const item = items.find((candidate) => isApprovalItem(candidate) && candidate.id === approvalId);
  return item ? recordOf<StoredApproval>(item) : undefined;
};

/** The latest round of `level` among a partition's items, with what only the store sees. */
export const latestOfLevel = (items: readonly Item[], level: string): StoredApproval | undefined =>
  items
    .filter((item) => isApprovalItem(item) && item.level === level)
    .map((item) => recordOf<StoredApproval>(item))
    .sort((a, b) => b.round - a.round)[0];

export const taskTokenOf = (stored: StoredApproval): string | undefined => stored.taskToken;

/** Takes every link of an approval out of its holder's inbox (the level is over). */
const linksOutOfInbox = (stored: StoredApproval, except?: string): TransactItem[] =>
  stored.linkHashes
    .filter((hash) => hash !== except)
    .map((hash) => ({
      Update: {
        TableName: tableName,
        Key: linkKey(hash),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk)',
      },
    }));

export interface DecisionWrite {
  stored: StoredApproval;
  partition: string;
  /** The link pressed; none when a signed-in holder decides through the API. */
  usedLinkHash?: string;
  decision: Decision;
  reason?: string;
  decidedBy: DecidedBy;
  now: Date;
  /** When the sweep should tell the workflow if this function could not. */
  signalDueAt: string;
}

/**
 * A decision: the approval flips from Pending exactly once (first item, refused if
 * anyone decided first or the level expired), the used link is spent (second item,
 * refused if already used) and every link leaves its inbox.
 */
export const decideItems = (write: DecisionWrite): TransactItem[] => {
  const status: ApprovalStatus = statusAfter(write.decision);
  const at = write.now.toISOString();
  return [
    {
      Update: {
        TableName: tableName,
        Key: { pk: write.partition, sk: approvalSkOf(write.stored) },
        UpdateExpression:
          'SET #status = :status, decision = :decision, decidedAt = :at, decidedBy = :by, duePk = :signal, dueAt = :signalAt' +
          (write.reason ? ', reason = :reason' : ''),
        // The link set read is the one taken out of the inboxes: an escalation in between forces a fresh read.
        ConditionExpression: '#status = :pending AND expiresAt > :at AND size(linkHashes) = :links',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':links': write.stored.linkHashes.length,
          ':status': status,
          ':decision': write.decision,
          ':at': at,
          ':by': write.decidedBy,
          ':signal': SIGNAL_DUE,
          ':signalAt': write.signalDueAt,
          ':pending': 'Pending',
          ...(write.reason ? { ':reason': write.reason } : {}),
        },
      },
    },
    ...(write.usedLinkHash
      ? [
          {
            Update: {
              TableName: tableName,
              Key: linkKey(write.usedLinkHash),
              UpdateExpression: 'SET usedAt = :at REMOVE gsi1pk, gsi1sk',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
              ExpressionAttributeValues: { ':at': at },
            },
          } satisfies TransactItem,
        ]
      : []),
    ...linksOutOfInbox(write.stored, write.usedLinkHash),
  ];
};

/** Positions of the approval and the used link (when one was pressed) in decideItems(), for reading a refusal. */
export const DECISION_APPROVAL_INDEX = 0;
export const DECISION_LINK_INDEX = 1;

/** The pending approval of a subject, found among its partition's items. */
export const pendingOf = (items: readonly Item[]): StoredApproval | undefined =>
  items.filter((item) => isApprovalItem(item) && item.status === 'Pending').map((item) => recordOf<StoredApproval>(item))[0];
export const decisionItemCount = (stored: StoredApproval): number => 1 + stored.linkHashes.length;

/** The level ends without a decision (request canceled, or the hard timeout): refused unless Pending. */
export const closeItems = (stored: StoredApproval, partition: string, status: 'Canceled' | 'Expired', at: string): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: { pk: partition, sk: approvalSkOf(stored) },
      UpdateExpression: 'SET #status = :status, decidedAt = :at REMOVE taskToken, duePk, dueAt',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':at': at, ':pending': 'Pending' },
    },
  },
  ...linksOutOfInbox(stored),
];

/** A level whose subject is over needs no reminder: it leaves the SLA due index (a no-op when already out). */
export const leaveSlaDue = async (partition: string, stored: StoredApproval): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: partition, sk: approvalSkOf(stored) },
        UpdateExpression: 'REMOVE duePk, dueAt',
        ConditionExpression: 'duePk = :sla',
        ExpressionAttributeValues: { ':sla': SLA_DUE },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

/** The workflow was told of the decision: forget the task token, leave the due index. */
export const markSignalled = async (partition: string, stored: StoredApproval): Promise<void> => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: partition, sk: approvalSkOf(stored) },
        UpdateExpression: 'REMOVE taskToken, duePk, dueAt',
        ConditionExpression: 'duePk = :signal',
        ExpressionAttributeValues: { ':signal': SIGNAL_DUE },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

/**
 * The level passed its SLA: the approval leaves the SLA due index and records the
 * escalation exactly once (refused if already escalated or no longer Pending), and
 * the new links join it.
 */
export const escalateItems = (
  stored: StoredApproval,
  partition: string,
  links: NewLink[],
  subjectTitle: string,
  at: string,
): TransactItem[] => {
  const address: ApprovalAddress = { partition, subjectId: stored.subjectId, level: stored.level, round: stored.round };
  return [
    {
      Update: {
        TableName: tableName,
        Key: { pk: partition, sk: approvalSkOf(stored) },
        UpdateExpression: 'SET escalatedAt = :at, linkHolders = list_append(linkHolders, :holders), linkHashes = list_append(linkHashes, :hashes) REMOVE duePk, dueAt',
        ConditionExpression: '#status = :pending AND attribute_not_exists(escalatedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':at': at,
          ':pending': 'Pending',
          ':holders': links.map((link) => link.holderId),
          ':hashes': links.map((link) => link.hash),
        },
      },
    },
    ...links.map(
      (link): TransactItem => ({
        Put: { TableName: tableName, Item: linkItem(stored, address, link, subjectTitle, linkTtl(stored.expiresAt)), ConditionExpression: 'attribute_not_exists(pk)' },
      }),
    ),
  ];
};

const approvalSkOf = (stored: Pick<StoredApproval, 'level' | 'round'>): string =>
  approvalSk({ partition: '', subjectId: '', level: stored.level, round: stored.round });

export interface InboxEntry {
  approvalId: string;
  subjectKind: string;
  subjectId: string;
  subjectTitle: string;
  level: string;
  openedAt: string;
  slaDueAt: string;
  expiresAt: string;
  onBehalfOf?: { id: string; name: string };
}

/** An approver's pending approvals, soonest due first. */
export const inbox = async (userId: string, limit: number, cursor?: string): Promise<Page<InboxEntry>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: `INBOX#${userId}`, limit, cursor });
  return {
    ...page,
    items: page.items.map((item) => {
      const link = recordOf<Link>(item);
      return {
        approvalId: link.approvalId,
        subjectKind: link.subjectKind,
        subjectId: link.subjectId,
        subjectTitle: link.subjectTitle,
        level: link.level,
        openedAt: link.openedAt,
        slaDueAt: link.slaDueAt,
        expiresAt: link.expiresAt,
        ...(link.onBehalfOf ? { onBehalfOf: link.onBehalfOf } : {}),
      };
    }),
  };
};

export type { StoredApproval };
