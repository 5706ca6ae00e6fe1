import type { PartnerPrivilege } from './partner.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

export const internalRoles = [
  'admin',
  'cmm',
  'marketing-lead',
  'program-manager',
  'global-director',
  'ecosystem-operations',
  'esm',
  'asm',
  'legal',
  'pao',
  'marketing-operations',
  'partner-help-desk',
] as const;
export type InternalRole = (typeof internalRoles)[number];

export const roleTitles: Record<InternalRole, string> = {
  admin: 'program administrator',
  cmm: 'channel marketing manager',
  'marketing-lead': 'regional marketing lead',
  'program-manager': 'partner program manager',
  'global-director': 'global director of channel and field marketing',
  'ecosystem-operations': 'ecosystem operations',
  esm: 'ecosystem sales manager',
  asm: 'area sales manager',
  legal: 'legal',
  pao: 'principal accounting officer',
  'marketing-operations': 'marketing operations',
  'partner-help-desk': 'partner help desk',
};

/** A person who signs in: a partner user (has `partnerId`) or an internal user (has roles). */
export interface User {
  id: string;
  email: string;
  name: string;
  partnerId?: string;
  privileges: PartnerPrivilege[];
  roles: InternalRole[];
  /** Internal users: their manager, the default backup when they miss an approval SLA. */
  managerId?: string;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An approver names a backup for a date range (PTO); while active, the backup receives the approver's requests. */
export interface Delegation {
  id: string;
  approverId: string;
  backupId: string;
  /** First and last day of the absence, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  createdAt: string;
  createdBy: string;
}

export const isDelegationActive = (delegation: Delegation, today: string): boolean =>
  delegation.from <= today && today <= delegation.to;

/** The delegation in force today, if any (the one that started last wins). */
export const activeDelegation = (delegations: readonly Delegation[], today: string): Delegation | undefined =>
  delegations.filter((d) => isDelegationActive(d, today)).sort((a, b) => b.from.localeCompare(a.from))[0];

/** An approver's backup: the backup of a delegation in force, otherwise their manager. */
export const backupOf = (approver: User, delegations: readonly Delegation[], today: string): string | undefined =>
  activeDelegation(delegations, today)?.backupId ?? approver.managerId;

export const checkDelegation = (
  input: { approverId: string; backupId: string; from: string; to: string },
  today: string,
): Verdict<void> => {
  if (input.backupId === input.approverId) {
    return refuse('delegation.backup-is-someone-else', 'An approver cannot be their own backup.');
  }
  if (input.to < input.from) {
    return refuse('delegation.end-not-before-start', `The delegation ends (${input.to}) before it starts (${input.from}).`);
  }
  if (input.to < today) {
    return refuse('delegation.not-in-the-past', `The delegation ended on ${input.to}, before today (${today}).`);
  }
  return accept(undefined);
};
