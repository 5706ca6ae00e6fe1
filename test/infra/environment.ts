import { type FunctionSpec, stateMachineArnVariable } from '../../lib/manifest.ts';

/**
 * The environment variables a function of the manifest gets from the stack, by its
 * `access` alone (lib/functions.ts): what the functions test checks the template
 * against, and what the bundling test checks each bundle's settings against.
 */
export const expectedVariables = (spec: FunctionSpec): string[] => {
  const { access } = spec;
  const workflows = new Set([...(access.startWorkflows ?? []), ...(access.stopWorkflows ?? [])]);
  return [
    ...(access.table ? ['TABLE_NAME'] : []),
    'POWERTOOLS_SERVICE_NAME',
    'POWERTOOLS_LOG_LEVEL',
    ...(access.email ? ['MAIL_FROM'] : []),
    ...(access.links ? ['PUBLIC_BASE_URL'] : []),
    ...(access.startWorkflows?.length ? ['DECISION_TIMEOUT_DAYS'] : []),
    ...(access.attachments || access.letters ? ['ATTACHMENTS_BUCKET'] : []),
    ...(access.leadRecall ? ['LEAD_RECALL_PHASE'] : []),
    ...[...workflows].map(stateMachineArnVariable),
  ].sort();
};
