/**
 * The settings every handler module reads when it loads (cold start). Imported
 * through `vi.hoisted` at the top of each test file, before any handler module.
 */
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'channel-prm-test',
  MAIL_FROM: 'Channel Partner Program <program@channel.example>',
  PUBLIC_BASE_URL: 'https://api.channel.example',
  MDF_REQUEST_APPROVAL_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:mdf-request-approval',
  MDF_CLAIM_REVIEW_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:mdf-claim-review',
  DEAL_REGISTRATION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:deal-registration',
  LOA_REQUEST_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:loa-request',
  ATTACHMENTS_BUCKET: 'channel-prm-attachments-test',
  DECISION_TIMEOUT_DAYS: '30',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

export const TABLE_NAME = 'channel-prm-test';
export const PUBLIC_BASE_URL = 'https://api.channel.example';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:mdf-request-approval';
export const CLAIM_REVIEW_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:mdf-claim-review';
