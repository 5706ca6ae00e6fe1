/**
 * Every Lambda function of the product, as plain data: where its code is, which
 * routes or workflow steps it serves, and what it may touch. The CDK stack builds
 * functions, routes and least-privilege grants from this list; the local stack
 * dispatches HTTP requests and workflow tasks with it; the bundle benchmark measures
 * each entry. Adding a route means adding it here and in the handler's route table.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway route path, with {param} placeholders. */
  path: string;
  /** `jwt`: the Cognito JWT authorizer runs first; `none`: public (email links, docs). */
  auth: 'jwt' | 'none';
}

/** A state machine defined by statemachines/<name>.asl.json. */
export type WorkflowName = 'mdf-request-approval' | 'mdf-claim-review' | 'deal-registration' | 'lead-import' | 'loa-request' | 'nfr-request';

export interface Access {
  /** DynamoDB table access; none for a function that touches no data (e.g. rendering a letter). */
  table?: 'read' | 'readWrite';
  /** Sends email through SES. */
  email?: boolean;
  /** Builds links to the public API (approval pages), so needs its base URL. */
  links?: boolean;
  /** Starts executions of these workflows (gets <NAME>_STATE_MACHINE_ARN). */
  startWorkflows?: WorkflowName[];
  /** Stops executions of these workflows (gets <NAME>_STATE_MACHINE_ARN). */
  stopWorkflows?: WorkflowName[];
  /** Answers task tokens (SendTaskSuccess/Failure) of these workflows. */
  answerWorkflows?: WorkflowName[];
  /**
   * The private bucket of claim attachments (gets ATTACHMENTS_BUCKET): `read` presigns
   * downloads and reads object metadata, `write` presigns uploads, `manage` also deletes
   * rejected uploads.
   */
  attachments?: ('read' | 'write' | 'manage')[];
  /**
   * Signed Letters of Authorization in the attachments bucket, under `loa/` only (gets
   * ATTACHMENTS_BUCKET): `read` presigns the partner's download, `write` stores a letter.
   */
  letters?: ('read' | 'write')[];
  /** Shares leads, so records the lead recall phase in force on them (gets LEAD_RECALL_PHASE). */
  leadRecall?: boolean;
}

interface BaseFunction {
  /** Short unique name; also the local pseudo function name. */
  name: string;
  /** Source file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  access: Access;
  /** Seconds; defaults to 10. */
  timeoutSeconds?: number;
  /** MB; defaults to 512. */
  memoryMb?: number;
}

export interface HttpFunction extends BaseFunction {
  kind: 'http';
  routes: Route[];
}

export interface TaskFunction extends BaseFunction {
  kind: 'task';
  /** The ASL placeholder `${<substitution>}` that holds this function's ARN. */
  substitution: string;
  workflows: WorkflowName[];
}

export interface SweepFunction extends BaseFunction {
  kind: 'sweep';
  /** How often EventBridge runs it. */
  everyMinutes: number;
}

export interface TriggerFunction extends BaseFunction {
  kind: 'cognito-pre-token';
}

/** Runs when a file lands in the attachments bucket (S3 ObjectCreated notification). */
export interface UploadFunction extends BaseFunction {
  kind: 's3-upload';
  /** Only objects under this prefix. */
  prefix: string;
}

export type FunctionSpec = HttpFunction | TaskFunction | SweepFunction | TriggerFunction | UploadFunction;

export const workflows: Record<WorkflowName, { file: string; description: string }> = {
  'mdf-request-approval': {
    file: 'statemachines/mdf-request-approval.asl.json',
    description: 'MDF request approval levels, decided from email links',
  },
  'mdf-claim-review': {
    file: 'statemachines/mdf-claim-review.asl.json',
    description: "The CMM's review of an MDF claim, with the wait for missing proof",
  },
  'deal-registration': {
    file: 'statemachines/deal-registration.asl.json',
    description: 'Deal registration review by operations, the ESM and the ASM, with returns and resubmissions',
  },
  'lead-import': {
    file: 'statemachines/lead-import.asl.json',
    description: 'A lead import, chunk by chunk, one import at a time; then one email per partner with new leads',
  },
  'loa-request': {
    file: 'statemachines/loa-request.asl.json',
    description: 'A Letter of Authorization: operations confirm, legal approves and initials, the PAO signs; the letter is generated and emailed',
  },
  'nfr-request': {
    file: 'statemachines/nfr-request.asl.json',
    description: "The partner help desk's review of an NFR licence request; the licence key to the contact, the requester told",
  },
};

/** Environment variable that carries a workflow's state machine ARN. */
export const stateMachineArnVariable = (workflow: WorkflowName): string =>
  `${workflow.toUpperCase().replaceAll('-', '_')}_STATE_MACHINE_ARN`;

const jwt = (method: HttpMethod, path: string): Route => ({ method, path, auth: 'jwt' });
const open = (method: HttpMethod, path: string): Route => ({ method, path, auth: 'none' });

export const functions: FunctionSpec[] = [
  {
    kind: 'http',
    name: 'mdf-requests',
    entry: 'functions/http/mdf-requests.ts',
    description: 'Partners submit, list and read MDF requests; the CMM cancels them',
    access: {
      table: 'readWrite',
      email: true,
      startWorkflows: ['mdf-request-approval'],
      stopWorkflows: ['mdf-request-approval', 'mdf-claim-review'],
    },
    routes: [
      jwt('POST', '/mdf/requests'),
      jwt('GET', '/mdf/requests'),
      jwt('GET', '/mdf/requests/{id}'),
      jwt('POST', '/mdf/requests/{id}/cancel'),
    ],
  },
  {
    kind: 'http',
    name: 'mdf-claims',
    entry: 'functions/http/mdf-claims.ts',
    description: 'Partners claim MDF back with proof; presigned uploads and downloads of claim files',
    access: { table: 'readWrite', email: true, startWorkflows: ['mdf-claim-review'], attachments: ['read', 'write'] },
    routes: [
      jwt('POST', '/mdf/requests/{id}/claims'),
      jwt('GET', '/mdf/claims'),
      jwt('GET', '/mdf/claims/{id}'),
      jwt('POST', '/mdf/claims/{id}/attachments'),
    ],
  },
  {
    kind: 'http',
    name: 'mdf-budgets',
    entry: 'functions/http/mdf-budgets.ts',
    description: 'Budget owners read regional quarterly MDF budgets and their ledgers',
    access: { table: 'read' },
    routes: [jwt('GET', '/mdf/budgets'), jwt('GET', '/mdf/budgets/{region}/{quarter}/ledger')],
  },
  {
    kind: 'http',
    name: 'mdf-summary',
    entry: 'functions/http/mdf-summary.ts',
    description: "A partner's MDF dashboard: requests by status, totals, claims awaiting action, next reminders",
    access: { table: 'read' },
    routes: [jwt('GET', '/mdf/summary')],
  },
  {
    kind: 'http',
    name: 'approval-inbox',
    entry: 'functions/http/approval-inbox.ts',
    description: "The signed-in approver's pending approvals with due times",
    access: { table: 'read' },
    routes: [jwt('GET', '/approvals')],
  },
  {
    kind: 'http',
    name: 'approval-links',
    entry: 'functions/http/approval-links.ts',
    description: 'Confirm page behind an emailed approval link (GET) and the decision (POST)',
    access: {
      table: 'readWrite',
      email: true,
      links: true,
      answerWorkflows: ['mdf-request-approval', 'mdf-claim-review', 'deal-registration', 'loa-request', 'nfr-request'],
      attachments: ['read'],
    },
    routes: [open('GET', '/approvals/{id}'), open('HEAD', '/approvals/{id}'), open('POST', '/approvals/{id}')],
  },
  {
    kind: 'http',
    name: 'admin-partners',
    entry: 'functions/http/admin-partners.ts',
    description: 'Program administration: partners and their users',
    access: { table: 'readWrite' },
    routes: [
      jwt('POST', '/admin/partners'),
      jwt('GET', '/admin/partners'),
      jwt('GET', '/admin/partners/{id}'),
      jwt('PATCH', '/admin/partners/{id}'),
      jwt('POST', '/admin/users'),
      jwt('GET', '/admin/users'),
      jwt('GET', '/admin/users/{id}'),
      jwt('PATCH', '/admin/users/{id}'),
    ],
  },
  {
    kind: 'http',
    name: 'admin-approvers',
    entry: 'functions/http/admin-approvers.ts',
    description: 'Program administration: approvers per role and region, and delegations',
    access: { table: 'readWrite' },
    routes: [
      jwt('PUT', '/admin/approvers/{role}/{region}'),
      jwt('GET', '/admin/approvers'),
      jwt('POST', '/delegations'),
      jwt('GET', '/delegations'),
      jwt('DELETE', '/delegations/{id}'),
    ],
  },
  {
    kind: 'http',
    name: 'admin-program',
    entry: 'functions/http/admin-program.ts',
    description: 'Program administration: regional quarterly budgets, calendars and holidays',
    access: { table: 'readWrite' },
    routes: [
      jwt('PUT', '/admin/budgets/{region}/{quarter}'),
      jwt('PUT', '/admin/regions/{region}/calendar'),
      jwt('GET', '/admin/regions/{region}/calendar'),
      jwt('PUT', '/admin/regions/{region}/holidays/{date}'),
      jwt('DELETE', '/admin/regions/{region}/holidays/{date}'),
      jwt('GET', '/admin/deal-registrations/denial-reasons'),
      jwt('PUT', '/admin/deal-registrations/denial-reasons'),
    ],
  },
  {
    kind: 'http',
    name: 'api-docs',
    entry: 'functions/http/api-docs.ts',
    description: 'OpenAPI 3.1 document and its docs page',
    access: { table: 'read' },
    memoryMb: 256,
    routes: [open('GET', '/openapi.json'), open('GET', '/docs')],
  },
  {
    kind: 'task',
    name: 'ask-approver',
    entry: 'functions/workflow/ask-approver.ts',
    description: 'Opens an approval level: records the task token, emails the approver (and backup) a link',
    substitution: 'AskApproverFunctionArn',
    workflows: ['mdf-request-approval', 'mdf-claim-review', 'deal-registration', 'loa-request', 'nfr-request'],
    access: { table: 'readWrite', email: true, links: true },
  },
  {
    kind: 'task',
    name: 'mdf-tell-partner',
    entry: 'functions/workflow/mdf-tell-partner.ts',
    description: 'Emails the partner the final outcome of an MDF request',
    substitution: 'TellPartnerFunctionArn',
    workflows: ['mdf-request-approval'],
    access: { table: 'read', email: true },
  },
  {
    kind: 'task',
    name: 'mdf-not-decided',
    entry: 'functions/workflow/mdf-not-decided.ts',
    description: 'Ends an MDF request whose approval level hit the hard timeout as Denied',
    substitution: 'RecordNotDecidedFunctionArn',
    workflows: ['mdf-request-approval'],
    access: { table: 'readWrite', email: true },
  },
  {
    kind: 'task',
    name: 'claim-tell-partner',
    entry: 'functions/workflow/claim-tell-partner.ts',
    description: 'Emails the partner at the claim review milestones (received, approved with the invoice request, denied)',
    substitution: 'TellPartnerAboutClaimFunctionArn',
    workflows: ['mdf-claim-review'],
    access: { table: 'read', email: true },
  },
  {
    kind: 'task',
    name: 'claim-await-proof',
    entry: 'functions/workflow/claim-await-proof.ts',
    description: 'Waits for a missing proof: keeps the task token on the claim and asks the partner for the file',
    substitution: 'AwaitProofFunctionArn',
    workflows: ['mdf-claim-review'],
    access: { table: 'readWrite', email: true, answerWorkflows: ['mdf-claim-review'] },
  },
  {
    kind: 'task',
    name: 'claim-not-decided',
    entry: 'functions/workflow/claim-not-decided.ts',
    description: 'Ends a claim whose review or missing proof passed the hard timeout as Denied',
    substitution: 'RecordClaimNotDecidedFunctionArn',
    workflows: ['mdf-claim-review'],
    access: { table: 'readWrite', email: true },
  },
  {
    kind: 's3-upload',
    name: 'attachment-uploaded',
    entry: 'functions/storage/attachment-uploaded.ts',
    description: 'Records a claim file when its upload lands (or rejects one that is not what was declared); resumes a review waiting for it',
    prefix: 'claims/',
    access: { table: 'readWrite', attachments: ['read', 'manage'], answerWorkflows: ['mdf-claim-review'] },
  },
  // Deal registration (issue 5)
  {
    kind: 'http',
    name: 'deal-registrations',
    entry: 'functions/http/deal-registrations.ts',
    description: 'Partners (and ESMs for alliance and GSI partners) register deals, also by converting an accepted lead; reviewers decide through the API; extensions',
    access: {
      table: 'readWrite',
      email: true,
      startWorkflows: ['deal-registration'],
      answerWorkflows: ['deal-registration'],
    },
    routes: [
      jwt('POST', '/deal-registrations'),
      jwt('GET', '/deal-registrations'),
      jwt('GET', '/deal-registrations/{id}'),
      jwt('PUT', '/deal-registrations/{id}'),
      jwt('POST', '/deal-registrations/{id}/decision'),
      jwt('POST', '/deal-registrations/{id}/extension'),
      // Converting a lead opens a registration: the same submission, in this function.
      jwt('POST', '/leads/{id}/convert'),
    ],
  },
  {
    kind: 'http',
    name: 'opportunities',
    entry: 'functions/http/opportunities.ts',
    description: 'Opportunities of customer accounts: their registrations, and closing them as lost',
    access: { table: 'readWrite', email: true, stopWorkflows: ['deal-registration'] },
    routes: [jwt('GET', '/opportunities/{id}'), jwt('POST', '/opportunities/{id}/closed-lost')],
  },
  {
    kind: 'task',
    name: 'dr-tell-partner',
    entry: 'functions/workflow/dr-tell-partner.ts',
    description: "Emails the partner at the registration review's milestones",
    substitution: 'TellPartnerAboutRegistrationFunctionArn',
    workflows: ['deal-registration'],
    access: { table: 'read', email: true },
  },
  {
    kind: 'task',
    name: 'dr-await-resubmission',
    entry: 'functions/workflow/dr-await-resubmission.ts',
    description: 'Waits for the partner to resubmit a returned registration: keeps the task token, tells the partner what to change',
    substitution: 'AwaitResubmissionFunctionArn',
    workflows: ['deal-registration'],
    // It answers its own token when the partner resubmitted before the wait began.
    access: { table: 'readWrite', email: true, answerWorkflows: ['deal-registration'] },
  },
  {
    kind: 'task',
    name: 'dr-not-decided',
    entry: 'functions/workflow/dr-not-decided.ts',
    description: 'Ends a registration whose review or resubmission passed the hard timeout as Denied',
    substitution: 'RecordRegistrationNotDecidedFunctionArn',
    workflows: ['deal-registration'],
    access: { table: 'readWrite', email: true },
  },
  // Leads (issue 6). Routes with fixed segments come before `/leads/{id}`: the local API
  // server matches in this order (API Gateway prefers them anyway).
  {
    kind: 'http',
    name: 'campaigns',
    entry: 'functions/http/campaigns.ts',
    description: 'Marketing operations maintain the campaigns whose leads may be shared with partners',
    access: { table: 'readWrite' },
    routes: [jwt('POST', '/campaigns'), jwt('GET', '/campaigns'), jwt('GET', '/campaigns/{id}'), jwt('PATCH', '/campaigns/{id}')],
  },
  {
    kind: 'http',
    name: 'lead-imports',
    entry: 'functions/http/lead-imports.ts',
    description: 'Marketing operations import leads (CSV or JSON, up to 10,000) as a job and follow its progress',
    access: { table: 'readWrite', startWorkflows: ['lead-import'] },
    // A 10,000-lead file is checked and stored in chunks before the answer.
    timeoutSeconds: 29,
    memoryMb: 1024,
    routes: [jwt('POST', '/leads/import'), jwt('GET', '/leads/imports'), jwt('GET', '/leads/imports/{id}')],
  },
  {
    kind: 'http',
    name: 'leads',
    entry: 'functions/http/leads.ts',
    description: 'Partners see, accept, reject, assign and update their leads; marketing operations see held-back leads and recall counts',
    access: { table: 'readWrite' },
    routes: [
      jwt('GET', '/leads'),
      jwt('GET', '/leads/held-back'),
      jwt('GET', '/leads/recalls'),
      jwt('GET', '/leads/{id}'),
      jwt('POST', '/leads/{id}/accept'),
      jwt('POST', '/leads/{id}/reject'),
      jwt('POST', '/leads/{id}/status'),
      jwt('POST', '/leads/{id}/assign'),
    ],
  },
  {
    kind: 'task',
    name: 'lead-import-chunk',
    entry: 'functions/workflow/lead-import-chunk.ts',
    description: 'Imports the next chunk of a lead file: routes each lead to its partner or holds it back, records the results',
    substitution: 'ImportLeadChunkFunctionArn',
    workflows: ['lead-import'],
    timeoutSeconds: 120,
    memoryMb: 1024,
    access: { table: 'readWrite', leadRecall: true },
  },
  {
    kind: 'task',
    name: 'lead-import-finish',
    entry: 'functions/workflow/lead-import-finish.ts',
    description: "Emails each partner's Partner Contact the import's new leads, once; completes the import",
    substitution: 'FinishLeadImportFunctionArn',
    workflows: ['lead-import'],
    timeoutSeconds: 60,
    access: { table: 'readWrite', email: true, leadRecall: true },
  },
  {
    kind: 'task',
    name: 'lead-import-failed',
    entry: 'functions/workflow/lead-import-failed.ts',
    description: 'Records why a lead import stopped and how far it got; releases the import lock',
    substitution: 'RecordLeadImportFailedFunctionArn',
    workflows: ['lead-import'],
    access: { table: 'readWrite' },
  },
  // NFR licences
  {
    kind: 'http',
    name: 'nfr',
    entry: 'functions/http/nfr.ts',
    description: 'Partners ask for NFR licences and see them; the partner help desk decides through the API',
    access: { table: 'readWrite', email: true, startWorkflows: ['nfr-request'], answerWorkflows: ['nfr-request'] },
    routes: [
      jwt('POST', '/nfr-requests'),
      jwt('GET', '/nfr-requests'),
      jwt('GET', '/nfr-requests/{id}'),
      jwt('POST', '/nfr-requests/{id}/decision'),
      jwt('GET', '/nfr-licences'),
      jwt('GET', '/nfr-licences/{id}'),
    ],
  },
  {
    kind: 'task',
    name: 'nfr-tell',
    entry: 'functions/workflow/nfr-tell.ts',
    description: 'Emails the NFR licence key to its contact and tells the requester the outcome',
    substitution: 'TellAboutNfrFunctionArn',
    workflows: ['nfr-request'],
    access: { table: 'read', email: true },
  },
  {
    kind: 'task',
    name: 'nfr-not-decided',
    entry: 'functions/workflow/nfr-not-decided.ts',
    description: 'Ends an NFR request whose help desk review hit the hard timeout as Denied',
    substitution: 'RecordNfrNotDecidedFunctionArn',
    workflows: ['nfr-request'],
    access: { table: 'readWrite', email: true },
  },
  // Letters of Authorization
  {
    kind: 'http',
    name: 'loa-requests',
    entry: 'functions/http/loa-requests.ts',
    description: 'Partners ask for Letters of Authorization, follow them and download the signed letter; reviewers decide through the API',
    access: { table: 'readWrite', startWorkflows: ['loa-request'], answerWorkflows: ['loa-request'], letters: ['read'] },
    routes: [
      jwt('POST', '/loa-requests'),
      jwt('GET', '/loa-requests'),
      jwt('GET', '/loa-requests/{id}'),
      jwt('POST', '/loa-requests/{id}/decision'),
      jwt('GET', '/loa-requests/{id}/letter'),
    ],
  },
  {
    kind: 'task',
    name: 'loa-tell-partner',
    entry: 'functions/workflow/loa-tell-partner.ts',
    description: 'Emails the partner that a Letter of Authorization request is received, or refused and why',
    substitution: 'TellPartnerAboutLoaFunctionArn',
    workflows: ['loa-request'],
    access: { table: 'read', email: true },
  },
  {
    kind: 'task',
    name: 'loa-not-decided',
    entry: 'functions/workflow/loa-not-decided.ts',
    description: 'Ends a Letter of Authorization request whose review hit the hard timeout as Refused',
    substitution: 'RecordLoaNotDecidedFunctionArn',
    workflows: ['loa-request'],
    access: { table: 'readWrite', email: true },
  },
  {
    kind: 'task',
    name: 'loa-render-letter',
    entry: 'functions/workflow/loa-render-letter.ts',
    description: 'Renders the signed Letter of Authorization as a PDF from the request the workflow read (no AWS access; the only bundle with pdf-lib)',
    substitution: 'RenderLetterFunctionArn',
    workflows: ['loa-request'],
    timeoutSeconds: 30,
    access: {},
  },
  {
    kind: 'task',
    name: 'loa-issue-letter',
    entry: 'functions/workflow/loa-issue-letter.ts',
    description: 'Reads the signed Letter of Authorization request for rendering; stores the rendered PDF privately and emails it to the partner once',
    substitution: 'IssueLetterFunctionArn',
    workflows: ['loa-request'],
    timeoutSeconds: 30,
    access: { table: 'readWrite', email: true, letters: ['write'] },
  },
  {
    kind: 'sweep',
    name: 'due-work',
    entry: 'functions/sweeps/due-work.ts',
    description: 'Finds work that fell due in the sparse due index: SLA escalations, reminders to claim, retries',
    everyMinutes: 15,
    timeoutSeconds: 300,
    access: {
      table: 'readWrite',
      email: true,
      links: true,
      startWorkflows: ['mdf-request-approval', 'mdf-claim-review', 'deal-registration', 'lead-import', 'loa-request', 'nfr-request'],
      stopWorkflows: ['mdf-request-approval'],
      answerWorkflows: ['mdf-request-approval', 'mdf-claim-review', 'deal-registration', 'loa-request', 'nfr-request'],
    },
  },
  {
    kind: 'cognito-pre-token',
    name: 'pre-token',
    entry: 'functions/auth/pre-token.ts',
    description: "Adds the user's partner id, privileges and roles from the table to the ID token",
    memoryMb: 256,
    access: { table: 'read' },
  },
];

export const httpFunctions = functions.filter((f): f is HttpFunction => f.kind === 'http');
export const taskFunctions = functions.filter((f): f is TaskFunction => f.kind === 'task');
export const sweepFunctions = functions.filter((f): f is SweepFunction => f.kind === 'sweep');
export const uploadFunctions = functions.filter((f): f is UploadFunction => f.kind === 's3-upload');
