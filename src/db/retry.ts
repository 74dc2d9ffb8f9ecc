export interface RetryOptions {
  /** At most this many attempts in all (default 3). */
  attempts?: number;
  /** Backoff base and cap in ms: attempt n waits a random time in [0, min(cap, base * 2^n)) ("full jitter"). */
  baseMs?: number;
  maxMs?: number;
  /** Epoch ms after which no new attempt starts. */
  deadlineAt: number;
  /** Whether a failure may be retried (transient, and the statement is safe to repeat). */
  retryable: (err: unknown) => boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails for good, runs out of attempts, or
 * the next try could not finish before the deadline. Jitter spreads the retries
 * of many Workers so that a database coming back is not hit all at once.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const {
    attempts = 3,
    baseMs = 50,
    maxMs = 1000,
    deadlineAt,
    retryable,
    random = Math.random,
    sleep = wait,
    now = Date.now,
  } = options;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const delay = Math.floor(random() * Math.min(maxMs, baseMs * 2 ** n));
      if (n + 1 >= attempts || !retryable(err) || now() + delay >= deadlineAt) throw err;
      await sleep(delay);
    }
  }
}
