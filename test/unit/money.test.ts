import { describe, expect, it } from 'vitest';
import { formatUsd, isAtMostPercentOf, isCents, percentOf } from '#domain/money';

describe('money is shown to partners as US dollars', () => {
  it.each([
    { cents: 0, shown: '$0.00', what: 'nothing' },
    { cents: 1, shown: '$0.01', what: 'one cent' },
    { cents: 5, shown: '$0.05', what: 'five cents' },
    { cents: 99_999, shown: '$999.99', what: 'one cent under the MDF minimum' },
    { cents: 100_000, shown: '$1,000.00', what: 'the MDF minimum' },
    { cents: 123_456_789, shown: '$1,234,567.89', what: 'over a million dollars' },
    { cents: 1_000_000_000, shown: '$10,000,000.00', what: 'ten million dollars' },
    { cents: -150, shown: '-$1.50', what: 'a negative amount' },
    { cents: -1, shown: '-$0.01', what: 'minus one cent' },
  ])('$what ($cents cents) reads $shown', ({ cents, shown }) => {
    // Act
    const text = formatUsd(cents);

    // Assess
    expect(text).toBe(shown);
  });
});

describe('money is exact integer cents', () => {
  it.each([
    { value: 100_000, cents: true },
    { value: 0, cents: true },
    { value: -250, cents: true },
    { value: 1000.5, cents: false },
    { value: Number.NaN, cents: false },
    { value: Number.MAX_SAFE_INTEGER + 1, cents: false },
    { value: '100000', cents: false },
  ])('$value is cents: $cents', ({ value, cents }) => {
    expect(isCents(value)).toBe(cents);
  });
});

describe('a share of a total is checked exactly at its edge', () => {
  it.each([
    { part: 100_000, whole: 200_000, percent: 50, within: true, what: 'exactly half is accepted' },
    { part: 100_001, whole: 200_000, percent: 50, within: false, what: 'one cent over half is refused' },
    { part: 99_999, whole: 200_000, percent: 50, within: true, what: 'one cent under half is accepted' },
    { part: 100_000, whole: 200_001, percent: 50, within: true, what: 'on an odd total, the cent below half is accepted' },
    { part: 100_001, whole: 200_001, percent: 50, within: false, what: 'on an odd total, the cent above half is refused' },
    { part: 500_000, whole: 10_000_000, percent: 5, within: true, what: 'exactly 5 % is accepted' },
    { part: 500_001, whole: 10_000_000, percent: 5, within: false, what: 'one cent over 5 % is refused' },
  ])('$what', ({ part, whole, percent, within }) => {
    expect(isAtMostPercentOf(part, whole, percent)).toBe(within);
  });
});

describe('a percentage of an amount is rounded down to whole cents', () => {
  it.each([
    { whole: 10_000_000, percent: 5, cents: 500_000 },
    { whole: 1_000_001, percent: 5, cents: 50_000 },
    { whole: 1_999, percent: 5, cents: 99 },
    { whole: 199, percent: 50, cents: 99 },
    { whole: 200, percent: 50, cents: 100 },
    { whole: 0, percent: 50, cents: 0 },
  ])('$percent % of $whole cents is $cents cents', ({ whole, percent, cents }) => {
    expect(percentOf(whole, percent)).toBe(cents);
  });
});
