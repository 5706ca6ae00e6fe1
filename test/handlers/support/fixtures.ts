import { createHash, randomBytes } from 'node:crypto';
import type { Claims } from './events.ts';
import type { Item } from './fake-table.ts';

/**
 * The people, partners, budgets, requests and approvals of the tests, stored as
 * the single table holds them (key shapes from the store modules' access patterns).
 */

/** Monday 23 November 2026, 10:00 UTC: "now" in every handler test. */
export const NOW = new Date('2026-11-23T10:00:00.000Z');

// ---------------------------------------------------------------------------------------------
// People and their token claims

export interface PersonFixture {
  id: string;
  email: string;
  name: string;
  partnerId?: string;
  privileges?: string[];
  roles?: string[];
  managerId?: string;
  active?: boolean;
}

export const people = {
  /** Partner user of Acme Networks with the MDF administrator privilege. */
  dana: { id: 'usr_dana', email: 'dana@acme.example', name: 'Dana Fox', partnerId: 'ptn_acme', privileges: ['mdfAdmin'] },
  /** Partner user of Acme Networks without mdfAdmin. */
  pat: { id: 'usr_pat', email: 'pat@acme.example', name: 'Pat Jones', partnerId: 'ptn_acme', privileges: ['opportunityAdmin'] },
  /** Partner user of another partner, Globex. */
  gil: { id: 'usr_gil', email: 'gil@globex.example', name: 'Gil Moreau', partnerId: 'ptn_globex', privileges: ['mdfAdmin'] },
  /** EMEA channel marketing manager; reports to Robin. */
  sam: { id: 'usr_sam', email: 'sam.lee@channel.example', name: 'Sam Lee', roles: ['cmm'], managerId: 'usr_robin' },
  /** AMER channel marketing manager. */
  casey: { id: 'usr_casey', email: 'casey@channel.example', name: 'Casey Ortiz', roles: ['cmm'] },
  /** Sam's manager, the default backup. */
  robin: { id: 'usr_robin', email: 'robin.park@channel.example', name: 'Robin Park', roles: ['marketing-lead'] },
  /** Sam's backup while Sam is on leave. */
  alex: { id: 'usr_alex', email: 'alex.kim@channel.example', name: 'Alex Kim', roles: ['cmm'] },
  /** EMEA partner program manager (the last level of a non-flexi request). */
  morgan: { id: 'usr_morgan', email: 'morgan@channel.example', name: 'Morgan Diaz', roles: ['program-manager'] },
} satisfies Record<string, PersonFixture>;

/** The claims the JWT authorizer hands over (strings; lists space-separated). */
export const claimsOf = (person: PersonFixture, overrides: Partial<Claims> = {}): Claims => ({
  userId: person.id,
  email: person.email,
  name: person.name,
  ...(person.partnerId ? { partnerId: person.partnerId } : {}),
  privileges: (person.privileges ?? []).join(' '),
  roles: (person.roles ?? []).join(' '),
  ...overrides,
});

export const userItem = (person: PersonFixture): Item => ({
  pk: `USER#${person.id}`,
  sk: 'USER',
  entity: 'user',
  gsi1pk: person.partnerId ? `PARTNER#${person.partnerId}#USERS` : 'INTERNAL#USERS',
  gsi1sk: person.email.toLowerCase(),
  id: person.id,
  email: person.email,
  name: person.name,
  ...(person.partnerId ? { partnerId: person.partnerId } : {}),
  privileges: person.privileges ?? [],
  roles: person.roles ?? [],
  ...(person.managerId ? { managerId: person.managerId } : {}),
  active: person.active ?? true,
  version: 1,
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
});

export const userEmailItem = (person: PersonFixture): Item => ({
  pk: `USEREMAIL#${person.email.toLowerCase()}`,
  sk: 'USEREMAIL',
  entity: 'user-email',
  userId: person.id,
});

export const approverAssignmentItem = (role: string, scope: string, person: PersonFixture): Item => ({
  pk: `APPROVER#${role}#${scope}`,
  sk: 'APPROVER',
  entity: 'approver-assignment',
  gsi1pk: 'APPROVERS',
  gsi1sk: `${role}#${scope}`,
  role,
  scope,
  userId: person.id,
  assignedAt: '2026-01-05T09:00:00.000Z',
  assignedBy: 'usr_admin',
});

export const delegationItem = (approver: PersonFixture, backup: PersonFixture, from: string, to: string): Item => ({
  pk: 'DELEGATION#dlg_1',
  sk: 'DELEGATION',
  entity: 'delegation',
  gsi1pk: `DELEGATIONS#${approver.id}`,
  gsi1sk: `${from}#dlg_1`,
  gsi2pk: 'DELEGATIONS',
  gsi2sk: `${from}#dlg_1`,
  id: 'dlg_1',
  approverId: approver.id,
  backupId: backup.id,
  from,
  to,
  createdAt: '2026-11-01T09:00:00.000Z',
  createdBy: approver.id,
});

// ---------------------------------------------------------------------------------------------
// Partners and budgets

const readyChecklist = {
  businessPlanApproved: true,
  focusAccountsMapped: true,
  jointValueProposition: true,
  prospectAdminNamed: true,
  leadPassingAndRecallAcknowledged: true,
  marketingContactNamed: true,
  regularCallsHeld: true,
  mdfPolicyAcknowledged: true,
};

export const partnerItem = (overrides: Item = {}): Item => {
  const id = String(overrides.id ?? 'ptn_acme');
  const legalName = String(overrides.legalName ?? 'Acme Networks Ltd');
  return {
    pk: `PARTNER#${id}`,
    sk: 'PARTNER',
    entity: 'partner',
    gsi1pk: 'PARTNERS',
    gsi1sk: `${legalName.toLowerCase()}#${id}`,
    id,
    legalName,
    homeRegion: 'EMEA',
    track: 'Select',
    status: 'Authorized',
    global: false,
    salesTrainingsCompleted: 3,
    marketingReady: readyChecklist,
    version: 1,
    createdAt: '2026-01-05T09:00:00.000Z',
    updatedAt: '2026-01-05T09:00:00.000Z',
    ...overrides,
  };
};

/** EMEA 2027-Q1: $100,000.00 total, target markets GB, DE, FR. */
export const budgetItem = (overrides: Item = {}): Item => ({
  pk: 'BUDGET#EMEA#2027-Q1',
  sk: 'BUDGET',
  entity: 'budget',
  gsi1pk: 'BUDGETS',
  gsi1sk: '2027-Q1#EMEA',
  region: 'EMEA',
  quarter: '2027-Q1',
  totalCents: 10_000_000,
  reservedCents: 0,
  consumedCents: 0,
  availableCents: 10_000_000,
  flexiLimitCents: 500_000,
  flexiUsedCents: 0,
  flexiAvailableCents: 500_000,
  targetMarkets: ['GB', 'DE', 'FR'],
  version: 1,
  updatedAt: '2026-10-01T09:00:00.000Z',
  ...overrides,
});

// ---------------------------------------------------------------------------------------------
// MDF requests

/** What a partner fills in: a $10,000.00 London seminar, half paid by the fund. */
export const validSubmission = () => ({
  activityName: 'Cloud security breakfast seminar',
  activityType: 'seminar',
  delivery: 'in-person',
  description: 'Breakfast seminar for 40 IT leaders in London on zero-trust networking.',
  startDate: '2027-02-01',
  endDate: '2027-02-01',
  totalCostCents: 1_000_000,
  targetContacts: 40,
  estimatedPipelineCents: 25_000_000,
  partnerInvestmentCents: 500_000,
  amountRequestedCents: 500_000,
  verticalIndustry: 'Financial services',
  segment: 'Enterprise',
  activityCountry: 'GB',
});

export const REQUEST_ID = 'mdf_7k2p9x4m3q8r5t6v';

export const mdfRequestItem = (overrides: Item = {}): Item => {
  const id = String(overrides.id ?? REQUEST_ID);
  const partnerId = String(overrides.partnerId ?? 'ptn_acme');
  const status = String(overrides.status ?? 'Open');
  const submittedAt = '2026-11-20T10:00:00.000Z';
  return {
    pk: `MDF#${id}`,
    sk: 'REQUEST',
    entity: 'mdf-request',
    gsi1pk: `PARTNER#${partnerId}#MDF`,
    gsi1sk: `${submittedAt}#${id}`,
    gsi2pk: `PARTNER#${partnerId}#MDF#${status}`,
    gsi2sk: `${submittedAt}#${id}`,
    ...validSubmission(),
    id,
    partnerId,
    partnerName: 'Acme Networks Ltd',
    submittedBy: { id: people.dana.id, name: people.dana.name, email: people.dana.email },
    status,
    region: 'EMEA',
    quarter: '2027-Q1',
    flexi: false,
    levels: ['cmm', 'marketing-lead', 'program-manager'],
    currentLevel: 'cmm',
    submittedAt,
    targetDate: '2026-12-01T10:00:00.000Z',
    executionName: id,
    version: 2,
    updatedAt: submittedAt,
    ...overrides,
  };
};

export const historyItem = (requestId: string, at: string, action: string, by: Item, extra: Item = {}): Item => ({
  pk: `MDF#${requestId}`,
  sk: `HISTORY#${at}#0001`,
  entity: 'history',
  at,
  by,
  action,
  ...extra,
});

// ---------------------------------------------------------------------------------------------
// Approvals and their links

/** A Step Functions task token: long and opaque; it must never leave the table. */
export const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAAc2VjcmV0LXRhc2stdG9rZW4tZm9yLWxldmVsLWNtbQ${'x'.repeat(300)}`;

export const newLinkToken = (): string => randomBytes(32).toString('base64url');
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export interface ApprovalFixture {
  requestId?: string;
  level?: string;
  role?: string;
  approver?: PersonFixture;
  status?: string;
  linkHashes?: string[];
  linkHolders?: string[];
  openedAt?: string;
  slaDueAt?: string;
  expiresAt?: string;
  extra?: Item;
}

export const approvalIdOf = (requestId: string, level: string) => `${requestId}.${level}.1`;

export const approvalItem = (fixture: ApprovalFixture = {}): Item => {
  const requestId = fixture.requestId ?? REQUEST_ID;
  const level = fixture.level ?? 'cmm';
  const approver = fixture.approver ?? people.sam;
  const status = fixture.status ?? 'Pending';
  const slaDueAt = fixture.slaDueAt ?? '2026-11-24T10:00:00.000Z';
  return {
    pk: `MDF#${requestId}`,
    sk: `APPROVAL#r001#${level}`,
    entity: 'approval',
    id: approvalIdOf(requestId, level),
    round: 1,
    subjectKind: 'mdf-request',
    subjectId: requestId,
    level,
    role: fixture.role ?? level,
    scope: 'EMEA',
    approverId: approver.id,
    approverName: approver.name,
    status,
    openedAt: fixture.openedAt ?? '2026-11-20T10:00:00.000Z',
    slaDueAt,
    expiresAt: fixture.expiresAt ?? '2026-12-20T10:00:00.000Z',
    taskToken: TASK_TOKEN,
    ...(status === 'Pending' ? { duePk: 'approval-sla', dueAt: slaDueAt } : {}),
    linkHolders: fixture.linkHolders ?? [approver.id],
    linkHashes: fixture.linkHashes ?? [],
    ...fixture.extra,
  };
};

export const linkItem = (token: string, approval: Item, holder: PersonFixture, onBehalfOf?: PersonFixture): Item => {
  const hash = sha256Hex(token);
  return {
    pk: `LINK#${hash}`,
    sk: 'LINK',
    entity: 'approval-link',
    gsi1pk: `INBOX#${holder.id}`,
    gsi1sk: `${String(approval.slaDueAt)}#${String(approval.id)}`,
    ttl: Math.floor(Date.parse(String(approval.expiresAt)) / 1000) + 90 * 86_400,
    hash,
    approvalId: approval.id,
    approvalPk: approval.pk,
    approvalSk: approval.sk,
    holderId: holder.id,
    holderName: holder.name,
    holderEmail: holder.email,
    ...(onBehalfOf ? { onBehalfOf: { id: onBehalfOf.id, name: onBehalfOf.name } } : {}),
    expiresAt: approval.expiresAt,
    subjectKind: approval.subjectKind,
    subjectId: approval.subjectId,
    subjectTitle: 'Cloud security breakfast seminar',
    level: approval.level,
    slaDueAt: approval.slaDueAt,
    openedAt: approval.openedAt,
  };
};

// ---------------------------------------------------------------------------------------------
// MDF claims and their files

/**
 * Acme's breakfast seminar of Friday 20 November 2026, approved for $5,000.00 on
 * 10 November (EMEA 2026-Q4): its end date has passed, so it can be claimed.
 */
export const approvedRequestItem = (overrides: Item = {}): Item => {
  const item = mdfRequestItem({
    status: 'Approved',
    startDate: '2026-11-20',
    endDate: '2026-11-20',
    quarter: '2026-Q4',
    approvedAmountCents: 500_000,
    decidedAt: '2026-11-10T10:00:00.000Z',
    ...overrides,
  });
  if (!('currentLevel' in overrides)) delete item.currentLevel;
  return item;
};

/** EMEA 2026-Q4: $100,000.00, of which the seminar's $5,000.00 is reserved. */
export const claimBudgetItem = (overrides: Item = {}): Item =>
  budgetItem({ pk: 'BUDGET#EMEA#2026-Q4', gsi1sk: '2026-Q4#EMEA', quarter: '2026-Q4', reservedCents: 500_000, availableCents: 9_500_000, ...overrides });

export const CLAIM_ID = 'clm_4n8w2c6y1k5h9j3d';
export const CLAIM_TITLE = 'London breakfast seminar, November 2026';

/** Dana's $4,500.00 claim on the seminar, submitted yesterday and under review. */
export const claimItem = (overrides: Item = {}): Item => {
  const id = String(overrides.id ?? CLAIM_ID);
  const partnerId = String(overrides.partnerId ?? 'ptn_acme');
  const requestId = String(overrides.requestId ?? REQUEST_ID);
  const submittedAt = String(overrides.submittedAt ?? '2026-11-22T15:00:00.000Z');
  return {
    pk: `CLAIM#${id}`,
    sk: 'CLAIM',
    entity: 'mdf-claim',
    gsi1pk: `PARTNER#${partnerId}#CLAIMS`,
    gsi1sk: `${submittedAt}#${id}`,
    gsi2pk: `MDF#${requestId}#CLAIMS`,
    gsi2sk: `${submittedAt}#${id}`,
    id,
    requestId,
    partnerId,
    partnerName: 'Acme Networks Ltd',
    activityName: 'Cloud security breakfast seminar',
    region: 'EMEA',
    quarter: '2026-Q4',
    flexi: false,
    approvedAmountCents: 500_000,
    title: CLAIM_TITLE,
    amountCents: 450_000,
    paidDate: '2026-11-21',
    status: 'Open',
    submittedBy: { id: people.dana.id, name: people.dana.name, email: people.dana.email },
    submittedAt,
    version: 1,
    updatedAt: submittedAt,
    ...overrides,
  };
};

export interface AttachmentFixture {
  id: string;
  kind: 'proof-of-performance' | 'lead-list';
  fileName: string;
  contentType: string;
  declaredBytes: number;
  status?: 'Pending' | 'Uploaded' | 'Rejected';
  sizeBytes?: number;
  uploadedAt?: string;
}

export const PROOF_ID = 'att_p8r2o0o1f5x7y9z3';
export const LEAD_LIST_ID = 'att_l3e6a9d4s1t7q2w8';

/** The seminar photos (a 2 MB PDF) and the lead list (a 10 KB CSV), as declared with the claim. */
export const proofFile = (overrides: Partial<AttachmentFixture> = {}): AttachmentFixture => ({
  id: PROOF_ID,
  kind: 'proof-of-performance',
  fileName: 'seminar-photos.pdf',
  contentType: 'application/pdf',
  declaredBytes: 2_000_000,
  ...overrides,
});
export const leadListFile = (overrides: Partial<AttachmentFixture> = {}): AttachmentFixture => ({
  id: LEAD_LIST_ID,
  kind: 'lead-list',
  fileName: 'attendees.csv',
  contentType: 'text/csv',
  declaredBytes: 10_240,
  ...overrides,
});

export const attachmentItem = (file: AttachmentFixture, claimId = CLAIM_ID): Item => {
  const status = file.status ?? 'Pending';
  return {
    pk: `CLAIM#${claimId}`,
    sk: `ATTACHMENT#${file.id}`,
    entity: 'claim-attachment',
    claimId,
    s3Key: `claims/${claimId}/${file.id}`,
    id: file.id,
    kind: file.kind,
    fileName: file.fileName,
    contentType: file.contentType,
    declaredBytes: file.declaredBytes,
    status,
    createdAt: '2026-11-22T15:00:00.000Z',
    ...(status === 'Uploaded' ? { uploadedAt: file.uploadedAt ?? '2026-11-22T15:03:00.000Z', sizeBytes: file.sizeBytes ?? file.declaredBytes } : {}),
  };
};

/** The guard that keeps a claim title unique, held by `claimId` of `partnerId`. */
export const claimTitleItem = (normalisedTitle: string, claimId: string, partnerId: string, requestId = REQUEST_ID): Item => ({
  pk: `CLAIMTITLE#${normalisedTitle}`,
  sk: 'CLAIMTITLE',
  entity: 'claim-title',
  title: normalisedTitle,
  claimId,
  partnerId,
  requestId,
});

/** The review level of a claim: the EMEA CMM decides it from an emailed link. */
export const claimApprovalItem = (fixture: Omit<ApprovalFixture, 'requestId' | 'level' | 'role'> & { claimId?: string } = {}): Item => {
  const claimId = fixture.claimId ?? CLAIM_ID;
  const item = approvalItem({ ...fixture, requestId: claimId, level: 'cmm', role: 'cmm' });
  return { ...item, pk: `CLAIM#${claimId}`, subjectKind: 'mdf-claim', subjectId: claimId };
};

/** A ledger entry of a budget, as the budget store writes it. */
export const ledgerEntryItem = (entry: { id: string; at: string; kind: string; amountCents: number; note: string; requestId?: string; by?: string; flexi?: boolean; order?: number }): Item => ({
  pk: 'BUDGET#EMEA#2027-Q1',
  sk: `LEDGER#${entry.at}#${entry.order ?? 0}#${entry.id}`,
  entity: 'ledger-entry',
  id: entry.id,
  region: 'EMEA',
  quarter: '2027-Q1',
  kind: entry.kind,
  amountCents: entry.amountCents,
  flexi: entry.flexi ?? false,
  ...(entry.requestId ? { requestId: entry.requestId } : {}),
  at: entry.at,
  by: entry.by ?? people.morgan.id,
  note: entry.note,
});
