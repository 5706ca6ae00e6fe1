import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

/** The AWS clients the handlers talk to, stubbed (reset in each file's beforeEach). */
export const dynamoMock = () => mockClient(DynamoDBDocumentClient);
export const stepFunctionsMock = () => mockClient(SFNClient);
export const emailMock = () => mockClient(SESClient);
/**
 * The attachments bucket. Only `send` is stubbed: presigned uploads and downloads
 * are signed locally with the environment's keys, so they work against it.
 */
export const storageMock = () => mockClient(S3Client);

export type DynamoStub = ReturnType<typeof dynamoMock>;
// biome-ignore lint: any stub
type AnyStub = AwsStub<any, any, any>;

/** Every DynamoDB command that could change the table. */
export const writesSent = (ddb: DynamoStub) => [
  ...ddb.commandCalls(PutCommand),
  ...ddb.commandCalls(UpdateCommand),
  ...ddb.commandCalls(DeleteCommand),
  ...ddb.commandCalls(TransactWriteCommand),
  ...ddb.commandCalls(BatchWriteCommand),
];

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The items of the one transaction sent (fails when there was not exactly one). */
export const onlyTransaction = (ddb: DynamoStub): TransactItem[] => {
  const calls = ddb.commandCalls(TransactWriteCommand);
  if (calls.length !== 1) throw new Error(`Expected one TransactWriteCommand, got ${calls.length}`);
  return calls[0]!.args[0].input.TransactItems ?? [];
};

/** What DynamoDB answers when a transaction's conditions fail: one code per item. */
export const transactionCanceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

export interface SentEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** The emails sent through SES, as a person would read them. */
export const emailsSent = (ses: AnyStub): SentEmail[] =>
  ses.commandCalls(SendEmailCommand).map((call) => {
    const input = call.args[0].input as SendEmailCommandInput;
    return {
      to: input.Destination?.ToAddresses ?? [],
      subject: input.Message?.Subject?.Data ?? '',
      text: input.Message?.Body?.Text?.Data ?? '',
      html: input.Message?.Body?.Html?.Data ?? '',
    };
  });

// ---------------------------------------------------------------------------------------------
// What DynamoDB itself would refuse, which a mock would let through

interface Expressions {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
  TableName?: string;
}

/** Every `#name` and `:value` is defined and every defined one is used (DynamoDB refuses both). */
const placeholderProblems = (where: string, input: Expressions): string[] => {
  const text = [input.UpdateExpression, input.ConditionExpression, input.KeyConditionExpression, input.FilterExpression, input.ProjectionExpression]
    .filter(Boolean)
    .join(' ');
  const usedNames = new Set(text.match(/#[A-Za-z0-9_]+/g) ?? []);
  const usedValues = new Set(text.match(/:[A-Za-z0-9_]+/g) ?? []);
  const names = Object.keys(input.ExpressionAttributeNames ?? {});
  const values = Object.keys(input.ExpressionAttributeValues ?? {});
  return [
    ...[...usedNames].filter((name) => !names.includes(name)).map((name) => `${where}: ${name} is used but not defined`),
    ...[...usedValues].filter((value) => !values.includes(value)).map((value) => `${where}: ${value} is used but not defined`),
    ...names.filter((name) => !usedNames.has(name)).map((name) => `${where}: ${name} is defined but not used`),
    ...values.filter((value) => !usedValues.has(value)).map((value) => `${where}: ${value} is defined but not used`),
  ];
};

const keyText = (input: Expressions) => {
  const key = input.Key ?? { pk: input.Item?.pk, sk: input.Item?.sk };
  return `${input.TableName}/${String(key.pk)}/${String(key.sk)}`;
};

/**
 * The writes sent are ones DynamoDB would accept: placeholders match, a
 * transaction touches each item once and holds at most 100 items, every Put has
 * its keys. Returns the problems found (empty when all is well).
 */
export const writeProblems = (ddb: DynamoStub): string[] => {
  const problems: string[] = [];
  const single = [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand), ...ddb.commandCalls(DeleteCommand)];
  for (const call of single) {
    const input = call.args[0].input as Expressions;
    problems.push(...placeholderProblems(`${call.args[0].constructor.name} ${keyText(input)}`, input));
  }
  for (const call of ddb.commandCalls(TransactWriteCommand)) {
    const items = call.args[0].input.TransactItems ?? [];
    if (items.length > 100) problems.push(`a transaction of ${items.length} items (at most 100)`);
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const [kind, input] = Object.entries(item)[0] as [string, Expressions];
      const key = keyText(input);
      if (input.Item && (input.Item.pk === undefined || input.Item.sk === undefined)) problems.push(`item ${index}: a Put without pk and sk`);
      if (seen.has(key)) problems.push(`item ${index}: ${key} is touched twice in one transaction`);
      seen.add(key);
      problems.push(...placeholderProblems(`item ${index} (${kind} ${key})`, input));
    });
  }
  return problems;
};
