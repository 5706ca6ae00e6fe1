import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(() => import('./support/environment.ts'));

import { handler } from '#http/mdf-requests';
import { dynamoMock, emailMock, stepFunctionsMock, writeProblems } from './support/aws.ts';
import { httpEvent, jsonOf, lambdaContext } from './support/events.ts';
import { FakeTable } from './support/fake-table.ts';
import { budgetItem, claimsOf, NOW, partnerItem, people, validSubmission } from './support/fixtures.ts';
import { idempotencyRecords } from './support/idempotency-records.ts';

/** `Idempotency-Key` on submission: a retried POST answers the first response, never a second request. */
const ddb = dynamoMock();
const sfn = stepFunctionsMock();
const ses = emailMock();
const table = new FakeTable();
const records = idempotencyRecords();

const submit = (body: unknown, key: string, person = people.dana) =>
  handler(httpEvent('POST /mdf/requests', { claims: claimsOf(person), body, headers: { 'Idempotency-Key': key } }), lambdaContext('mdf-requests'));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  ddb.reset();
  sfn.reset();
  ses.reset();
  records.raw.reset();
  records.serve();
  table.clear();
  table.serve(ddb);
  table.seed(partnerItem(), budgetItem());
});

afterEach(() => {
  vi.useRealTimers();
  // whatever was written is something DynamoDB itself would accept
  expect(writeProblems(ddb)).toEqual([]);
});

describe('submitting with an Idempotency-Key', () => {
  it('the same key and body, sent twice, answer the first response and create one request', async () => {
    // Act
    const first = await submit(validSubmission(), 'retry-7f3a');
    const second = await submit(validSubmission(), 'retry-7f3a');

    // Assess
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(jsonOf(second).id).toBe(jsonOf(first).id);
    expect(second.headers?.location).toBe(first.headers?.location);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('the same key with another body is refused (422) and creates nothing more', async () => {
    // Act
    await submit(validSubmission(), 'retry-7f3a');
    const other = await submit({ ...validSubmission(), activityName: 'Another seminar' }, 'retry-7f3a');

    // Assess
    expect(other.statusCode).toBe(422);
    expect(jsonOf(other)).toMatchObject({ status: 422, type: 'urn:channel-prm:problem:idempotency-key-reused' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("the same key from another user is that user's own request", async () => {
    // Prepare: Acme's second MDF administrator
    const lee = { ...people.dana, id: 'usr_lee', email: 'lee@acme.example', name: 'Lee Chen' };

    // Act
    const first = await submit(validSubmission(), 'retry-7f3a');
    const second = await submit(validSubmission(), 'retry-7f3a', lee);

    // Assess
    expect(second.statusCode).toBe(201);
    expect(jsonOf(second).id).not.toBe(jsonOf(first).id);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('a submission that was refused can be sent again with the same key once corrected', async () => {
    // Prepare: first sent over half the total cost
    const refused = await submit({ ...validSubmission(), amountRequestedCents: 600_000, partnerInvestmentCents: 400_000 }, 'retry-7f3a');

    // Act
    const corrected = await submit(validSubmission(), 'retry-7f3a');

    // Assess
    expect(refused.statusCode).toBe(422);
    expect(corrected.statusCode).toBe(201);
  });

  it('a retry after Step Functions was briefly unavailable does not create a second request', async () => {
    // Prepare: the first StartExecution is throttled, the retry's succeeds
    sfn.on(StartExecutionCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({});

    // Act
    const first = await submit(validSubmission(), 'retry-7f3a');
    const retry = await submit(validSubmission(), 'retry-7f3a');

    // Assess: one request, whatever the first answer was
    expect(retry.statusCode).toBe(201);
    expect(first.statusCode === 201 ? jsonOf(first).id : jsonOf(retry).id).toBe(jsonOf(retry).id);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
