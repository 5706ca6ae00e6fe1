import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { stateMachineArnVariable, type WorkflowName } from '../../lib/manifest.ts';
import { setting } from './settings.ts';
import { stepFunctions } from './sfn-client.ts';

/**
 * Starting and stopping one workflow's executions. The execution name is the
 * subject's id, so starting twice (a retry, the sweep) is harmless and the
 * execution can be found again without storing its ARN.
 */
export const workflow = (name: WorkflowName) => {
  const stateMachineArn = setting(stateMachineArnVariable(name));
  const executionArnOf = (executionName: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  return {
    executionArnOf,
    /** Starts (or finds running) the execution named `executionName`. */
    start: async (executionName: string, input: Record<string, unknown>): Promise<void> => {
      try {
        await stepFunctions().send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
      } catch (error) {
        // Same name already used: that execution is this subject's workflow.
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      }
    },
    /** Stops the execution; one that already ended or never started is fine. */
    stop: async (executionName: string, cause: string): Promise<void> => {
      try {
        await stepFunctions().send(new StopExecutionCommand({ executionArn: executionArnOf(executionName), error: 'Canceled', cause }));
      } catch (error) {
        if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
      }
    },
  };
};
