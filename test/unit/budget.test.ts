import { describe, expect, it } from 'vitest';
import { checkNewTotal, checkReservation, drawsOnFlexi, flexiLimitOf, type Budget } from '#domain/budget';

/** AMER's budget for 2026-Q4: $100,000, target markets US and Canada. */
const budget = (figures: Partial<Pick<Budget, 'totalCents' | 'reservedCents' | 'consumedCents' | 'flexiUsedCents'>> = {}): Budget => {
  const totalCents = figures.totalCents ?? 10_000_000;
  const reservedCents = figures.reservedCents ?? 0;
  const consumedCents = figures.consumedCents ?? 0;
  return {
    region: 'AMER',
    quarter: '2026-Q4',
    totalCents,
    reservedCents,
    consumedCents,
    availableCents: totalCents - reservedCents - consumedCents,
    flexiLimitCents: flexiLimitOf(totalCents),
    flexiUsedCents: figures.flexiUsedCents ?? 0,
    targetMarkets: ['US', 'CA'],
    version: 1,
    updatedAt: '2026-10-01T09:00:00.000Z',
  };
};

describe('reserving an approved amount from the quarterly budget', () => {
  // $2,500.00 left: $100,000 total, $95,000 reserved, $2,500 consumed.
  const nearlySpent = budget({ reservedCents: 9_500_000, consumedCents: 250_000 });

  it('an amount that exactly fits what is left is accepted', () => {
    expect(checkReservation(nearlySpent, 250_000, false)).toEqual({ ok: true, value: undefined });
  });

  it('an amount one cent over what is left is refused, naming the remaining figure (budget.no-overdraw)', () => {
    // Act
    const verdict = checkReservation(nearlySpent, 250_001, false);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'budget.no-overdraw',
      message: 'The AMER 2026-Q4 MDF budget has $2,500.00 left; this request needs $2,500.01.',
      details: { remainingCents: 250_000 },
    });
  });

  it('an empty budget refuses any amount, saying $0.00 is left (budget.no-overdraw)', () => {
    // Act
    const verdict = checkReservation(budget({ reservedCents: 10_000_000 }), 100_000, false);

    // Assess
    expect(verdict).toMatchObject({ ok: false, rule: 'budget.no-overdraw', details: { remainingCents: 0 } });
    if (!verdict.ok) expect(verdict.message).toContain('has $0.00 left');
  });

  describe('activities outside the target markets draw on the 5 % flexi budget', () => {
    // Flexi limit $5,000.00, of which $4,000.00 used: $1,000.00 left.
    const flexiMostlyUsed = budget({ reservedCents: 400_000, flexiUsedCents: 400_000 });

    it('a flexi amount that exactly fits the flexi budget left is accepted', () => {
      expect(checkReservation(flexiMostlyUsed, 100_000, true)).toEqual({ ok: true, value: undefined });
    });

    it('a flexi amount one cent over the flexi budget left is refused, naming the flexi remaining (budget.flexi-limit)', () => {
      // Act
      const verdict = checkReservation(flexiMostlyUsed, 100_001, true);

      // Assess
      expect(verdict).toEqual({
        ok: false,
        rule: 'budget.flexi-limit',
        message: 'The AMER 2026-Q4 flexi budget (5 % of the quarter) has $1,000.00 left; this request needs $1,000.01.',
        details: { remainingCents: 100_000 },
      });
    });

    it('the same amount in a target market is not limited by the flexi budget', () => {
      expect(checkReservation(flexiMostlyUsed, 100_001, false)).toEqual({ ok: true, value: undefined });
    });
  });
});

describe('the flexi budget is 5 % of the quarterly total, rounded down', () => {
  it.each([
    { totalCents: 10_000_000, limit: 500_000 },
    { totalCents: 1_999, limit: 99 },
    { totalCents: 1_000_001, limit: 50_000 },
    { totalCents: 19, limit: 0 },
    { totalCents: 0, limit: 0 },
  ])('5 % of $totalCents cents is $limit cents', ({ totalCents, limit }) => {
    expect(flexiLimitOf(totalCents)).toBe(limit);
  });
});

describe('which activities draw on the flexi budget', () => {
  it.each([
    { country: 'US', flexi: false, what: 'a target market' },
    { country: 'CA', flexi: false, what: 'another target market' },
    { country: 'MX', flexi: true, what: 'a country of the region outside its target markets' },
    { country: 'BR', flexi: true, what: 'another country outside the target markets' },
  ])('an activity in $country ($what) draws on flexi: $flexi', ({ country, flexi }) => {
    expect(drawsOnFlexi(budget(), country)).toBe(flexi);
  });
});

describe('changing a quarterly budget total', () => {
  // $30,000 reserved and $10,000 consumed; flexi activities draw $1,500.
  const inUse = budget({ reservedCents: 3_000_000, consumedCents: 1_000_000, flexiUsedCents: 150_000 });

  it('raising the total makes the difference available and raises the flexi limit', () => {
    expect(checkNewTotal(inUse, 12_000_000)).toEqual({ ok: true, value: { availableDelta: 2_000_000, flexiLimitCents: 600_000 } });
  });

  it('lowering the total to exactly what is reserved and consumed is accepted', () => {
    expect(checkNewTotal(inUse, 4_000_000)).toEqual({ ok: true, value: { availableDelta: -6_000_000, flexiLimitCents: 200_000 } });
  });

  it('a total one cent below what is reserved and consumed is refused (budget.total-below-committed)', () => {
    // Act
    const verdict = checkNewTotal(inUse, 3_999_999);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      rule: 'budget.total-below-committed',
      message: 'The AMER 2026-Q4 budget already has $40,000.00 reserved or consumed; the total cannot be less.',
      details: { committedCents: 4_000_000 },
    });
  });

  describe('the flexi limit of the new total must cover what flexi activities already draw', () => {
    const flexiInUse = budget({ reservedCents: 300_000, flexiUsedCents: 300_000 });

    it('a total whose 5 % equals the flexi draw is accepted', () => {
      expect(checkNewTotal(flexiInUse, 6_000_000)).toEqual({ ok: true, value: { availableDelta: -4_000_000, flexiLimitCents: 300_000 } });
    });

    it('a total whose 5 % is a cent under the flexi draw is refused (budget.flexi-below-used)', () => {
      // Act
      const verdict = checkNewTotal(flexiInUse, 5_999_999);

      // Assess
      expect(verdict).toEqual({
        ok: false,
        rule: 'budget.flexi-below-used',
        message: 'Flexi activities already draw $3,000.00; 5 % of $59,999.99 is less.',
        details: { flexiUsedCents: 300_000 },
      });
    });
  });
});
