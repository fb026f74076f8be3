/**
 * A counting semaphore: at most `max` tasks run at once, the rest wait in arrival order. Used to
 * keep one provider process from flooding Flow Service when Pulumi runs many operations at once.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError(`maxConcurrency must be an integer >= 1, got ${max}.`);
  }
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < max) {
      active++;
    } else {
      // The releasing task hands its slot over directly, so `active` stays the same.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
