import { describe, expect, it } from 'vitest';
import { activeDelegation, backupOf, checkDelegation, isDelegationActive, type Delegation, type User } from '#domain/people';

/** Dana (CMM, AMER) names a backup for her PTO. */
const delegation = (from: string, to: string, backupId = 'u-sam', id = `dlg-${from}`): Delegation => ({
  id,
  approverId: 'u-dana',
  backupId,
  from,
  to,
  createdAt: '2026-11-01T09:00:00.000Z',
  createdBy: 'u-dana',
});

const approver = (managerId?: string): User => ({
  id: 'u-dana',
  email: 'dana.smith@example.com',
  name: 'Dana Smith',
  privileges: [],
  roles: ['cmm'],
  ...(managerId ? { managerId } : {}),
  active: true,
  version: 1,
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
});

describe('a delegation is in force from its first to its last day, inclusive', () => {
  const christmasPto = delegation('2026-12-21', '2026-12-31');

  it.each([
    { today: '2026-12-20', active: false, what: 'the day before it starts' },
    { today: '2026-12-21', active: true, what: 'its first day' },
    { today: '2026-12-24', active: true, what: 'a day in between' },
    { today: '2026-12-31', active: true, what: 'its last day' },
    { today: '2027-01-01', active: false, what: 'the day after it ends' },
  ])('on $what ($today) it is in force: $active', ({ today, active }) => {
    expect(isDelegationActive(christmasPto, today)).toBe(active);
  });
});

describe('the delegation in force today', () => {
  it('when two delegations overlap, the one that started last wins', () => {
    // Prepare
    const longLeave = delegation('2026-12-01', '2026-12-31', 'u-sam');
    const laterChange = delegation('2026-12-15', '2026-12-20', 'u-lee');

    // Act
    const inForce = activeDelegation([laterChange, longLeave], '2026-12-16');

    // Assess
    expect(inForce?.backupId).toBe('u-lee');
  });

  it('a delegation that has ended is not in force', () => {
    expect(activeDelegation([delegation('2026-11-01', '2026-11-10')], '2026-11-11')).toBeUndefined();
  });

  it('with no delegations, none is in force', () => {
    expect(activeDelegation([], '2026-11-11')).toBeUndefined();
  });
});

describe("an approver's backup", () => {
  it('the backup named by a delegation in force wins over the manager', () => {
    // Prepare
    const delegations = [delegation('2026-12-21', '2026-12-31', 'u-sam')];

    // Act
    const backup = backupOf(approver('u-maria'), delegations, '2026-12-22');

    // Assess
    expect(backup).toBe('u-sam');
  });

  it('without a delegation in force, the manager is the backup', () => {
    // Prepare
    const delegations = [delegation('2026-12-21', '2026-12-31', 'u-sam')];

    // Act
    const backup = backupOf(approver('u-maria'), delegations, '2027-01-04');

    // Assess
    expect(backup).toBe('u-maria');
  });

  it('an approver with neither a delegation nor a manager has no backup', () => {
    expect(backupOf(approver(), [], '2026-12-22')).toBeUndefined();
  });
});

describe('naming a backup', () => {
  const today = '2026-11-25';

  it.each([
    {
      what: 'an approver cannot be their own backup',
      input: { approverId: 'u-dana', backupId: 'u-dana', from: '2026-12-21', to: '2026-12-31' },
      rule: 'delegation.backup-is-someone-else',
    },
    {
      what: 'a delegation cannot end before it starts',
      input: { approverId: 'u-dana', backupId: 'u-sam', from: '2026-12-31', to: '2026-12-21' },
      rule: 'delegation.end-not-before-start',
    },
    {
      what: 'a delegation that ended before today is refused',
      input: { approverId: 'u-dana', backupId: 'u-sam', from: '2026-11-01', to: '2026-11-24' },
      rule: 'delegation.not-in-the-past',
    },
  ])('$what ($rule)', ({ input, rule }) => {
    // Act
    const verdict = checkDelegation(input, today);

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule });
  });

  it.each([
    { what: 'a future absence', input: { approverId: 'u-dana', backupId: 'u-sam', from: '2026-12-21', to: '2026-12-31' } },
    { what: 'a single day', input: { approverId: 'u-dana', backupId: 'u-sam', from: '2026-12-21', to: '2026-12-21' } },
    { what: 'an absence that ends today', input: { approverId: 'u-dana', backupId: 'u-sam', from: '2026-11-20', to: '2026-11-25' } },
  ])('$what is accepted', ({ input }) => {
    expect(checkDelegation(input, today)).toEqual({ ok: true, value: undefined });
  });

  it('the refusal for a past delegation names its end and today', () => {
    // Act
    const verdict = checkDelegation({ approverId: 'u-dana', backupId: 'u-sam', from: '2026-11-01', to: '2026-11-24' }, today);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'delegation.not-in-the-past',
      message: 'The delegation ended on 2026-11-24, before today (2026-11-25).',
    });
  });
});
