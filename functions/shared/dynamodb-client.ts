import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Created once per container, on first use. The endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB locally). */
let client: DynamoDBDocumentClient | undefined;
let raw: DynamoDBClient | undefined;

export const dynamoRawClient = (): DynamoDBClient => (raw ??= new DynamoDBClient({}));

export const dynamo = (): DynamoDBDocumentClient =>
  (client ??= DynamoDBDocumentClient.from(dynamoRawClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }));
