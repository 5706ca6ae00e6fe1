import { flexiRemaining, type Budget } from '#domain/budget';

/** A regional quarterly budget as the API shows it. */
export const budgetView = (budget: Budget) => ({
  region: budget.region,
  quarter: budget.quarter,
  totalCents: budget.totalCents,
  reservedCents: budget.reservedCents,
  consumedCents: budget.consumedCents,
  availableCents: budget.availableCents,
  flexiLimitCents: budget.flexiLimitCents,
  flexiUsedCents: budget.flexiUsedCents,
  flexiAvailableCents: flexiRemaining(budget),
  targetMarkets: budget.targetMarkets,
  updatedAt: budget.updatedAt,
});
