import { formatUsd, percentOf, type Cents } from './money.ts';
import type { Region } from './regions.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/**
 * Each region has a quarterly MDF budget (decision). Final approval reserves the
 * amount; a denied or canceled request releases it; an approved claim consumes what
 * was claimed and releases the rest. `available` never goes below zero.
 */
export interface Budget {
  region: Region;
  /** `YYYY-Qn`, calendar quarters. */
  quarter: string;
  totalCents: Cents;
  reservedCents: Cents;
  consumedCents: Cents;
  /** total − reserved − consumed, kept as its own figure so a conditional write can guard it. */
  availableCents: Cents;
  /** 5 % of the total: the most that activities outside the target markets may draw. */
  flexiLimitCents: Cents;
  /** Reserved plus consumed by flexi activities. */
  flexiUsedCents: Cents;
  /** ISO country codes of the region's target markets; activities elsewhere draw on the flexi budget. */
  targetMarkets: string[];
  version: number;
  updatedAt: string;
}

export const FLEXI_PERCENT = 5;

export const flexiLimitOf = (totalCents: Cents): Cents => percentOf(totalCents, FLEXI_PERCENT);

export const drawsOnFlexi = (budget: Pick<Budget, 'targetMarkets'>, activityCountry: string): boolean =>
  !budget.targetMarkets.includes(activityCountry);

export const flexiRemaining = (budget: Budget): Cents => Math.max(0, budget.flexiLimitCents - budget.flexiUsedCents);

const label = (budget: Pick<Budget, 'region' | 'quarter'>) => `${budget.region} ${budget.quarter}`;

/** Whether `amount` fits: the refusal names the remaining figure. */
export const checkReservation = (budget: Budget, amount: Cents, flexi: boolean): Verdict<void> => {
  if (amount > budget.availableCents) {
    return refuse(
      'budget.no-overdraw',
      `The ${label(budget)} MDF budget has ${formatUsd(budget.availableCents)} left; this request needs ${formatUsd(amount)}.`,
      { remainingCents: budget.availableCents },
    );
  }
  if (flexi && amount > flexiRemaining(budget)) {
    return refuse(
      'budget.flexi-limit',
      `The ${label(budget)} flexi budget (${FLEXI_PERCENT} % of the quarter) has ${formatUsd(flexiRemaining(budget))} left; this request needs ${formatUsd(amount)}.`,
      { remainingCents: flexiRemaining(budget) },
    );
  }
  return accept(undefined);
};

/** A new total keeps everything already reserved or consumed, and the flexi draw within 5 %. */
export const checkNewTotal = (budget: Budget, totalCents: Cents): Verdict<{ availableDelta: Cents; flexiLimitCents: Cents }> => {
  const committed = budget.reservedCents + budget.consumedCents;
  if (totalCents < committed) {
    return refuse(
      'budget.total-below-committed',
      `The ${label(budget)} budget already has ${formatUsd(committed)} reserved or consumed; the total cannot be less.`,
      { committedCents: committed },
    );
  }
  const flexiLimitCents = flexiLimitOf(totalCents);
  if (flexiLimitCents < budget.flexiUsedCents) {
    return refuse(
      'budget.flexi-below-used',
      `Flexi activities already draw ${formatUsd(budget.flexiUsedCents)}; ${FLEXI_PERCENT} % of ${formatUsd(totalCents)} is less.`,
      { flexiUsedCents: budget.flexiUsedCents },
    );
  }
  return accept({ availableDelta: totalCents - budget.totalCents, flexiLimitCents });
};
