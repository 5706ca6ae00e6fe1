import {
  describeValue,
  emailDomain,
  expiryAfterApproval,
  expiryReminderAt,
  levelRole,
  levelSlaDueAt,
  normalizedCompany,
  reviewLevels,
  statusAtLevel,
  type DealRegistration,
  type ReviewLevel,
} from '#domain/deal-registration';
import { roleTitles } from '#domain/people';
import { accept, refuse, type Refusal, type Verdict } from '#domain/verdict';
import { registrationWithSales } from '#email/dr-emails';
import * as accounts from '#store/accounts';
import * as registrations from '#store/deal-registrations';
import * as opportunities from '#store/opportunities';
import * as programConfig from '#store/program-config';
import type { TransactItem } from '#store/table';
import * as users from '#store/users';
import { newId } from '#shared/ids';
import type { ApprovalSubject, DecisionContext, FormField, SubjectDecision } from './subjects.ts';

/**
 * How a deal registration takes part in email approvals: ecosystem operations
 * review it (linking or creating the customer account and opportunity, assigning
 * the ESM), then the ESM, then the ASM decide. Each can deny with a reason from
 * the configurable list or return it to the partner with comments.
 */
const asLevel = (level: string): ReviewLevel => level as ReviewLevel;

const NEW = 'new';

/** Internal users holding a role (the ESMs operations choose from). */
const holdersOf = async (role: 'esm'): Promise<{ id: string; name: string }[]> => {
  const found: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await users.listInternal(100, cursor);
    found.push(...page.items.filter((user) => user.active && user.roles.includes(role)).map(({ id, name }) => ({ id, name })));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
};

/** Accounts that may be this customer's: same normalised name or email domain. */
const candidateAccounts = async (registration: DealRegistration) => {
  const domain = emailDomain(registration.customer.contactEmail);
  const [byName, byDomain] = await Promise.all([
    accounts.byName(normalizedCompany(registration.customer.companyName)),
    domain ? accounts.byDomain(domain) : Promise.resolve([]),
  ]);
  return [...new Map([...byName, ...byDomain].map((account) => [account.id, account])).values()];
};

const operationsFields = async (registration: DealRegistration): Promise<FormField[]> => {
  const found = await candidateAccounts(registration);
  const opportunitiesOf = (await Promise.all(found.map((account) => opportunities.ofAccount(account.id)))).flat().filter(opportunities.isOpen);
  return [
    {
      name: 'account',
      label: 'Customer account',
      required: true,
      options: [...found.map((account) => ({ value: account.id, label: `${account.name} (${account.country})` })), { value: NEW, label: `Create the account “${registration.customer.companyName}”` }],
    },
    {
      name: 'opportunity',
      label: 'Opportunity',
      required: true,
      options: [
        ...opportunitiesOf.map((opportunity) => ({ value: opportunity.id, label: `${opportunity.name} — ${opportunity.accountName} (${opportunity.stage})` })),
        { value: NEW, label: 'Create a new opportunity for this registration' },
      ],
      help: 'An existing opportunity must belong to the chosen account.',
    },
    {
      name: 'esm',
      label: 'Ecosystem sales manager',
      required: true,
      options: (await holdersOf('esm')).map((esm) => ({ value: esm.id, label: esm.name })),
    },
  ];
};

/** Operations' review: the account, the opportunity and the ESM, created or linked in the same transaction. */
const operationsReview = async (registration: DealRegistration, context: DecisionContext): Promise<Verdict<{ items: TransactItem[]; changes: Partial<DealRegistration> }>> => {
  const at = context.now.toISOString();
  const { account: accountChoice = '', opportunity: opportunityChoice = '', esm: esmId = '' } = context.details;
  const esm = esmId ? await users.get(esmId) : undefined;
  if (!esm || !esm.roles.includes('esm') || !esm.active) return refuse('dr.review-esm', 'Choose the ecosystem sales manager who reviews this registration.');
  const items: TransactItem[] = [];
  let accountId = accountChoice;
  let accountName = registration.customer.companyName;
  if (accountChoice === NEW) {
    accountId = newId('acc');
    const domain = emailDomain(registration.customer.contactEmail);
    items.push(
      accounts.putItem({
        id: accountId,
        name: registration.customer.companyName,
        normalizedName: normalizedCompany(registration.customer.companyName),
        ...(domain ? { domain } : {}),
        country: registration.customer.country,
        region: registration.region,
        createdAt: at,
        createdBy: context.decidedBy.id,
      }),
    );
  } else {
    const account = accountChoice ? await accounts.get(accountChoice) : undefined;
    if (!account) return refuse('dr.review-account', 'Choose the customer account, or create it.');
    accountName = account.name;
  }
  let opportunityId = opportunityChoice;
  let createdOpportunity = opportunityChoice === NEW;
  if (createdOpportunity) {
    opportunityId = newId('opp');
    items.push(
      opportunities.putItem({
        id: opportunityId,
        accountId,
        accountName,
        name: `${accountName} — ${registration.type} via ${registration.partnerName}`,
        stage: 'Prospecting',
        partnerSourced: false,
        source: 'Sales',
        createdAt: at,
        createdForRegistration: registration.id,
        version: 1,
      }),
    );
  } else {
    const opportunity = opportunityChoice ? await opportunities.get(opportunityChoice) : undefined;
    if (!opportunity || opportunity.accountId !== accountId) return refuse('dr.review-opportunity', 'Choose an opportunity of the chosen account, or create one.');
    if (!opportunities.isOpen(opportunity)) return refuse('dr.review-opportunity-open', `The opportunity ${opportunity.name} is ${opportunity.stage}.`);
    // Created for this registration in an earlier round (before a return): the registration is still its source.
    createdOpportunity = opportunity.createdForRegistration === registration.id;
  }
  items.push(opportunities.linkItem(opportunityId, registration.id, registration.partnerId, at));
  return accept({ items, changes: { accountId, opportunityId, createdOpportunity, esmId: esm.id, esmName: esm.name } });
};

const decide = async (registration: DealRegistration, context: DecisionContext): Promise<Verdict<SubjectDecision>> => {
  const at = context.now.toISOString();
  const level = asLevel(context.approval.level);
  const from = statusAtLevel[level];
  const by = context.actor;
  // Any decision is contact with the partner (they are emailed): the two-business-day clock stops.
  const contactMade = registrations.dueClearItem(registration.id, registrations.PARTNER_CONTACT_DUE);
  if (context.decision === 'deny') {
    return accept({
      items: [
        registrations.transitionItem(registration, from, 'Denied', at, { outcomeReason: context.reason ?? '', decidedAt: at }),
        contactMade,
        registrations.historyItem(registration.id, { at, by, action: 'denied', from, to: 'Denied', ...(context.reason ? { reason: context.reason } : {}), details: { level } }),
      ],
      outcome: `The registration is denied. ${registration.partnerName} will be told the reason.`,
    });
  }
  if (context.decision === 'return') {
    return accept({
      items: [
        registrations.transitionItem(registration, from, 'Returned', at, { returnComments: context.reason ?? '' }),
        contactMade,
        registrations.historyItem(registration.id, { at, by, action: 'returned', from, to: 'Returned', ...(context.reason ? { reason: context.reason } : {}), details: { level } }),
      ],
      outcome: `The registration goes back to ${registration.partnerName} with your comments; it comes back to operations when they resubmit.`,
    });
  }
  if (level === 'operations') {
    const review = await operationsReview(registration, context);
    if (!review.ok) return review;
    return accept({
      items: [
        ...review.value.items,
        registrations.transitionItem(registration, from, 'Pending Sales Review', at, review.value.changes),
        // The partner is emailed as the ESM's review opens: that is contact too.
        contactMade,
        registrations.historyItem(registration.id, {
          at,
          by,
          action: 'reviewed-by-operations',
          from,
          to: 'Pending Sales Review',
          details: { level, accountId: review.value.changes.accountId, opportunityId: review.value.changes.opportunityId, esm: review.value.changes.esmName },
        }),
      ],
      outcome: `Sent to ${review.value.changes.esmName} for sales review.`,
    });
  }
  if (level === 'esm') {
    return accept({
      items: [
        registrations.transitionItem(registration, from, 'Pending ASM Review', at),
        contactMade,
        registrations.historyItem(registration.id, { at, by, action: 'approved-by-esm', from, to: 'Pending ASM Review', ...(context.reason ? { reason: context.reason } : {}), details: { level } }),
      ],
      outcome: 'Approved at sales review; the area sales manager makes the final review.',
    });
  }
  // The ASM's approval: the registration claims its opportunity (one Approved per opportunity) and is protected for 90 days.
  if (!registration.opportunityId) return refuse('dr.review-opportunity', 'The registration is not linked to an opportunity.');
  const expiresAt = expiryAfterApproval(context.now);
  return accept({
    items: [
      registrations.transitionItem(registration, from, 'Approved', at, { approvedAt: at, expiresAt, decidedAt: at }),
      ...opportunities.approvedItems(registration.opportunityId, { registrationId: registration.id, partnerId: registration.partnerId, approvedAt: at }, registration.createdOpportunity === true),
      registrations.dueItem(registration.id, registrations.EXPIRY_DUE, expiryReminderAt(expiresAt), { step: 'remind', expiresAt }),
      contactMade,
      registrations.historyItem(registration.id, { at, by, action: 'approved', from, to: 'Approved', ...(context.reason ? { reason: context.reason } : {}), details: { level, expiresAt } }),
    ],
    outcome: `The registration is approved and protects ${registration.partnerName} until ${expiresAt.slice(0, 10)}.`,
  });
};

/** The ASM's approval failed on the opportunity's guard: another registration holds it. */
const heldElsewhere = async (registration: DealRegistration, context: DecisionContext): Promise<Refusal | undefined> => {
  if (context.decision !== 'approve' || context.approval.level !== 'asm' || !registration.opportunityId) return undefined;
  const holder = await opportunities.holderOf(registration.opportunityId);
  if (!holder || holder.registrationId === registration.id) return undefined;
  return refuse(
    'dr.one-approved-per-opportunity',
    `The opportunity is already registered to another partner: registration ${holder.registrationId}, approved on ${holder.approvedAt.slice(0, 10)}.`,
    { holdingRegistrationId: holder.registrationId },
  );
};

export const dealRegistrationSubject: ApprovalSubject<DealRegistration> = {
  kind: 'deal-registration',
  partition: registrations.partitionOf,
  read: (items) => {
    const item = items.find(registrations.isRegistrationItem);
    return item ? registrations.fromItem(item) : undefined;
  },
  isOpen: (registration) => ['Submitted', 'Pending Sales Review', 'Pending ASM Review'].includes(registration.status),
  view: (registration) => ({
    kindLabel: 'deal registration',
    title: `${registration.customer.companyName} (${registration.type})`,
    partnerName: registration.partnerName,
    facts: [
      ['Partner', `${registration.partnerName}${registration.submittedBy.onBehalf ? ` (registered by ${registration.submittedBy.name})` : ''}`],
      ['Customer', `${registration.customer.companyName}, ${registration.customer.country}`],
      ['Contact', `${registration.customer.contactName} <${registration.customer.contactEmail}>`],
      ['Type', registration.type],
      ['Products', registration.products.join(', ')],
      ['Estimated value', describeValue(registration)],
      ['Expected close', registration.expectedCloseDate],
      ['Description', registration.description],
      ...(registration.returnComments ? ([['Returned before with', registration.returnComments]] as [string, string][]) : []),
      ...(registration.esmName ? ([['Ecosystem sales manager', registration.esmName]] as [string, string][]) : []),
      [
        'Possible duplicates',
        registration.possibleDuplicates.length === 0
          ? 'none found'
          : registration.possibleDuplicates.map((duplicate) => `${duplicate.kind} ${duplicate.label} (${duplicate.status}, same ${duplicate.matchedOn})`).join('; '),
      ],
    ],
  }),
  assignment: (registration, level) => ({ role: levelRole[asLevel(level)], scope: registration.region }),
  round: (registration) => registration.round,
  approverOf: (registration, level) => (level === 'esm' ? registration.esmId : undefined),
  calendarRegion: (registration) => registration.region,
  levelLabel: (_registration, level) => `step ${reviewLevels.indexOf(asLevel(level)) + 1} of 3 (${roleTitles[levelRole[asLevel(level)]]})`,
  slaDueAt: (_registration, level, openedAt, calendar) => levelSlaDueAt(asLevel(level), openedAt, calendar),
  returnOffer: () => ({ label: 'Return to partner', prompt: 'What must the partner add or change? They are told.' }),
  denyReasons: () => programConfig.denialReasons(),
  approveFields: async (registration, _items, level) => (level === 'operations' ? operationsFields(registration) : []),
  emailsOnOpen: (registration, level) => (level === 'esm' || level === 'asm' ? [registrationWithSales(registration, level)] : []),
  onOpen: (registration, approval, history) => [
    registrations.updateItem(registration, statusAtLevel[asLevel(approval.level)], history.at, {}),
    // The workflow evidently runs: no need for the sweep to start it.
    ...(approval.level === 'operations' ? [registrations.dueClearItem(registration.id, registrations.REVIEW_START_DUE)] : []),
    registrations.historyItem(registration.id, history),
  ],
  onDecision: decide,
  explainRefusal: heldElsewhere,
};
