import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { workflows } from '../lib/manifest.ts';
import { startDynamo, ensureTable } from '../local/dynamodb.ts';
import { startSfnEndpoint, localStateMachineArn, type SfnEndpoint } from '../local/sfn-endpoint.ts';
import { freePort, TABLE_NAME } from '../local/stack.ts';
import type { SubmitResults } from './results.ts';
import { gatewayEvent, percentile, progress, rootDir, round, setLocalEnvironment, shuffle, writeResults } from './support.ts';

/**
 * `POST /mdf/requests` latency against DynamoDB Local, divided by the latency of the raw
 * DynamoDB calls the handler makes, measured in the same run, interleaved call by call.
 *
 * - handler: the real `functions/http/mdf-requests.ts` handler, called in-process the way the
 *   local stack calls it (local/functions.ts `invokeFunction`), with the API Gateway HTTP API
 *   (payload 2.0) event the local API server builds, carrying the JWT claims of the seeded
 *   partner user usr_alice. Without an Idempotency-Key header, and (separately reported) with
 *   a fresh one on every call.
 * - raw: the same DynamoDB calls made directly with the same document client: GetItem partner,
 *   then GetItem budget ∥ Query of the region's calendar partition, then TransactWriteItems of
 *   the request Put + history Put (items copied from one the handler wrote, with a new id).
 * - raw + StartExecution: the raw calls followed by the StartExecution the handler makes, to
 *   show how much of the difference is the workflow start.
 *
 * The local Step Functions endpoint runs the real ASL, with fake task functions: the partner
 * email task returns at once and the approver task never answers, so the executions wait at the
 * first level and put no load on DynamoDB Local while the calls are timed. A 2 ms pause between
 * calls lets that background work finish outside the timed windows.
 *
 * stdout carries the handler's INFO log lines (as in Lambda); bench/run.ts discards them.
 */
export const TARGET_P50_RATIO = 1.5;
export const TARGET_P99_RATIO = 2;
const ROUNDS = Number(process.env.BENCH_SUBMIT_ROUNDS ?? 300);
const WARMUP = Number(process.env.BENCH_SUBMIT_WARMUP ?? 50);
const PAUSE_MS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Item = Record<string, unknown>;

const main = async (): Promise<void> => {
  const dynamoPort = await freePort();
  progress(`submit-latency: starting DynamoDB Local on ${dynamoPort} (in memory)`);
  const dynamo = await startDynamo({ port: dynamoPort });
  let sfn: SfnEndpoint | undefined;
  try {
    // The environment CDK gives the function, pointed at the local endpoints (as local/stack.ts does);
    // dummy values for settings this route does not use (e.g. the attachments bucket).
    await setLocalEnvironment({ dynamodb: dynamo.endpoint });
    await ensureTable(dynamo.endpoint, TABLE_NAME);

    const { clock } = await import('../functions/shared/clock.ts');
    sfn = await startSfnEndpoint({
      port: 0,
      rootDir,
      // Only the workflow a submission starts (other definitions are not needed here).
      definitions: { 'mdf-request-approval': `file:${workflows['mdf-request-approval'].file}` },
      now: clock.now,
      // Fake task functions: the partner email returns at once; the approver is asked and never answers.
      invoke: async () => ({}),
    });
    process.env.AWS_ENDPOINT_URL_SFN = sfn.url;

    // Modules that read settings load only now, after the environment is set (as at a cold start).
    const { seed } = await import('../local/seed.ts');
    await seed(clock.now());
    const { invokeFunction } = await import('../local/functions.ts');
    const { dynamo: documentClient, dynamoRawClient } = await import('../functions/shared/dynamodb-client.ts');
    const { stepFunctions } = await import('../functions/shared/sfn-client.ts');
    const { newId } = await import('../functions/shared/ids.ts');
    const users = await import('../functions/store/users.ts');
    const { claimsOf } = await import('../functions/auth/claims.ts');
    const { GetCommand, QueryCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const { budgetQuarterOf } = await import('../functions/domain/mdf.ts');
    const { decisionTimeoutSeconds } = await import('../functions/workflow/mdf-approval.ts');

    const alice = await users.get('usr_alice');
    if (!alice) throw new Error('The seed has no usr_alice');
    // API Gateway hands every claim over as a string (local/api-server.ts asGatewayClaims); these are strings already.
    const issuedAt = Math.floor(Date.now() / 1000);
    const claims: Record<string, string> = {
      ...claimsOf(alice),
      sub: alice.id,
      token_use: 'id',
      iss: 'http://127.0.0.1:3000/_local/idp',
      aud: 'channel-prm-local',
      iat: String(issuedAt),
      exp: String(issuedAt + 12 * 3600),
    };

    const isoDay = (date: Date) => date.toISOString().slice(0, 10);
    const start = isoDay(new Date(clock.now().getTime() + 30 * 86_400_000));
    const end = isoDay(new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000));
    const body = {
      activityName: 'DevOps Summit booth',
      activityType: 'tradeshow',
      delivery: 'in-person',
      description: 'Booth and a joint talk on platform engineering.',
      startDate: start,
      endDate: end,
      totalCostCents: 1_000_000,
      targetContacts: 250,
      estimatedPipelineCents: 20_000_000,
      partnerInvestmentCents: 500_000,
      amountRequestedCents: 500_000,
      verticalIndustry: 'Financial services',
      segment: 'Enterprise',
      activityCountry: 'DE',
    };
    const bodyText = JSON.stringify(body);
    const region = 'EMEA';
    const quarter = budgetQuarterOf(body);

    /** The event local/api-server.ts builds for this request. */
    const eventOf = (idempotencyKey?: string): APIGatewayProxyEventV2 =>
      gatewayEvent({
        method: 'POST',
        path: '/mdf/requests',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(bodyText)),
          'user-agent': 'channel-prm-bench',
          authorization: 'Bearer (verified by the authorizer)',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: bodyText,
        claims,
      });

    const failures: string[] = [];
    const createdIds = new Set<string>();
    const submit = async (withKey: boolean): Promise<void> => {
      const result = (await invokeFunction('mdf-requests', eventOf(withKey ? randomUUID() : undefined), rootDir)) as APIGatewayProxyStructuredResultV2;
      if (result.statusCode !== 201) {
        failures.push(`${result.statusCode}: ${String(result.body).slice(0, 300)}`);
        return;
      }
      createdIds.add((JSON.parse(String(result.body)) as { id: string }).id);
    };

    /** The DynamoDB operations one call makes, in order (a middleware on the shared client; removed before timing). */
    const operationsOf = async (call: () => Promise<unknown>): Promise<string[]> => {
      const seen: string[] = [];
      const stack = dynamoRawClient().middlewareStack;
      stack.add(
        (next, context) => async (args) => {
          seen.push(String(context.commandName).replace(/Command$/, ''));
          return next(args);
        },
        { step: 'initialize', name: 'benchRecorder' },
      );
      try {
        await call();
      } finally {
        stack.remove('benchRecorder');
      }
      return seen;
    };

    // One submission first: its stored items are the template of the raw writes.
    const handlerOperations = await operationsOf(() => submit(false));
    if (failures.length > 0) throw new Error(`The handler refused the submission: ${failures[0]}`);
    const firstId = [...createdIds][0]!;
    const written = await documentClient().send(
      new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `MDF#${firstId}` } }),
    );
    const requestTemplate = (written.Items ?? []).find((item) => item.sk === 'REQUEST') as Item | undefined;
    const historyTemplate = (written.Items ?? []).find((item) => String(item.sk).startsWith('HISTORY#')) as Item | undefined;
    if (!requestTemplate || !historyTemplate) throw new Error(`The handler's request ${firstId} has no REQUEST or HISTORY item`);

    /** The DynamoDB calls of a submission, made directly, same items and shapes. */
    const rawCalls = async (): Promise<{ id: string; flexi: boolean }> => {
      const db = documentClient();
      const partner = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: 'PARTNER#ptr_acme', sk: 'PARTNER' } }));
      if (!partner.Item) throw new Error('no partner');
      await Promise.all([
        db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `BUDGET#${region}#${quarter}`, sk: 'BUDGET' } })),
        db.send(
          new QueryCommand({
            TableName: TABLE_NAME,
            KeyConditionExpression: '#p = :p',
            ExpressionAttributeNames: { '#p': 'pk' },
            ExpressionAttributeValues: { ':p': `REGION#${region}` },
            Limit: 500,
            ScanIndexForward: true,
          }),
        ),
      ]);
      const id = newId('mdf');
      const at = new Date().toISOString();
      const due = new Date(Date.now() + 5 * 60_000).toISOString();
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE_NAME,
                Item: {
                  ...requestTemplate,
                  pk: `MDF#${id}`,
                  gsi1sk: `${at}#${id}`,
                  gsi2sk: `${at}#${id}`,
                  dueAt: due,
                  id,
                  executionName: id,
                  submittedAt: at,
                  updatedAt: at,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: TABLE_NAME,
                Item: { ...historyTemplate, pk: `MDF#${id}`, sk: `HISTORY#${at}#${randomBytes(4).toString('hex')}`, at },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { id, flexi: Boolean(requestTemplate.flexi) };
    };

    const rawOperations = await operationsOf(rawCalls);
    const idempotentOperations = await operationsOf(() => submit(true));

    const rawCallsAndStart = async (): Promise<void> => {
      const { id, flexi } = await rawCalls();
      await stepFunctions().send(
        new StartExecutionCommand({
          stateMachineArn: localStateMachineArn('mdf-request-approval'),
          name: id,
          input: JSON.stringify({ requestId: id, flexi, decisionTimeoutSeconds }),
        }),
      );
    };

    const operations = {
      handler: () => submit(false),
      handlerWithIdempotencyKey: () => submit(true),
      raw: async () => void (await rawCalls()),
      rawAndStartExecution: rawCallsAndStart,
    } satisfies Record<string, () => Promise<void>>;
    type Operation = keyof typeof operations;
    const timings: Record<Operation, number[]> = { handler: [], handlerWithIdempotencyKey: [], raw: [], rawAndStartExecution: [] };
    const names = Object.keys(operations) as Operation[];

    const started = Date.now();
    for (let round_ = 0; round_ < WARMUP + ROUNDS; round_ += 1) {
      for (const name of shuffle([...names])) {
        await sleep(PAUSE_MS);
        const t0 = performance.now();
        await operations[name]();
        const ms = performance.now() - t0;
        if (round_ >= WARMUP) timings[name].push(ms);
      }
      if ((round_ + 1) % 50 === 0) progress(`submit-latency: round ${round_ + 1}/${WARMUP + ROUNDS}`);
    }
    await sleep(200);

    const handlerCalls = 2 + 2 * (WARMUP + ROUNDS);
    const handlerExecutions = sfn.executions().filter((execution) => createdIds.has(execution.name)).length;

    const summary = (values: number[]) => ({
      calls: values.length,
      p50Ms: round(percentile(values, 50), 2),
      p90Ms: round(percentile(values, 90), 2),
      p99Ms: round(percentile(values, 99), 2),
      maxMs: round(Math.max(...values), 2),
    });
    const figures = Object.fromEntries(names.map((name) => [name, summary(timings[name])])) as Record<Operation, ReturnType<typeof summary>>;
    const ratio = (a: Operation, b: Operation, p: 'p50Ms' | 'p99Ms') => round(figures[a][p] / figures[b][p], 2);

    const results: SubmitResults = {
      rounds: ROUNDS,
      warmupRounds: WARMUP,
      pauseMs: PAUSE_MS,
      seconds: round((Date.now() - started) / 1000, 1),
      targets: { p50Ratio: TARGET_P50_RATIO, p99Ratio: TARGET_P99_RATIO },
      figures,
      ratios: {
        handlerVsRaw: { p50: ratio('handler', 'raw', 'p50Ms'), p99: ratio('handler', 'raw', 'p99Ms') },
        handlerWithIdempotencyKeyVsRaw: { p50: ratio('handlerWithIdempotencyKey', 'raw', 'p50Ms'), p99: ratio('handlerWithIdempotencyKey', 'raw', 'p99Ms') },
        handlerVsRawAndStartExecution: { p50: ratio('handler', 'rawAndStartExecution', 'p50Ms'), p99: ratio('handler', 'rawAndStartExecution', 'p99Ms') },
      },
      checks: {
        handlerCalls,
        non201Answers: failures.length,
        firstFailure: failures[0],
        executionsStartedByHandler: handlerExecutions,
        dynamoOperations: { handler: handlerOperations, handlerWithIdempotencyKey: idempotentOperations, raw: rawOperations },
      },
    };
    writeResults('submit-latency', results);
  } finally {
    await sfn?.close();
    await dynamo.stop();
  }
};

await main();
