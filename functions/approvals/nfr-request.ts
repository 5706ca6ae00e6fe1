import { randomBytes } from 'node:crypto';
import { checkRenewals, checkWithinLimit, grant, nfrLimit, type NfrRequest } from '#domain/nfr';
import { accept, refuse, type Refusal, type Verdict } from '#domain/verdict';
import * as calendars from '#store/calendars';
import * as nfr from '#store/nfr';
import * as partners from '#store/partners';
import { newId } from '#shared/ids';
import type { ApprovalSubject, DecisionContext, SubjectDecision } from './subjects.ts';

/**
 * How an NFR licence request takes part in email approvals: one level, the partner
 * help desk (globally). Approving grants the licence in the same transaction as the
 * approval: the licence with its key and dates, the partner's count of licence
 * users raised under the limit's condition, renewed licences ended. Over the limit,
 * approval is refused on the page (the level stays open, so the help desk can deny).
 */
export const HELP_DESK_LEVEL = 'help-desk';

/** A licence key: 24 random bytes, base64url, in groups for reading aloud. */
export const newLicenceKey = (): string => `NFR-${randomBytes(24).toString('base64url').match(/.{1,8}/g)?.join('-')}`;

/** The limit as it stands now (the counter read consistently), for the page's refusal. */
const overLimit = async (request: NfrRequest): Promise<Refusal | undefined> => {
  const [inUse, active] = await Promise.all([nfr.usersInUse(request.partnerId), nfr.activeLicencesOf(request.partnerId)]);
  const renewals = checkRenewals(request.renews, active, request.partnerId);
  if (!renewals.ok) return renewals;
  const fits = checkWithinLimit(request.track, inUse, request.users, renewals.value);
  return fits.ok ? undefined : fits;
};

const decide = async (request: NfrRequest, context: DecisionContext): Promise<Verdict<SubjectDecision>> => {
  const at = context.now.toISOString();
  const by = context.actor;
  if (context.decision !== 'approve') {
    // No third action is offered (the machinery refuses `return`): anything else is a deny with its reason.
    return accept({
      items: [
        nfr.decidedItem(request, 'Denied', at, { outcomeReason: context.reason ?? '' }),
        nfr.requestHistoryItem(request.id, { at, by, action: 'denied', from: 'Pending', to: 'Denied', ...(context.reason ? { reason: context.reason } : {}), details: { level: HELP_DESK_LEVEL } }),
      ],
      outcome: `The request is denied. ${request.requestedBy.name} at ${request.partnerName} will be told your reason.`,
    });
  }
  const [partner, calendar, active, inUse] = await Promise.all([
    partners.get(request.partnerId),
    calendars.get(request.region),
    nfr.activeLicencesOf(request.partnerId),
    nfr.usersInUse(request.partnerId),
  ]);
  if (!partner) return refuse('nfr.partner-authorized', `${request.partnerName} is no longer a partner of the program.`);
  // The partner of today decides: still Authorized, and its track's limit (it may have moved from Open to Select since asking).
  const track = partner.track;
  const granted = grant({
    request: { ...request, track },
    partner,
    active,
    usersInUse: inUse,
    now: context.now,
    timeZone: calendar.timeZone,
    id: newId('nfl'),
    key: newLicenceKey(),
    grantedBy: context.decidedBy.name,
  });
  if (!granted.ok) return granted;
  const { licence, renewedUsers, expiryRule } = granted.value;
  const renewed = active.filter((candidate) => request.renews.includes(candidate.id));
  return accept({
    items: [
      nfr.decidedItem(request, 'Granted', at, { licenceId: licence.id }),
      ...nfr.grantItems(licence, licence.users - renewedUsers, nfrLimit[track]),
      ...renewed.map((old) => nfr.endedItem(old, 'Renewed', at)),
      nfr.requestHistoryItem(request.id, {
        at,
        by,
        action: 'granted',
        from: 'Pending',
        to: 'Granted',
        ...(context.reason ? { reason: context.reason } : {}),
        details: { level: HELP_DESK_LEVEL, licenceId: licence.id, startsOn: licence.startsOn, expiresOn: licence.expiresOn, expiryRule, renewed: request.renews },
      }),
    ],
    outcome:
      `The licence for ${licence.users} ${licence.plan} user${licence.users === 1 ? '' : 's'} is granted, from ${licence.startsOn} to ${licence.expiresOn}` +
      `${expiryRule === 'nfr.co-terminous' ? " (the date of the partner's other NFR licences)" : ''}. ${request.contact.name} receives the licence key and ${request.requestedBy.name} is told.`,
  });
};

export const nfrRequestSubject: ApprovalSubject<NfrRequest> = {
  kind: 'nfr-request',
  partition: nfr.partitionOf,
  read: (items) => {
    const item = items.find(nfr.isRequestItem);
    return item ? nfr.requestFromItem(item) : undefined;
  },
  isOpen: (request) => request.status === 'Pending',
  view: (request) => ({
    kindLabel: 'NFR licence request',
    title: `${request.users} ${request.plan} NFR licence user${request.users === 1 ? '' : 's'} for ${request.partnerName}`,
    partnerName: request.partnerName,
    facts: [
      ['Partner', `${request.partnerName} (${request.track}: at most ${nfrLimit[request.track]} NFR licence users)`],
      ['Users', String(request.users)],
      ['Plan', request.plan],
      ['Licence contact', `${request.contact.name} <${request.contact.email}>`],
      ['Requested by', `${request.requestedBy.name} <${request.requestedBy.email}>`],
      ...(request.renews.length > 0 ? ([['Renews', request.renews.join(', ')]] as [string, string][]) : []),
    ],
  }),
  assignment: () => ({ role: 'partner-help-desk', scope: 'GLOBAL' }),
  calendarRegion: (request) => request.region,
  levelLabel: () => 'help desk review',
  onOpen: (request, _approval, history) => [nfr.reviewOpenedItem(request.id, history.at), nfr.requestHistoryItem(request.id, history)],
  onDecision: decide,
  explainRefusal: async (request, context) => (context.decision === 'approve' ? overLimit(request) : undefined),
};
