import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { workflows } from '../lib/manifest.ts';
import { startSfnEndpoint } from '../local/sfn-endpoint.ts';
import type { TransitionPath, TransitionResults } from './results.ts';
import { progress, rootDir, writeResults } from './support.ts';

/**
 * State transitions (what AWS bills a Standard workflow for) of one MDF request approval,
 * through the REAL statemachines/mdf-request-approval.asl.json on the local Step Functions
 * endpoint (local/sfn-endpoint.ts), with fake task functions: the approver task answers its
 * token at once with SendTaskSuccess (or SendTaskFailure `Denied` where the path denies), the
 * partner email task returns {}. The count is read from GetExecutionHistory.
 *
 * Counting rule: AWS counts a state transition each time a step of the workflow is executed,
 * including retries. So: one per `…StateEntered` event in the history, plus one per retry
 * attempt (the raw event logs' `StateRetried`; none happen here). Starting and ending the
 * execution are not steps.
 */
export const TARGET_TRANSITIONS = 15;
export const USD_PER_1000_TRANSITIONS = 0.025;
const DECISION_TIMEOUT_SECONDS = 30 * 86_400;

interface Path {
  name: string;
  description: string;
  flexi: boolean;
  /** The level whose approver denies; none: every level approves. */
  denyAt?: string;
}

const paths: Path[] = [
  { name: 'approved', description: 'Three levels approve (CMM, marketing lead, program manager)', flexi: false },
  { name: 'approved-flexi', description: 'Flexi budget: four levels approve (+ global director)', flexi: true },
  { name: 'denied-at-level-2', description: 'CMM approves, the marketing lead denies', flexi: false, denyAt: 'marketing-lead' },
];

const main = async (): Promise<void> => {
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  let client: SFNClient | undefined;
  const asked: string[] = [];
  /** Which path each running execution follows, by request id. */
  const pathOf = new Map<string, Path>();
  const endpoint = await startSfnEndpoint({
    port: 0,
    rootDir,
    definitions: { 'mdf-request-approval': `file:${workflows['mdf-request-approval'].file}` },
    now: () => new Date(),
    invoke: async (functionName, payload) => {
      const input = payload as { taskToken?: string; level?: string; subjectId?: string };
      if (functionName === 'ask-approver') {
        asked.push(`${input.subjectId}:${input.level}`);
        const path = pathOf.get(input.subjectId ?? '');
        if (!input.taskToken || !client) throw new Error('ask-approver got no task token');
        if (path?.denyAt === input.level) {
          await client.send(new SendTaskFailureCommand({ taskToken: input.taskToken, error: 'Denied', cause: 'Not in this quarter’s plan' }));
        } else {
          await client.send(new SendTaskSuccessCommand({ taskToken: input.taskToken, output: JSON.stringify({ decision: 'approve' }) }));
        }
        return {};
      }
      return {}; // mdf-tell-partner (and mdf-not-decided, not reached here)
    },
  });
  client = new SFNClient({ endpoint: endpoint.url, region, credentials });
  try {
    const results: TransitionPath[] = [];
    for (const path of paths) {
      const requestId = `${path.name}-${Date.now()}`;
      pathOf.set(requestId, path);
      const { executionArn } = await client.send(
        new StartExecutionCommand({
          stateMachineArn: endpoint.stateMachineArn('mdf-request-approval'),
          name: requestId,
          input: JSON.stringify({ requestId, flexi: path.flexi, decisionTimeoutSeconds: DECISION_TIMEOUT_SECONDS }),
        }),
      );
      let status = 'RUNNING';
      const deadline = Date.now() + 30_000;
      while (status === 'RUNNING' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await client.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
      }
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const entered = events.filter((event) => event.type?.endsWith('StateEntered'));
      const raw = endpoint.executions().find((execution) => execution.executionArn === executionArn);
      const retries = raw?.events.filter((event) => event.type === 'StateRetried').length ?? 0;
      const transitions = entered.length + retries;
      results.push({
        path: path.name,
        description: path.description,
        status,
        transitions,
        statesEntered: entered.length,
        retries,
        states: entered.map((event) => event.stateEnteredEventDetails?.name ?? '?'),
        historyEvents: events.length,
        usdPerExecution: Number(((transitions * USD_PER_1000_TRANSITIONS) / 1000).toFixed(7)),
        usdPerMillionExecutions: Number((transitions * USD_PER_1000_TRANSITIONS * 1000).toFixed(2)),
      });
      progress(`approval-transitions: ${path.name} ${status}, ${transitions} transitions`);
    }
    const summary: TransitionResults = {
      definition: workflows['mdf-request-approval'].file,
      targets: { transitions: TARGET_TRANSITIONS },
      usdPer1000Transitions: USD_PER_1000_TRANSITIONS,
      approverTasksCalled: asked.length,
      paths: results,
    };
    writeResults('approval-transitions', summary);
  } finally {
    client.destroy();
    await endpoint.close();
  }
};

await main();
