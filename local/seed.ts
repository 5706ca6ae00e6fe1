import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { flexiLimitOf, type Budget } from '../functions/domain/budget.ts';
import { quarterOf } from '../functions/domain/calendar.ts';
import { emptyChecklist, type MarketingReadyChecklist, type Partner } from '../functions/domain/partner.ts';
import type { InternalRole, User } from '../functions/domain/people.ts';
import type { Region } from '../functions/domain/regions.ts';
import { leadPeople, leadRoles, seedLeads } from './seed-leads.ts';
import { person } from './seed-people.ts';

/**
 * Seed data for the local stack, written through the product's own store modules:
 * partners in every status and track (a global partner, one that is not
 * marketing-ready), partner users with and without mdfAdmin, the three MDF
 * approvers of every region, the global director, an administrator, a
 * delegation, this and next quarter's budgets, and regional holidays.
 * Ids are fixed so the README and tests can name them.
 */
export interface SeededUser {
  role: string;
  id: string;
  email: string;
  name: string;
}

const ready: MarketingReadyChecklist = Object.fromEntries(Object.keys(emptyChecklist()).map((item) => [item, true])) as MarketingReadyChecklist;

const partnersToSeed = (at: string): Partner[] => {
  const base = { version: 1, createdAt: at, updatedAt: at, contractSignedDate: '2025-02-01' };
  return [
    { ...base, id: 'ptr_acme', legalName: 'Acme Cloud Partners', homeRegion: 'EMEA', track: 'Select', status: 'Authorized', global: false, salesTrainingsCompleted: 3, partnerContact: { name: 'Lena Contact', email: 'leads@acme.example' }, marketingReady: ready, certifications: { solutionArchitect: true, professionalServicesEngineer: false } },
    { ...base, id: 'ptr_globex', legalName: 'Globex Global Integrators', homeRegion: 'AMER', track: 'Select', status: 'Authorized', global: true, salesTrainingsCompleted: 5, partnerContact: { name: 'Gus Contact', email: 'leads@globex.example' }, marketingReady: ready },
    { ...base, id: 'ptr_initech', legalName: 'Initech Managed Services', homeRegion: 'APAC', track: 'Open', status: 'Authorized', global: false, salesTrainingsCompleted: 1, partnerContact: { name: 'Ina Contact', email: 'leads@initech.example' }, marketingReady: { ...ready, businessPlanApproved: false, mdfPolicyAcknowledged: false }, certifications: { solutionArchitect: false, professionalServicesEngineer: false } },
    { ...base, id: 'ptr_umbrella', legalName: 'Umbrella Resellers', homeRegion: 'EMEA', track: 'Open', status: 'Prospect', global: false, salesTrainingsCompleted: 0, marketingReady: emptyChecklist() },
    { ...base, id: 'ptr_hooli', legalName: 'Hooli Systems', homeRegion: 'AMER', track: 'Select', status: 'Suspended', global: false, salesTrainingsCompleted: 2, partnerContact: { name: 'Hal Contact', email: 'leads@hooli.example' }, marketingReady: ready },
    { ...base, id: 'ptr_stark', legalName: 'Stark Public Sector', homeRegion: 'PUBSEC', track: 'Select', status: 'Authorized', global: false, salesTrainingsCompleted: 2, partnerContact: { name: 'Pepper Contact', email: 'leads@stark.example' }, marketingReady: ready },
    // Deal registration: an alliance and a GSI partner, whose deals their ESM registers.
    { ...base, id: 'ptr_cloudco', legalName: 'CloudCo Marketplace', homeRegion: 'AMER', track: 'Select', status: 'Authorized', global: true, partnerType: 'alliance', salesTrainingsCompleted: 0, marketingReady: emptyChecklist() },
    { ...base, id: 'ptr_bigfour', legalName: 'BigFour Consulting', homeRegion: 'EMEA', track: 'Select', status: 'Authorized', global: true, partnerType: 'gsi', salesTrainingsCompleted: 0, marketingReady: emptyChecklist() },
  ];
};

const regionsToSeed: Region[] = ['AMER', 'EMEA', 'APAC', 'PUBSEC'];
const approverRoles: { role: InternalRole; key: string; title: string }[] = [
  { role: 'cmm', key: 'cmm', title: 'CMM' },
  { role: 'marketing-lead', key: 'lead', title: 'Marketing Lead' },
  { role: 'program-manager', key: 'ppm', title: 'Program Manager' },
];

const usersToSeed = (at: string): { users: User[]; roles: SeededUser[] } => {
  const users: User[] = [
    person('usr_admin', 'Ada Admin', 'admin@channel.example', { roles: ['admin'] }, at),
    person('usr_director', 'Dora Director', 'director@channel.example', { roles: ['global-director'], managerId: 'usr_admin' }, at),
    person('usr_alice', 'Alice Acme', 'alice@acme.example', { partnerId: 'ptr_acme', privileges: ['mdfAdmin', 'opportunityAdmin'] }, at),
    person('usr_bob', 'Bob Acme', 'bob@acme.example', { partnerId: 'ptr_acme', privileges: [] }, at),
    person('usr_gina', 'Gina Globex', 'gina@globex.example', { partnerId: 'ptr_globex', privileges: ['mdfAdmin'] }, at),
    person('usr_ivan', 'Ivan Initech', 'ivan@initech.example', { partnerId: 'ptr_initech', privileges: ['mdfAdmin'] }, at),
    person('usr_uma', 'Uma Umbrella', 'uma@umbrella.example', { partnerId: 'ptr_umbrella', privileges: ['mdfAdmin'] }, at),
    person('usr_hank', 'Hank Hooli', 'hank@hooli.example', { partnerId: 'ptr_hooli', privileges: ['mdfAdmin'] }, at),
    person('usr_pepper', 'Pepper Stark', 'pepper@stark.example', { partnerId: 'ptr_stark', privileges: ['mdfAdmin'] }, at),
  ];
  for (const region of regionsToSeed) {
    const r = region.toLowerCase();
    users.push(
      person(`usr_cmm_${r}`, `${region} CMM`, `cmm.${r}@channel.example`, { roles: ['cmm'], managerId: `usr_lead_${r}` }, at),
      person(`usr_lead_${r}`, `${region} Marketing Lead`, `lead.${r}@channel.example`, { roles: ['marketing-lead'], managerId: 'usr_director' }, at),
      person(`usr_ppm_${r}`, `${region} Program Manager`, `ppm.${r}@channel.example`, { roles: ['program-manager'], managerId: 'usr_director' }, at),
    );
  }
  users.push(person('usr_backup_apac', 'Bea Backup', 'backup.apac@channel.example', { roles: ['cmm'], managerId: 'usr_lead_apac' }, at));
  // Deal registration: ecosystem operations, ecosystem sales managers and area sales managers of every region.
  for (const region of regionsToSeed) {
    const r = region.toLowerCase();
    users.push(
      person(`usr_ops_${r}`, `${region} Ecosystem Operations`, `ops.${r}@channel.example`, { roles: ['ecosystem-operations'], managerId: 'usr_admin' }, at),
      person(`usr_esm_${r}`, `${region} Ecosystem Sales Manager`, `esm.${r}@channel.example`, { roles: ['esm'], managerId: `usr_asm_${r}` }, at),
      person(`usr_asm_${r}`, `${region} Area Sales Manager`, `asm.${r}@channel.example`, { roles: ['asm'], managerId: 'usr_director' }, at),
    );
  }
  const roles: SeededUser[] = [
    { role: 'partner MDF admin (Acme, EMEA, marketing-ready)', id: 'usr_alice', email: 'alice@acme.example', name: 'Alice Acme' },
    { role: 'partner user without mdfAdmin (Acme)', id: 'usr_bob', email: 'bob@acme.example', name: 'Bob Acme' },
    { role: 'partner MDF admin (Globex, global partner)', id: 'usr_gina', email: 'gina@globex.example', name: 'Gina Globex' },
    { role: 'partner MDF admin (Initech, not marketing-ready)', id: 'usr_ivan', email: 'ivan@initech.example', name: 'Ivan Initech' },
    { role: 'partner MDF admin (Umbrella, Prospect)', id: 'usr_uma', email: 'uma@umbrella.example', name: 'Uma Umbrella' },
    { role: 'CMM EMEA', id: 'usr_cmm_emea', email: 'cmm.emea@channel.example', name: 'EMEA CMM' },
    { role: 'regional marketing lead EMEA', id: 'usr_lead_emea', email: 'lead.emea@channel.example', name: 'EMEA Marketing Lead' },
    { role: 'partner program manager EMEA', id: 'usr_ppm_emea', email: 'ppm.emea@channel.example', name: 'EMEA Program Manager' },
    { role: 'CMM AMER', id: 'usr_cmm_amer', email: 'cmm.amer@channel.example', name: 'AMER CMM' },
    { role: 'global director', id: 'usr_director', email: 'director@channel.example', name: 'Dora Director' },
    { role: 'program administrator', id: 'usr_admin', email: 'admin@channel.example', name: 'Ada Admin' },
    { role: 'ecosystem operations EMEA', id: 'usr_ops_emea', email: 'ops.emea@channel.example', name: 'EMEA Ecosystem Operations' },
    { role: 'ecosystem sales manager EMEA', id: 'usr_esm_emea', email: 'esm.emea@channel.example', name: 'EMEA Ecosystem Sales Manager' },
    { role: 'area sales manager EMEA', id: 'usr_asm_emea', email: 'asm.emea@channel.example', name: 'EMEA Area Sales Manager' },
    { role: 'ecosystem sales manager AMER (registers for alliance and GSI partners)', id: 'usr_esm_amer', email: 'esm.amer@channel.example', name: 'AMER Ecosystem Sales Manager' },
  ];
  // NFR licences: the partner help desk reviews every request (assigned globally).
  users.push(person('usr_help_desk', 'Hal Help Desk', 'helpdesk@channel.example', { roles: ['partner-help-desk'], managerId: 'usr_admin' }, at));
  roles.push({ role: 'partner help desk (NFR licences)', id: 'usr_help_desk', email: 'helpdesk@channel.example', name: 'Hal Help Desk' });
  // Letters of Authorization: legal approves and initials, the PAO signs (both assigned globally).
  users.push(
    person('usr_legal', 'Lee Legal', 'legal@channel.example', { roles: ['legal'], managerId: 'usr_admin' }, at),
    person('usr_pao', 'Pat Signer', 'pao@channel.example', { roles: ['pao'], managerId: 'usr_admin' }, at),
  );
  roles.push(
    { role: 'legal (approves and initials letters of authorization)', id: 'usr_legal', email: 'legal@channel.example', name: 'Lee Legal' },
    { role: 'PAO (signs letters of authorization)', id: 'usr_pao', email: 'pao@channel.example', name: 'Pat Signer' },
  );
  // Leads (issue 6): marketing operations, and Acme's Partner Contact as a user.
  users.push(...leadPeople(at));
  roles.push(...leadRoles);
  return { users, roles };
};

const targetMarkets: Record<Region, string[]> = {
  AMER: ['BR', 'CA', 'MX', 'US'],
  EMEA: ['CH', 'DE', 'FR', 'GB', 'IE', 'NL', 'SE'],
  APAC: ['AU', 'IN', 'JP', 'KR', 'SG'],
  PUBSEC: ['US'],
};

const nextQuarter = (quarter: string): string => {
  const [year, q] = quarter.split('-Q').map(Number) as [number, number];
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
};

const holidays = (year: number): { region: Region; date: string; name: string }[] => [
  { region: 'AMER', date: `${year}-11-26`, name: 'Thanksgiving' },
  { region: 'AMER', date: `${year}-12-25`, name: 'Christmas Day' },
  { region: 'PUBSEC', date: `${year}-11-26`, name: 'Thanksgiving' },
  { region: 'PUBSEC', date: `${year}-12-25`, name: 'Christmas Day' },
  { region: 'EMEA', date: `${year}-12-25`, name: 'Christmas Day' },
  { region: 'EMEA', date: `${year}-12-28`, name: 'Boxing Day (substitute)' },
  { region: 'APAC', date: `${year + 1}-01-01`, name: "New Year's Day" },
  { region: 'EMEA', date: `${year + 1}-01-01`, name: "New Year's Day" },
];

const SEED_MARKER = { pk: 'LOCAL#SEED', sk: 'LOCAL#SEED' };

/** Seeds once per database (a marker item remembers it). Returns the users whose tokens are printed. */
export const seed = async (now: Date): Promise<{ seeded: boolean; roles: SeededUser[] }> => {
  // The store modules read their settings when loaded: import them only now, after the local environment is set.
  const [{ db, tableName }, partners, users, approvers, budgets, calendars] = await Promise.all([
    import('../functions/store/table.ts'),
    import('../functions/store/partners.ts'),
    import('../functions/store/users.ts'),
    import('../functions/store/approvers.ts'),
    import('../functions/store/budgets.ts'),
    import('../functions/store/calendars.ts'),
  ]);
  const at = now.toISOString();
  const { users: people, roles } = usersToSeed(at);
  const marker = await db().send(new GetCommand({ TableName: tableName, Key: SEED_MARKER }));
  if (marker.Item) return { seeded: false, roles };

  const seedActor = { id: 'system:seed', name: 'Local seed', kind: 'system' as const };
  for (const partner of partnersToSeed(at)) await partners.create(partner, { at, by: seedActor, action: 'created', to: partner.status });
  for (const user of people) await users.create(user);
  for (const region of regionsToSeed) {
    for (const { role, key } of approverRoles) {
      await approvers.assign({ role, scope: region, userId: `usr_${key}_${region.toLowerCase()}`, assignedAt: at, assignedBy: 'system:seed' });
    }
  }
  await approvers.assign({ role: 'global-director', scope: 'GLOBAL', userId: 'usr_director', assignedAt: at, assignedBy: 'system:seed' });
  await approvers.assign({ role: 'legal', scope: 'GLOBAL', userId: 'usr_legal', assignedAt: at, assignedBy: 'system:seed' });
  await approvers.assign({ role: 'pao', scope: 'GLOBAL', userId: 'usr_pao', assignedAt: at, assignedBy: 'system:seed' });
  await approvers.assign({ role: 'partner-help-desk', scope: 'GLOBAL', userId: 'usr_help_desk', assignedAt: at, assignedBy: 'system:seed' });
  for (const region of regionsToSeed) {
    const r = region.toLowerCase();
    await approvers.assign({ role: 'ecosystem-operations', scope: region, userId: `usr_ops_${r}`, assignedAt: at, assignedBy: 'system:seed' });
    await approvers.assign({ role: 'esm', scope: region, userId: `usr_esm_${r}`, assignedAt: at, assignedBy: 'system:seed' });
    await approvers.assign({ role: 'asm', scope: region, userId: `usr_asm_${r}`, assignedAt: at, assignedBy: 'system:seed' });
  }
  // A customer account with an open opportunity, for operations to link registrations to.
  const { transact } = await import('../functions/store/table.ts');
  const accounts = await import('../functions/store/accounts.ts');
  const opportunities = await import('../functions/store/opportunities.ts');
  await transact([
    accounts.putItem({ id: 'acc_initrode', name: 'Initrode Bank', normalizedName: 'initrode bank', domain: 'initrode-bank.example', country: 'DE', region: 'EMEA', createdAt: at, createdBy: 'system:seed' }),
    opportunities.putItem({
      id: 'opp_initrode_ultimate',
      accountId: 'acc_initrode',
      accountName: 'Initrode Bank',
      name: 'Initrode Bank — Ultimate expansion',
      stage: 'Qualification',
      partnerSourced: false,
      source: 'Sales',
      createdAt: at,
      version: 1,
    }),
  ]);
  const today = now.toISOString().slice(0, 10);
  await approvers.addDelegation({
    id: 'dlg_apac_cmm_leave',
    approverId: 'usr_cmm_apac',
    backupId: 'usr_backup_apac',
    from: today,
    to: new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10),
    createdAt: at,
    createdBy: 'usr_cmm_apac',
  });
  const thisQuarter = quarterOf(today);
  for (const quarter of [thisQuarter, nextQuarter(thisQuarter)]) {
    for (const region of regionsToSeed) {
      const totalCents = region === 'PUBSEC' ? 10_000_000 : 25_000_000;
      const budget: Budget = {
        region,
        quarter,
        totalCents,
        reservedCents: 0,
        consumedCents: 0,
        availableCents: totalCents,
        flexiLimitCents: flexiLimitOf(totalCents),
        flexiUsedCents: 0,
        targetMarkets: targetMarkets[region],
        version: 1,
        updatedAt: at,
      };
      await budgets.create(budget, { at, by: 'system:seed', note: 'Seeded budget' });
    }
  }
  for (const holiday of holidays(now.getUTCFullYear())) await calendars.putHoliday(holiday.region, { date: holiday.date, name: holiday.name });
  await seedLeads(now);
  await db().send(new PutCommand({ TableName: tableName, Item: { ...SEED_MARKER, at } }));
  return { seeded: true, roles };
};
