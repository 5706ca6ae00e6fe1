import type { Campaign } from '../functions/domain/campaigns.ts';
import type { LeadRow } from '../functions/domain/lead-rows.ts';
import type { Lead } from '../functions/domain/leads.ts';
import type { User } from '../functions/domain/people.ts';
import { person } from './seed-people.ts';
import type { SeededUser } from './seed.ts';

/**
 * Seed data for leads (issue 6): a marketing-operations user, the Partner Contact of
 * Acme as a user (new Acme leads are assigned to her), campaigns of every type (one
 * Aborted, one whose channel partner name does not match the partner account, one on
 * a marketing budget), and a few leads routed through the product's own rules: Acme
 * gets Joint, MDF (accepted on arrival) and Partner Sponsored leads; some are held
 * back with their reasons. Ids are fixed so the README and tests can name them.
 */
export const leadPeople = (at: string): User[] => [
  person('usr_mo', 'Mo Marketing-Ops', 'marketing.ops@channel.example', { roles: ['marketing-operations'], managerId: 'usr_admin' }, at),
  person('usr_lena', 'Lena Contact', 'leads@acme.example', { partnerId: 'ptr_acme', privileges: ['opportunityAdmin'] }, at),
];

export const leadRoles: SeededUser[] = [
  { role: 'marketing operations (campaigns, lead imports, held-back leads, recall counts)', id: 'usr_mo', email: 'marketing.ops@channel.example', name: 'Mo Marketing-Ops' },
  { role: 'Partner Contact of Acme (opportunityAdmin: sees every Acme lead; new leads are assigned to her)', id: 'usr_lena', email: 'leads@acme.example', name: 'Lena Contact' },
];

const campaignsToSeed = (at: string): Campaign[] => {
  const base = { createdAt: at, updatedAt: at, version: 1, status: 'In Progress' as const };
  return [
    { ...base, id: 'cmp_acme_joint', name: 'Joint DevOps Platform webinar', type: 'Joint', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl' },
    { ...base, id: 'cmp_acme_mdf', name: 'Acme MDF roadshow', type: 'MDF', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl' },
    { ...base, id: 'cmp_acme_sponsored', name: 'DevOps World booth, sponsored by Acme', type: 'Partner Sponsored', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'ptnr' },
    { ...base, id: 'cmp_globex_managed', name: 'Globex customer day', type: 'Partner Managed', channelPartnerName: 'Globex Global Integrators', budgetHolder: 'ptnr' },
    { ...base, id: 'cmp_acme_aborted', name: 'Acme security summit (cancelled)', type: 'Joint', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'chnl', status: 'Aborted' },
    { ...base, id: 'cmp_acme_misnamed', name: 'Acme breakfast briefing', type: 'Joint', channelPartnerName: 'Acme Cloud Partner', budgetHolder: 'chnl' },
    { ...base, id: 'cmp_brand_webinar', name: 'Company brand webinar', type: 'Joint', channelPartnerName: 'Acme Cloud Partners', budgetHolder: 'mktg' },
  ];
};

const lead = (email: string, first: string, last: string, company: string, campaignId: string, partnerAccountId: string, extra: Partial<LeadRow> = {}): Omit<LeadRow, 'line'> => ({
  email,
  firstName: first,
  lastName: last,
  phone: '+44 20 7946 0101',
  company,
  title: 'Head of Platform',
  country: 'GB',
  campaignId,
  partnerAccountId,
  ...extra,
});

const rowsToSeed = (): Omit<LeadRow, 'line'>[] => [
  lead('grace.hopper@navy.example', 'Grace', 'Hopper', 'Compiler Corp', 'cmp_acme_joint', 'ptr_acme'),
  lead('alan.turing@bletchley.example', 'Alan', 'Turing', 'Bletchley Analytics', 'cmp_acme_joint', 'ptr_acme'),
  lead('katherine.johnson@orbit.example', 'Katherine', 'Johnson', 'Orbit Labs', 'cmp_acme_mdf', 'ptr_acme'),
  lead('margaret.hamilton@apollo.example', 'Margaret', 'Hamilton', 'Apollo Software', 'cmp_acme_sponsored', 'ptr_acme'),
  lead('linus.t@kernel.example', 'Linus', 'T', 'Kernel Works', 'cmp_globex_managed', 'ptr_globex', { country: 'US' }),
  lead('barbara.liskov@substitution.example', 'Barbara', 'Liskov', 'Substitution Systems', 'cmp_acme_joint', 'ptr_acme', { phone: undefined }),
  lead('edsger.d@shortest.example', 'Edsger', 'Dijkstra', 'Shortest Path BV', 'cmp_acme_aborted', 'ptr_acme', { country: 'NL' }),
  lead('john.backus@formula.example', 'John', 'Backus', 'Formula Translation', 'cmp_acme_misnamed', 'ptr_acme'),
  lead('frances.allen@optimize.example', 'Frances', 'Allen', 'Optimizing Compilers', 'cmp_acme_joint', 'ptr_acme', { activelyWorked: true }),
];

/** Writes the campaigns and routes the seed leads through the import rules. */
export const seedLeads = async (now: Date): Promise<void> => {
  const [campaigns, leads, partners, { importRow }] = await Promise.all([
    import('../functions/store/campaigns.ts'),
    import('../functions/store/leads.ts'),
    import('../functions/store/partners.ts'),
    import('../functions/domain/leads.ts'),
  ]);
  const at = now.toISOString();
  const seedActor = { id: 'system:seed', name: 'Local seed', kind: 'system' as const };
  const seeded = campaignsToSeed(at);
  for (const campaign of seeded) await campaigns.create(campaign, { at, by: seedActor, action: 'created', to: campaign.status });
  const byId = new Map(seeded.map((campaign) => [campaign.id, campaign]));
  const acme = await partners.get('ptr_acme');
  const globex = await partners.get('ptr_globex');
  const partnersById = new Map([acme, globex].flatMap((partner) => (partner ? [[partner.id, partner] as const] : [])));
  const written: Lead[] = [];
  rowsToSeed().forEach((row, index) => {
    const result = importRow(undefined, { ...row, line: index + 2 }, {
      importId: 'imp_seed',
      at,
      phase: '1',
      actor: seedActor,
      campaign: (id) => byId.get(id),
      partner: (id) => partnersById.get(id),
      defaultAssignee: (partner) => (partner.id === 'ptr_acme' ? { id: 'usr_lena', name: 'Lena Contact' } : undefined),
    });
    if (result.lead) written.push(result.lead);
  });
  await leads.putNew(written);
};
