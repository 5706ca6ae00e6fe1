import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Delegation, InternalRole } from '#domain/people';
import type { Region } from '#domain/regions';
import { db, queryPage, recordOf, tableName, type Page } from './table.ts';

/**
 * Who approves what: one approver per role and region (or GLOBAL), and the
 * delegations approvers name for their absences. Access patterns:
 * - approver of a role in a region: GetItem pk=APPROVER#<role>#<scope>, sk=APPROVER
 * - all assignments: Query gsi1 gsi1pk=APPROVERS, gsi1sk=<role>#<scope>
 * - a delegation by id: GetItem pk=DELEGATION#<id>, sk=DELEGATION
 * - delegations of an approver: Query gsi1 gsi1pk=DELEGATIONS#<approver id>, gsi1sk=<from>#<id>
 * - all delegations, latest first: Query gsi2 gsi2pk=DELEGATIONS, gsi2sk=<from>#<id>
 */
export type Scope = Region | 'GLOBAL';

export interface Assignment {
  role: InternalRole;
  scope: Scope;
  userId: string;
  assignedAt: string;
  assignedBy: string;
}

const assignmentKey = (role: InternalRole, scope: Scope) => ({ pk: `APPROVER#${role}#${scope}`, sk: 'APPROVER' });
const delegationKey = (id: string) => ({ pk: `DELEGATION#${id}`, sk: 'DELEGATION' });

export const assigned = async (role: InternalRole, scope: Scope): Promise<Assignment | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: assignmentKey(role, scope) }));
  return result.Item ? recordOf<Assignment>(result.Item) : undefined;
};

export const assign = async (assignment: Assignment): Promise<void> => {
  await db().send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...assignmentKey(assignment.role, assignment.scope),
        entity: 'approver-assignment',
        gsi1pk: 'APPROVERS',
        gsi1sk: `${assignment.role}#${assignment.scope}`,
        ...assignment,
      },
    }),
  );
};

export const listAssignments = async (limit: number, cursor?: string): Promise<Page<Assignment>> => {
  const page = await queryPage({ index: 'gsi1', partitionValue: 'APPROVERS', limit, cursor });
  return { ...page, items: page.items.map((item) => recordOf<Assignment>(item)) };
};

export const delegationsOf = async (approverId: string): Promise<Delegation[]> => {
  const delegations: Delegation[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage({ index: 'gsi1', partitionValue: `DELEGATIONS#${approverId}`, limit: 100, cursor });
    delegations.push(...page.items.map((item) => recordOf<Delegation>(item)));
    cursor = page.nextCursor;
  } while (cursor);
  return delegations;
};

export const listDelegations = async (limit: number, cursor?: string): Promise<Page<Delegation>> => {
  const page = await queryPage({ index: 'gsi2', partitionValue: 'DELEGATIONS', limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map((item) => recordOf<Delegation>(item)) };
};

export const getDelegation = async (id: string): Promise<Delegation | undefined> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: delegationKey(id) }));
  return result.Item ? recordOf<Delegation>(result.Item) : undefined;
};

export const addDelegation = async (delegation: Delegation): Promise<void> => {
  await db().send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...delegationKey(delegation.id),
        entity: 'delegation',
        gsi1pk: `DELEGATIONS#${delegation.approverId}`,
        gsi1sk: `${delegation.from}#${delegation.id}`,
        gsi2pk: 'DELEGATIONS',
        gsi2sk: `${delegation.from}#${delegation.id}`,
        ...delegation,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const removeDelegation = async (id: string): Promise<void> => {
  await db().send(new DeleteCommand({ TableName: tableName, Key: delegationKey(id) }));
};
