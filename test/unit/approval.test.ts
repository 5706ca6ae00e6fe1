import { describe, expect, it } from 'vitest';
import {
  checkDecision,
  describeClosedApproval,
  levelSlaDueAt,
  linkState,
  type Approval,
  type LinkRecord,
} from '#domain/approval';
import type { RegionCalendar } from '#domain/calendar';

const amer: RegionCalendar = { timeZone: 'America/New_York', holidays: new Set(['2026-11-26']) };

/** Level 1 of an MDF request, waiting for Dana Smith (CMM, AMER). */
const approval = (overrides: Partial<Approval> = {}): Approval => ({
  id: 'apv-1',
  subjectKind: 'mdf-request',
  subjectId: 'mdf-1',
  level: 'cmm',
  role: 'cmm',
  scope: 'AMER',
  approverId: 'u-dana',
  approverName: 'Dana Smith',
  linkHolders: ['u-dana'],
  status: 'Pending',
  openedAt: '2026-11-20T15:00:00.000Z',
  slaDueAt: '2026-11-24T15:00:00.000Z',
  expiresAt: '2026-12-04T15:00:00.000Z',
  ...overrides,
});

const link = (overrides: Partial<LinkRecord> = {}): LinkRecord => ({
  approvalId: 'apv-1',
  holderId: 'u-dana',
  expiresAt: '2026-12-04T15:00:00.000Z',
  ...overrides,
});

describe('a decision from an approval link', () => {
  it.each([
    { what: 'a deny without a reason is refused', decision: 'deny' as const, reason: undefined },
    { what: 'a deny with an empty reason is refused', decision: 'deny' as const, reason: '' },
    { what: 'a deny with only spaces and new lines is refused', decision: 'deny' as const, reason: '  \n\t ' },
  ])('$what (approval.deny-needs-reason)', ({ decision, reason }) => {
    // Act
    const verdict = checkDecision(decision, reason);

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule: 'approval.deny-needs-reason' });
  });

  it('a deny keeps its reason, without surrounding spaces', () => {
    expect(checkDecision('deny', '  Event is outside the fiscal plan.  ')).toEqual({
      ok: true,
      value: { decision: 'deny', reason: 'Event is outside the fiscal plan.' },
    });
  });

  it('an approval needs no note', () => {
    expect(checkDecision('approve', undefined)).toEqual({ ok: true, value: { decision: 'approve' } });
  });

  it('an approval with a blank note carries no note', () => {
    expect(checkDecision('approve', '   ')).toEqual({ ok: true, value: { decision: 'approve' } });
  });

  it('an approval keeps its note, trimmed', () => {
    expect(checkDecision('approve', ' Good fit for Q4. ')).toEqual({ ok: true, value: { decision: 'approve', reason: 'Good fit for Q4.' } });
  });

  it.each([
    { what: 'a reason of exactly 2000 characters is accepted', reason: 'x'.repeat(2000), ok: true },
    { what: 'a reason of 2000 characters with spaces around it is accepted', reason: `  ${'x'.repeat(2000)}  `, ok: true },
    { what: 'a reason of 2001 characters is refused (approval.reason-length)', reason: 'x'.repeat(2001), ok: false },
  ])('$what', ({ reason, ok }) => {
    // Act
    const verdict = checkDecision('deny', reason);

    // Assess
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.rule).toBe('approval.reason-length');
  });
});

describe('what an approval link may do now', () => {
  const now = new Date('2026-11-23T15:00:00.000Z');

  it.each<{ what: string; link: LinkRecord | undefined; approval: Approval | undefined; requested: string; at?: Date }>([
    { what: 'a link that does not exist', link: undefined, approval: approval(), requested: 'apv-1' },
    { what: 'a link whose approval does not exist', link: link(), approval: undefined, requested: 'apv-1' },
    { what: 'a link bound to another approval', link: link({ approvalId: 'apv-2' }), approval: approval(), requested: 'apv-1' },
    { what: 'a link whose approval record is another one', link: link(), approval: approval({ id: 'apv-2' }), requested: 'apv-1' },
    { what: 'a link held by someone who is not among the link holders', link: link({ holderId: 'u-eve' }), approval: approval(), requested: 'apv-1' },
    { what: 'an expired link', link: link({ expiresAt: '2026-11-23T14:59:59.000Z' }), approval: approval(), requested: 'apv-1' },
    { what: 'a link at the very instant it expires', link: link({ expiresAt: '2026-11-23T15:00:00.000Z' }), approval: approval(), requested: 'apv-1' },
    {
      what: 'a link to an approval already decided, held by a stranger',
      link: link({ holderId: 'u-eve' }),
      approval: approval({ status: 'Approved' }),
      requested: 'apv-1',
    },
  ])('$what is invalid', ({ link: record, approval: stored, requested }) => {
    // Act
    const state = linkState(record, stored, requested, now);

    // Assess
    expect(state).toEqual({ kind: 'invalid' });
  });

  it.each([
    { status: 'Approved' as const },
    { status: 'Denied' as const },
    { status: 'Canceled' as const },
    { status: 'Expired' as const },
  ])('a link to an approval that is $status is closed', ({ status }) => {
    // Prepare
    const decided = approval({ status });

    // Act
    const state = linkState(link(), decided, 'apv-1', now);

    // Assess
    expect(state).toEqual({ kind: 'closed', approval: decided });
  });

  it('a link to a decided approval is closed even after the link expired, so the approver learns who decided', () => {
    // Prepare
    const decided = approval({ status: 'Denied' });

    // Act
    const state = linkState(link({ expiresAt: '2026-11-22T15:00:00.000Z' }), decided, 'apv-1', now);

    // Assess
    expect(state).toEqual({ kind: 'closed', approval: decided });
  });

  it("the approver's link to a pending approval is open", () => {
    // Prepare
    const pending = approval();

    // Act
    const state = linkState(link(), pending, 'apv-1', now);

    // Assess
    expect(state).toEqual({ kind: 'open', approval: pending });
  });

  it('the backup’s link is open once the backup is among the link holders', () => {
    // Prepare
    const escalated = approval({ linkHolders: ['u-dana', 'u-sam'], escalatedAt: '2026-11-24T15:00:00.000Z' });

    // Act
    const state = linkState(link({ holderId: 'u-sam' }), escalated, 'apv-1', now);

    // Assess
    expect(state).toEqual({ kind: 'open', approval: escalated });
  });
});

describe('what an approver sees on a link that was already used', () => {
  it.each<{ what: string; approval: Approval; text: string }>([
    {
      what: 'approved by the approver',
      approval: approval({ status: 'Approved', decidedAt: '2026-11-25T14:03:27.000Z', decidedBy: { id: 'u-dana', name: 'Dana Smith' } }),
      text: 'This was already approved by Dana Smith on 2026-11-25 14:03 UTC.',
    },
    {
      what: 'denied by the backup on behalf of the approver',
      approval: approval({
        status: 'Denied',
        decidedAt: '2026-11-25T14:03:27.000Z',
        decidedBy: { id: 'u-sam', name: 'Sam Lee', onBehalfOf: { id: 'u-dana', name: 'Dana Smith' } },
      }),
      text: 'This was already denied by Sam Lee (for Dana Smith) on 2026-11-25 14:03 UTC.',
    },
    {
      what: 'approved, without a record of who decided',
      approval: approval({ status: 'Approved', decidedAt: '2026-11-25T14:03:27.000Z' }),
      text: 'This was already approved by someone on 2026-11-25 14:03 UTC.',
    },
    {
      what: 'the request was canceled',
      approval: approval({ status: 'Canceled', decidedAt: '2026-11-24T09:30:00.000Z' }),
      text: 'This request was canceled on 2026-11-24 09:30 UTC; there is nothing left to decide.',
    },
    {
      what: 'the level was not decided in time',
      approval: approval({ status: 'Expired', decidedAt: '2026-12-04T15:00:00.000Z' }),
      text: 'This level was not decided in time and closed on 2026-12-04 15:00 UTC.',
    },
    {
      what: 'still pending',
      approval: approval(),
      text: 'This is still waiting for a decision.',
    },
  ])('$what', ({ approval: used, text }) => {
    expect(describeClosedApproval(used)).toBe(text);
  });
});

describe('each approval level has two business days', () => {
  it.each([
    {
      what: 'a level opened on Friday 10:00 is due on Tuesday 10:00',
      openedAt: '2026-11-20T15:00:00Z',
      due: '2026-11-24T15:00:00.000Z',
    },
    {
      what: 'a level opened the day before Thanksgiving is due on the following Monday',
      openedAt: '2026-11-25T15:00:00Z',
      due: '2026-11-30T15:00:00.000Z',
    },
  ])('$what', ({ openedAt, due }) => {
    expect(levelSlaDueAt(new Date(openedAt), amer).toISOString()).toBe(due);
  });
});
