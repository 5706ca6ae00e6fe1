import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DeleteItemCommandInput,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * The Powertools idempotency records, which live in the same table but are
 * written through the low-level DynamoDB client: a small store that answers its
 * Put (refused while a live record exists, returning it), Get, Update and Delete.
 */
type RawItem = Record<string, AttributeValue>;

const keyOf = (key: RawItem | undefined) => `${key?.pk?.S}|${key?.sk?.S}`;

export const idempotencyRecords = () => {
  const raw = mockClient(DynamoDBClient);
  const records = new Map<string, RawItem>();
  const serve = () => {
    records.clear();
    raw.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
      const item = input.Item ?? {};
      const existing = records.get(keyOf(item));
      const nowSeconds = Date.now() / 1000;
      const live = existing && Number(existing.ttl?.N ?? 0) >= nowSeconds;
      if (live) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 }, Item: existing });
      }
      records.set(keyOf(item), { ...item });
      return {};
    });
    raw.on(GetItemCommand).callsFake((input: GetItemCommandInput) => {
      const item = records.get(keyOf(input.Key));
      return item ? { Item: item } : {};
    });
    raw.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
      const item = records.get(keyOf(input.Key));
      if (!item) return {};
      const assignments = (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ');
      for (const assignment of assignments) {
        const [name = '', value = ''] = assignment.split(' = ');
        const attribute = input.ExpressionAttributeNames?.[name];
        const attributeValue = input.ExpressionAttributeValues?.[value];
        if (attribute && attributeValue) item[attribute] = attributeValue;
      }
      return {};
    });
    raw.on(DeleteItemCommand).callsFake((input: DeleteItemCommandInput) => {
      records.delete(keyOf(input.Key));
      return {};
    });
  };
  return { raw, records, serve };
};
