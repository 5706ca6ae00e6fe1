/** Money is exact: integer cents of USD, never floats. */
export type Cents = number;

export const isCents = (value: unknown): value is Cents => typeof value === 'number' && Number.isSafeInteger(value);

/** `part` is at most `percent` % of `whole`, computed exactly in integers. */
export const isAtMostPercentOf = (part: Cents, whole: Cents, percent: number): boolean => part * 100 <= whole * percent;

/** The largest whole number of cents that is at most `percent` % of `whole`. */
export const percentOf = (whole: Cents, percent: number): Cents => Math.floor((whole * percent) / 100);

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `123456` → `$1,234.56`. */
export const formatUsd = (cents: Cents): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  return `${sign}${dollars.format(whole).replace(/\.00$/, '')}.${fraction}`;
};
