import type { ExpirySweepResults } from './results.ts';
import { progress, shuffle, writeResults } from './support.ts';
import { assertSameItem, countDue, startSweepBench, sweepRunner, writeItems } from './sweep-support.ts';

/**
 * The deal-registration expiry sweep (`functions/sweeps/registration-work.ts` `expiryStep`, run by
 * the scheduled `due-work` function) over a table holding 10,000 Approved registrations whose
 * expiry work is due later and 100 whose work is due now: 50 reach the reminder 14 days before
 * expiry, 50 reach their expiry date. What the sweep must read is the 100; the figure is items
 * read by the due queries ÷ items due (target ≤ 1.1), and no Scan at all.
 *
 * - The local seed, DynamoDB Local in memory and SES capture (bench/sweep-support.ts).
 * - One registration is written through the store's own code: `createItems` (Submitted), then
 *   the ASM approval's items (Approved with `expiresAt` = approval + 90 days, the opportunity's
 *   guard item, the expiry due item `DUE#dr-expiry` with `step: 'remind'`, due 14 days before).
 *   The script builds the same items for the others, checks them against the stored ones
 *   attribute by attribute, and writes them with BatchWriteItem: per registration its DR item,
 *   its due item and its opportunity's guard (the items the sweep reads or writes; history and
 *   customer keys are never read by it).
 * - The real handler runs in-process, twice; the counts come from middleware on the product's
 *   DynamoDB and SES clients, not from the sweep's own report (shown beside them).
 */
export const TARGET_READ_RATIO = 1.1;
export const TARGET_SCANS = 0;
const NOT_DUE = Number(process.env.BENCH_EXPIRY_NOT_DUE ?? 10_000);
const DUE_FOR_REMINDER = Number(process.env.BENCH_EXPIRY_DUE_REMINDER ?? 50);
const DUE_FOR_EXPIRY = Number(process.env.BENCH_EXPIRY_DUE_EXPIRY ?? 50);
const DAY_MS = 86_400_000;

type Region = 'AMER' | 'EMEA' | 'APAC' | 'PUBSEC';
/** A seeded Authorized partner with trained sellers, and its registering user, per region (local/seed.ts). */
const registrants: Record<Region, { partnerId: string; partnerName: string; user: { id: string; name: string; email: string }; country: string }> = {
  AMER: { partnerId: 'ptr_globex', partnerName: 'Globex Global Integrators', user: { id: 'usr_gina', name: 'Gina Globex', email: 'gina@globex.example' }, country: 'US' },
  EMEA: { partnerId: 'ptr_acme', partnerName: 'Acme Cloud Partners', user: { id: 'usr_alice', name: 'Alice Acme', email: 'alice@acme.example' }, country: 'DE' },
  APAC: { partnerId: 'ptr_initech', partnerName: 'Initech Managed Services', user: { id: 'usr_ivan', name: 'Ivan Initech', email: 'ivan@initech.example' }, country: 'JP' },
  PUBSEC: { partnerId: 'ptr_stark', partnerName: 'Stark Public Sector', user: { id: 'usr_pepper', name: 'Pepper Stark', email: 'pepper@stark.example' }, country: 'US' },
};
const regionList = Object.keys(registrants) as Region[];

type Item = Record<string, unknown>;

const main = async (): Promise<void> => {
  const bench = await startSweepBench('expiry-sweep');
  try {
    const { clock } = await import('../functions/shared/clock.ts');
    const registrations = await import('../functions/store/deal-registrations.ts');
    const opportunities = await import('../functions/store/opportunities.ts');
    const { db, tableName, transact } = await import('../functions/store/table.ts');
    const { systemActor } = await import('../functions/store/history.ts');
    const { expiryAfterApproval, expiryReminderAt, normalizedCompany, emailDomain } = await import('../functions/domain/deal-registration.ts');
    const { newId } = await import('../functions/shared/ids.ts');
    const { BatchGetCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    type DealRegistration = import('../functions/domain/deal-registration.ts').DealRegistration;

    const now = clock.now();
    const at = now.toISOString();

    /** A registration as the ASM's approval at `approvedAt` leaves it. */
    const approvedRegistration = (index: number, region: Region, approvedAt: Date): DealRegistration => {
      const who = registrants[region];
      const id = newId('dr');
      const submittedAt = new Date(approvedAt.getTime() - 3 * DAY_MS).toISOString();
      return {
        id,
        type: 'Resale',
        customer: { companyName: `Bench Customer ${index}`, contactName: 'Casey Buyer', contactEmail: `casey@customer${index}.example`, country: who.country },
        products: ['GitLab Ultimate'],
        estimatedValueCents: 12_000_000,
        expectedCloseDate: new Date(approvedAt.getTime() + 60 * DAY_MS).toISOString().slice(0, 10),
        description: 'Platform consolidation for 400 developers.',
        partnerId: who.partnerId,
        partnerName: who.partnerName,
        submittedBy: { ...who.user, onBehalf: false },
        status: 'Approved',
        region,
        submittedAt,
        round: 1,
        possibleDuplicates: [],
        accountId: `acc_bench_${index}`,
        opportunityId: `opp_bench_${index}`,
        esmId: 'usr_esm',
        esmName: 'Bench ESM',
        approvedAt: approvedAt.toISOString(),
        expiresAt: expiryAfterApproval(approvedAt),
        decidedAt: approvedAt.toISOString(),
        version: 2,
        updatedAt: approvedAt.toISOString(),
      };
    };

    /** The registration's item, its expiry due item and its opportunity's guard, as the approval writes them. */
    const itemsOf = (registration: DealRegistration, dueAt: string, step: 'remind' | 'expire'): { registration: Item; due: Item; guard: Item } => ({
      registration: {
        pk: registrations.partitionOf(registration.id),
        sk: 'DR',
        entity: 'deal-registration',
        gsi1pk: `PARTNER#${registration.partnerId}#DR`,
        gsi1sk: `${registration.submittedAt}#${registration.id}`,
        gsi2pk: 'DRSTATUS#Approved',
        gsi2sk: `${registration.submittedAt}#${registration.id}`,
        ...registration,
      },
      due: {
        pk: registrations.partitionOf(registration.id),
        sk: `DUE#${registrations.EXPIRY_DUE}`,
        entity: 'dr-due',
        duePk: registrations.EXPIRY_DUE,
        dueAt,
        registrationId: registration.id,
        step,
        expiresAt: registration.expiresAt,
      },
      guard: {
        pk: `OPP#${registration.opportunityId}`,
        sk: 'APPROVED-REGISTRATION',
        entity: 'opportunity-guard',
        registrationId: registration.id,
        partnerId: registration.partnerId,
        approvedAt: registration.approvedAt,
      },
    });

    // 1. One registration through the store's own code: submitted, then the ASM's approval.
    const template = approvedRegistration(0, 'EMEA', new Date(now.getTime() - 10 * DAY_MS));
    const { approvedAt, expiresAt, decidedAt, ...submitted } = template;
    const opened: DealRegistration = { ...submitted, status: 'Pending ASM Review', version: 1, updatedAt: submitted.submittedAt };
    await transact([
      opportunities.putItem({ id: template.opportunityId!, accountId: template.accountId!, accountName: template.customer.companyName, name: 'Bench opportunity', stage: 'Qualification', partnerSourced: false, source: 'Sales', createdAt: opened.submittedAt, version: 1 }),
      ...registrations.createItems(
        opened,
        { normalizedName: normalizedCompany(opened.customer.companyName), domain: emailDomain(opened.customer.contactEmail) },
        { at: opened.submittedAt, by: systemActor('bench'), action: 'submitted', to: 'Submitted' },
        [],
      ),
    ]);
    await transact([
      registrations.transitionItem(opened, 'Pending ASM Review', 'Approved', approvedAt!, { approvedAt: approvedAt!, expiresAt: expiresAt!, decidedAt: decidedAt! }),
      ...opportunities.approvedItems(template.opportunityId!, { registrationId: template.id, partnerId: template.partnerId, approvedAt: approvedAt! }, false),
      registrations.dueItem(template.id, registrations.EXPIRY_DUE, expiryReminderAt(expiresAt!), { step: 'remind', expiresAt }),
    ]);
    const read = async (key: { pk: string; sk: string }) => (await db().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    const built = itemsOf(template, expiryReminderAt(expiresAt!), 'remind');
    assertSameItem('registration', await read({ pk: registrations.partitionOf(template.id), sk: 'DR' }), built.registration);
    assertSameItem('expiry due item', await read({ pk: registrations.partitionOf(template.id), sk: `DUE#${registrations.EXPIRY_DUE}` }), built.due);
    assertSameItem('opportunity guard', await read({ pk: `OPP#${template.opportunityId}`, sk: 'APPROVED-REGISTRATION' }), built.guard);

    // 2. The others. Not due: approved 1 to 75 days ago (reminder still ahead), or reminded already and
    //    expiring 1 to 13 days from now. Due for the reminder: approved 76 to 89 days ago, not reminded.
    //    Due for expiry: reminded, approved 90 to 95 days ago.
    const items: Item[] = [];
    const add = (registration: DealRegistration, dueAt: string, step: 'remind' | 'expire') => {
      const { registration: item, due, guard } = itemsOf(registration, dueAt, step);
      items.push(item, due, guard);
    };
    const approvedDaysAgo = (days: number, index: number) => new Date(now.getTime() - days * DAY_MS - (index % 600) * 60_000);
    for (let index = 1; index < NOT_DUE; index += 1) {
      const region = regionList[index % regionList.length]!;
      const reminded = index % 5 === 0;
      const registration = approvedRegistration(index, region, approvedDaysAgo(reminded ? 77 + (index % 13) : 1 + (index % 74), index));
      const dueAt = reminded ? registration.expiresAt! : expiryReminderAt(registration.expiresAt!);
      if (Date.parse(dueAt) <= now.getTime() + 3_600_000) throw new Error(`A not-due registration would be due within the hour: ${dueAt}`);
      add(registration, dueAt, reminded ? 'expire' : 'remind');
    }
    const remindIds: string[] = [];
    const expireIds: string[] = [];
    for (let index = 0; index < DUE_FOR_REMINDER + DUE_FOR_EXPIRY; index += 1) {
      const region = regionList[index % regionList.length]!;
      const forReminder = index < DUE_FOR_REMINDER;
      const registration = approvedRegistration(NOT_DUE + index, region, approvedDaysAgo(forReminder ? 76 + (index % 13) : 90 + (index % 6), index + 1));
      const dueAt = forReminder ? expiryReminderAt(registration.expiresAt!) : registration.expiresAt!;
      if (Date.parse(dueAt) > now.getTime()) throw new Error(`A due registration is not due: ${dueAt}`);
      (forReminder ? remindIds : expireIds).push(registration.id);
      add(registration, dueAt, forReminder ? 'remind' : 'expire');
    }
    shuffle(items);
    const writeSeconds = await writeItems(items);
    const due = DUE_FOR_REMINDER + DUE_FOR_EXPIRY;
    progress(`expiry-sweep: ${items.length} items (${NOT_DUE + due - 1} registrations besides the store's own) written in ${writeSeconds} s`);

    const inIndex = await countDue(registrations.EXPIRY_DUE, '9999');
    const dueBefore = await countDue(registrations.EXPIRY_DUE, at);
    if (inIndex !== NOT_DUE + due || dueBefore !== due) throw new Error(`The due index holds ${inIndex} expiry items, ${dueBefore} due now; expected ${NOT_DUE + due}, ${due}`);

    // 3. The real sweep, twice, counted on the product's own clients.
    const runSweep = await sweepRunner(registrations.EXPIRY_DUE);
    const first = await runSweep('First sweep', due);

    // 4. What it left: reminded registrations still Approved with their due item at the expiry date;
    //    expired ones Expired with their opportunity released.
    const batchGet = async (keys: { pk: string; sk: string }[]) => {
      const found: Item[] = [];
      for (let start = 0; start < keys.length; start += 100) {
        const result = await db().send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys.slice(start, start + 100), ConsistentRead: true } } }));
        found.push(...(result.Responses?.[tableName] ?? []));
      }
      return found;
    };
    const remindedDue = await batchGet(remindIds.map((id) => ({ pk: registrations.partitionOf(id), sk: `DUE#${registrations.EXPIRY_DUE}` })));
    const remindedRegistrations = await batchGet(remindIds.map((id) => ({ pk: registrations.partitionOf(id), sk: 'DR' })));
    const remindedAndWaiting = remindedDue.filter(
      (item) => item.step === 'expire' && item.dueAt === item.expiresAt && String(item.dueAt) > at && remindedRegistrations.some((r) => r.id === item.registrationId && r.status === 'Approved'),
    ).length;
    const expiredRegistrations = await batchGet(expireIds.map((id) => ({ pk: registrations.partitionOf(id), sk: 'DR' })));
    const expired = expiredRegistrations.filter((item) => item.status === 'Expired').length;
    const guardsLeft = await batchGet(expiredRegistrations.map((item) => ({ pk: `OPP#${String(item.opportunityId)}`, sk: 'APPROVED-REGISTRATION' })));
    const dueAfterFirst = await countDue(registrations.EXPIRY_DUE, clock.now().toISOString());
    const second = await runSweep('Second sweep', 0);

    const results: ExpirySweepResults = {
      targets: { readRatio: TARGET_READ_RATIO, scans: TARGET_SCANS },
      dataset: { notDue: NOT_DUE, dueForReminder: DUE_FOR_REMINDER, dueForExpiry: DUE_FOR_EXPIRY, regions: regionList, writeSeconds, expiryItemsInIndex: inIndex, dueBefore },
      runs: [first, second],
      checks: {
        remindedAndWaiting,
        expired,
        guardsReleased: expiredRegistrations.length - guardsLeft.length,
        dueAfterFirstSweep: dueAfterFirst,
        emailsCaptured: await bench.emailsCaptured(),
      },
    };
    writeResults('expiry-sweep', results);
  } finally {
    await bench.stop();
  }
};

await main();
