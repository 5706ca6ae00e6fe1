import { ConfigurationError } from './errors.ts';

/**
 * Settings come from the function's environment, read once when the module that
 * needs them loads (cold start), so a missing one fails at once with its name.
 */
export const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`Setting ${name} is missing: set the environment variable ${name}.`);
  }
  return value;
};

export const optionalSetting = (name: string, fallback: string): string => {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value;
};

export const positiveIntegerSetting = (name: string, fallback: number): number => {
  const raw = optionalSetting(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`Setting ${name} must be a positive whole number, got "${raw}".`);
  }
  return value;
};
