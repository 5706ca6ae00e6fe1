import { describe, expect, it } from 'vitest';
import {
  addDays,
  call,
  decideByEmail,
  emailsTo,
  isoDay,
  linkIn,
  noticeOf,
  now,
  people,
  postDecision,
  quarterOf,
  readRequest,
  runSweep,
  submitRequest,
  waitForEmail,
  waitForStatus,
} from './support.ts';

/**
 * What happens as time passes (the stack's clock is moved forward, as the
 * program team would wait) and when the CMM cancels. The clock only moves
 * forward, so every test works from the stack's own "now".
 */
const pendingEntry = async (approver: string, requestId: string) => {
  const inbox = await call('GET', '/approvals?limit=100', { as: approver });
  const entry = inbox.body.items.find((item: { subjectId: string }) => item.subjectId === requestId);
  if (!entry) throw new Error(`No pending approval of ${requestId} for ${approver}`);
  return entry as { approvalId: string; slaDueAt: string; expiresAt: string };
};

const moveClockTo = async (instant: string) => (await call('POST', '/_local/clock', { body: { to: instant } })).body;

describe('deadlines', () => {
  it('after two business days the approver is reminded and the backup gets a link of their own, exactly once', async () => {
    // Prepare
    const request = await submitRequest();
    await waitForEmail(people.cmmEmea, request.activityName);
    const { slaDueAt } = await pendingEntry(people.cmmEmea, request.id);

    // Act: the clock passes the level's due time (the move runs the sweep), then the sweep runs twice more
    await moveClockTo(new Date(Date.parse(slaDueAt) + 60_000).toISOString());
    await runSweep();
    await runSweep();

    // Assess: one reminder with a fresh link, one request to the CMM's manager (the EMEA marketing lead) as backup
    const reminder = await waitForEmail(people.cmmEmea, `Overdue: MDF request "${request.activityName}"`);
    expect(reminder.body.text).toContain('It has also gone to your backup, EMEA Marketing Lead');
    const backupAsk = await waitForEmail(people.leadEmea, `"${request.activityName}"`);
    expect(backupAsk.body.text).toContain('The decision of EMEA CMM is overdue; as their backup you can decide in their place.');
    expect(await emailsTo(people.cmmEmea, `Overdue: MDF request "${request.activityName}"`)).toHaveLength(1);
    expect(await emailsTo(people.leadEmea, `"${request.activityName}"`)).toHaveLength(1);

    // And the backup decides in the approver's place
    const decided = await postDecision(linkIn(backupAsk), 'approve');
    expect(decided.status).toBe(200);
    const after = await readRequest(request.id, people.admin);
    expect(after.history.find((event: { action: string }) => event.action === 'escalated')).toBeTruthy();
    expect(after.history.find((event: { action: string }) => event.action === 'level-approved').by).toBe('EMEA Marketing Lead (for EMEA CMM)');
    expect(after.progress.levels[0]).toMatchObject({ status: 'Approved', decidedBy: 'EMEA Marketing Lead' });
    // The CMM's own (now stale) link says who decided.
    const late = await postDecision(linkIn(reminder), 'approve');
    expect(late.status).toBe(409);
    expect(noticeOf(late.html)).toMatch(/^This was already approved by EMEA Marketing Lead \(for EMEA CMM\) on /);
  });

  it('while a delegation is in force the backup gets a link from the start and can decide', async () => {
    // Prepare: the AMER CMM is away (since yesterday, whatever the time zone) for ten days and names Bea Backup
    const today = await now();
    const delegation = await call('POST', '/delegations', {
      as: people.admin,
      body: { approverId: 'usr_cmm_amer', backupId: 'usr_backup_apac', from: isoDay(addDays(today, -1)), to: isoDay(addDays(today, 10)) },
    });
    expect(delegation.status).toBe(201);

    try {
      // Act: Alice plans an activity in the US (approved in AMER)
      const request = await submitRequest(people.alice, { country: 'US', region: 'AMER' });
      const toApprover = await waitForEmail(people.cmmAmer, request.activityName);
      const toBackup = await waitForEmail('backup.apac@channel.example', request.activityName);
      const decided = await postDecision(linkIn(toBackup), 'approve');

      // Assess
      expect(toApprover.subject).toContain(request.activityName);
      expect(toBackup.body.text).toContain('You receive this as backup for AMER CMM, who named you while away.');
      expect(decided.status).toBe(200);
      const after = await readRequest(request.id, people.admin);
      expect(after.progress.levels[0]).toMatchObject({ status: 'Approved', decidedBy: 'Bea Backup' });
    } finally {
      await call('DELETE', `/delegations/${delegation.body.id}`, { as: people.admin });
    }
  });
});

describe('cancellation by the CMM', () => {
  it('canceling during approval closes the level, stops the workflow and tells the partner why', async () => {
    // Prepare
    const request = await submitRequest();
    const cmmEmail = await waitForEmail(people.cmmEmea, request.activityName);

    // Act
    const canceled = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: { reason: 'The partner withdrew from the event.' } });

    // Assess
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('Canceled');
    const email = await waitForEmail(people.alice, `Canceled: your MDF request "${request.activityName}"`);
    expect(email.body.text).toContain('The partner withdrew from the event.');
    const page = await postDecision(linkIn(cmmEmail), 'approve');
    expect(page.status).toBe(409);
    expect(noticeOf(page.html)).toMatch(/^This request was canceled on /);
    const executions = (await call('GET', '/_local/executions')).body as { name: string; status: string }[];
    expect(executions.find((execution) => execution.name === request.id)?.status).toBe('ABORTED');
  });

  it('canceling an approved request gives its reservation back to the budget', async () => {
    // Prepare
    const request = await submitRequest(people.alice, { amountRequestedCents: 300_000 });
    for (const approver of [people.cmmEmea, people.leadEmea, people.ppmEmea]) await decideByEmail(approver, `"${request.activityName}"`, 'approve');
    await waitForStatus(request.id, 'Approved');
    const quarter = quarterOf(String(request.startDate));
    const before = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarter}`, { as: people.admin })).body.items[0];

    // Act
    const canceled = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: { reason: 'Event postponed to next year.' } });

    // Assess
    expect(canceled.status).toBe(200);
    const after = (await call('GET', `/mdf/budgets?region=EMEA&quarter=${quarter}`, { as: people.admin })).body.items[0];
    expect(before.reservedCents - after.reservedCents).toBe(300_000);
    expect(after.availableCents - before.availableCents).toBe(300_000);
    expect((await readRequest(request.id)).status).toBe('Canceled');
  });

  it('only the CMM of the request’s region may cancel, and only an Open or Approved request', async () => {
    // Prepare
    const request = await submitRequest();
    await waitForEmail(people.cmmEmea, request.activityName);

    // Act
    const otherRegion = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmAmer, body: { reason: 'x' } });
    const byPartner = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.alice, body: { reason: 'x' } });
    const noReason = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: {} });
    await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: { reason: 'First cancel' } });
    const twice = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.cmmEmea, body: { reason: 'Second cancel' } });

    // Assess
    expect(otherRegion.status).toBe(403);
    expect(byPartner.status).toBe(403);
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    expect(twice.status).toBe(409);
    expect(twice.body.rule).toBe('mdf.cancel-only-open-or-approved');
    expect((await emailsTo(people.alice, `Canceled: your MDF request "${request.activityName}"`)).length).toBe(1);
  });
});

describe('the hard timeout', () => {
  it('a level not decided within the hard timeout ends the request as Denied, not decided in time, and the partner is told', async () => {
    // Prepare
    const request = await submitRequest();
    const cmmEmail = await waitForEmail(people.cmmEmea, request.activityName);
    const { expiresAt } = await pendingEntry(people.cmmEmea, request.id);

    // Act: time passes beyond the wait's 30-day ceiling
    await moveClockTo(new Date(Date.parse(expiresAt) + 60_000).toISOString());

    // Assess
    const denied = await waitForStatus(request.id, 'Denied');
    expect(denied.outcomeReason).toMatch(/^Not decided in time/);
    expect(denied.progress.levels[0].status).toBe('Expired');
    const email = await waitForEmail(people.alice, `Not decided in time: your MDF request "${request.activityName}"`);
    expect(email.body.text).toContain('was not decided in time');
    const late = await fetch(linkIn(cmmEmail));
    expect(late.status).toBe(200);
    expect(await late.text()).toContain('This level was not decided in time and closed');
  });
});
