/**
 * The one clock every rule about days and deadlines reads. In the cloud it is the
 * system clock. The local stack and tests move it forward (`POST /_local/clock`)
 * to show what happens after two business days or thirty days, without waiting.
 */
let offsetMs = 0;
const listeners = new Set<(now: Date) => void>();

export const clock = {
  now: (): Date => new Date(Date.now() + offsetMs),
};

/** How far the clock runs ahead of the system clock. Never negative: time does not go back. */
export const clockOffsetMs = (): number => offsetMs;

/** Moves the clock so that it runs `ms` ahead of the system clock (local stack and tests only). */
export const setClockOffset = (ms: number): void => {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock offset must be a finite number of milliseconds, not negative');
  offsetMs = ms;
  const now = clock.now();
  for (const listener of listeners) listener(now);
};

/** Called after every move of the clock (the local workflow endpoint checks its timeouts). */
export const onClockMoved = (listener: (now: Date) => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
