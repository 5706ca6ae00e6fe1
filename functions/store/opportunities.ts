import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { historyPut, type HistoryEvent } from './history.ts';
import { db, queryPage, queryPartition, recordOf, tableName, type TransactItem } from './table.ts';

/**
 * Opportunities of customer accounts, and the guard that lets only one
 * registration be Approved per opportunity. Access patterns:
 * - an opportunity: GetItem pk=OPP#<id>, sk=OPP
 * - opportunities of an account: Query gsi1 gsi1pk=ACCOUNT#<account>#OPPS, gsi1sk=<createdAt>#<id>
 * - the registration holding the opportunity: GetItem pk=OPP#<id>, sk=APPROVED-REGISTRATION
 * - registrations linked to the opportunity: Query pk=OPP#<id>, sk begins_with REGISTRATION#
 */
export const opportunityStages = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'] as const;
export type OpportunityStage = (typeof opportunityStages)[number];

export interface Opportunity {
  id: string;
  accountId: string;
  accountName: string;
  name: string;
  stage: OpportunityStage;
  partnerSourced: boolean;
  /** `PQL` when a partner's registration created it. */
  source: 'PQL' | 'Sales' | 'Marketing';
  /** The partner whose approved registration sourced it. */
  sourcedByPartnerId?: string;
  createdAt: string;
  createdForRegistration?: string;
  closedAt?: string;
  version: number;
}

export const isOpen = (opportunity: Pick<Opportunity, 'stage'>): boolean => opportunity.stage !== 'Closed Won' && opportunity.stage !== 'Closed Lost';

const partition = (id: string) => `OPP#${id}`;
const key = (id: string) => ({ pk: partition(id), sk: 'OPP' });
const guardKey = (id: string) => ({ pk: partition(id), sk: 'APPROVED-REGISTRATION' });

export const get = async (id: string): Promise<Opportunity | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: key(id) }));
  return result.Item ? recordOf<Opportunity>(result.Item) : undefined;
};

export const putItem = (opportunity: Opportunity): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      ...key(opportunity.id),
      entity: 'opportunity',
      gsi1pk: `ACCOUNT#${opportunity.accountId}#OPPS`,
      gsi1sk: `${opportunity.createdAt}#${opportunity.id}`,
      ...opportunity,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const ofAccount = async (accountId: string): Promise<Opportunity[]> =>
  (await queryPage({ index: 'gsi1', partitionValue: `ACCOUNT#${accountId}#OPPS`, limit: 100, newestFirst: true })).items.map((item) =>
    recordOf<Opportunity>(item),
  );

/** The registration is linked to the opportunity (operations' review). */
export const linkItem = (opportunityId: string, registrationId: string, partnerId: string, at: string): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { pk: partition(opportunityId), sk: `REGISTRATION#${registrationId}`, entity: 'opportunity-registration', registrationId, partnerId, linkedAt: at },
  },
});

export const linkedRegistrations = async (opportunityId: string): Promise<string[]> =>
  (await queryPartition(partition(opportunityId), 'REGISTRATION#')).map((item) => String(item.registrationId));

export interface Holder {
  registrationId: string;
  partnerId: string;
  approvedAt: string;
}

export const holderOf = async (opportunityId: string): Promise<Holder | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: guardKey(opportunityId), ConsistentRead: true }));
  return result.Item ? recordOf<Holder>(result.Item) : undefined;
};

/**
 * Approving a registration claims its opportunity: refused when another
 * registration holds it. The same transaction marks the opportunity partner
 * sourced (PQL when the registration created it).
 */
export const approvedItems = (opportunityId: string, holder: Holder, createdByRegistration: boolean): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...guardKey(opportunityId), entity: 'opportunity-guard', ...holder },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Update: {
      TableName: tableName,
      Key: key(opportunityId),
      UpdateExpression: `SET partnerSourced = :yes, sourcedByPartnerId = :partner, version = version + :one${createdByRegistration ? ', #source = :pql' : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':yes': true, ':partner': holder.partnerId, ':one': 1, ...(createdByRegistration ? { ':pql': 'PQL' } : {}) },
      ...(createdByRegistration ? { ExpressionAttributeNames: { '#source': 'source' } } : {}),
    },
  },
];

/** The approved registration no longer holds the opportunity (expired, closed lost). */
export const releaseItem = (opportunityId: string, registrationId: string): TransactItem => ({
  Delete: {
    TableName: tableName,
    Key: guardKey(opportunityId),
    ConditionExpression: 'registrationId = :registration',
    ExpressionAttributeValues: { ':registration': registrationId },
  },
});

/** The opportunity is lost: refused unless it is still open. */
export const closedLostItem = (opportunityId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: key(opportunityId),
    UpdateExpression: 'SET stage = :lost, closedAt = :at, version = version + :one',
    ConditionExpression: 'attribute_exists(pk) AND NOT stage IN (:lost, :won)',
    ExpressionAttributeValues: { ':lost': 'Closed Lost', ':won': 'Closed Won', ':at': at, ':one': 1 },
  },
});

export const historyItem = (opportunityId: string, event: HistoryEvent): TransactItem => historyPut(partition(opportunityId), event);
