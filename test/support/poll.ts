/**
 * Waits until `condition` holds, checking every `everyMs`: the ready signal
 * for state another process reports (Postgres's pg_stat_activity, ...).
 * Rejects naming `what` if it does not hold within `timeoutMs`.
 */
export async function until(
  condition: () => Promise<boolean>,
  what: string,
  { timeoutMs = 5000, everyMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
