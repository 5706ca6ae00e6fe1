import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { defaultDenialReasons } from '#domain/deal-registration';
import { db, tableName } from './table.ts';

/**
 * Settings of the program that administrators change at run time. Access pattern:
 * GetItem pk=CONFIG, sk=<name>.
 */
const denialReasonsKey = { pk: 'CONFIG', sk: 'DR-DENIAL-REASONS' };

export const denialReasons = async (): Promise<string[]> => {
  const result = await db().send(new GetCommand({ TableName: tableName, Key: denialReasonsKey }));
  const reasons = result.Item?.reasons;
  return Array.isArray(reasons) && reasons.length > 0 ? reasons.map(String) : [...defaultDenialReasons];
};

export const setDenialReasons = async (reasons: string[], by: string, at: string): Promise<void> => {
  await db().send(new PutCommand({ TableName: tableName, Item: { ...denialReasonsKey, entity: 'config', reasons, updatedBy: by, updatedAt: at } }));
};
