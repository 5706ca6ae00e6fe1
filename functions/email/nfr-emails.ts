import type { NfrLicence, NfrRequest } from '#domain/nfr';
import { render } from './layout.ts';

/** Emails about NFR licences: the licence to its contact, the outcome to the requester. One function per message. */

export const CERTIFICATION_NUDGE =
  'To get the most value from this licence, we encourage you or someone in your organisation to complete the Solution Architect Core certification (training, lab and exam) in the Partner Portal.';

const licenceFacts = (licence: NfrLicence): [string, string][] => [
  ['Licence', licence.id],
  ['Plan', `GitLab ${licence.plan} (not for resale)`],
  ['Users', String(licence.users)],
  ['Starts', licence.startsOn],
  ['Expires', licence.expiresOn],
];

/** The licence email: the key, to the contact the partner named. */
export const licenceIssued = (licence: NfrLicence) =>
  render([licence.contact.email], `Your GitLab ${licence.plan} NFR licence key for ${licence.partnerName}`, {
    greeting: `Hello ${licence.contact.name},`,
    paragraphs: [
      `Here is the not-for-resale licence ${licence.partnerName} asked for: ${licence.users} GitLab ${licence.plan} user${licence.users === 1 ? '' : 's'}, for your organisation's internal use and demonstrations.`,
      `Licence key: ${licence.key}`,
      `It expires on ${licence.expiresOn}; all of ${licence.partnerName}'s NFR licences expire together, so they can be reviewed and renewed at the same time.`,
      ...(licence.certificationEncouraged ? [CERTIFICATION_NUDGE] : []),
    ],
    facts: licenceFacts(licence),
    closing: ['Keep the key private: anyone holding it can activate the licence. Let us know if you need anything else.'],
  });

export const requestGranted = (request: NfrRequest, licence: NfrLicence) =>
  render([request.requestedBy.email], `Granted: NFR licence for ${licence.users} user${licence.users === 1 ? '' : 's'}`, {
    greeting: `Hello ${request.requestedBy.name},`,
    paragraphs: [
      `The partner help desk granted your NFR licence request. We just sent the licence key to ${request.contact.name} (${request.contact.email}); please let us know if it did not arrive.`,
      ...(licence.certificationEncouraged ? [CERTIFICATION_NUDGE] : []),
    ],
    facts: [['Request', request.id], ...licenceFacts(licence)],
  });

export const requestDenied = (request: NfrRequest) =>
  render([request.requestedBy.email], `Denied: NFR licence request for ${request.users} user${request.users === 1 ? '' : 's'}`, {
    greeting: `Hello ${request.requestedBy.name},`,
    paragraphs: [`The partner help desk denied your NFR licence request.`, `The reason given: ${request.outcomeReason || 'none recorded'}`],
    facts: [
      ['Request', request.id],
      ['Users', String(request.users)],
      ['Plan', request.plan],
    ],
    closing: ['You may send a new request that addresses the reason.'],
  });
