/**
 * A FIFO lock. PGlite is one Postgres session shared by every connection, so a
 * whole transaction of one client (BEGIN to COMMIT/ROLLBACK) must hold it;
 * otherwise clients see each other's uncommitted rows.
 */
export function createLock() {
  let holder: symbol | undefined;
  const waiting: { owner: symbol; grant: () => void }[] = [];
  return {
    /** Waits until `owner` holds the lock (at once if it already does). */
    async acquire(owner: symbol): Promise<void> {
      if (holder === owner) return;
      if (holder === undefined) {
        holder = owner;
        return;
      }
      await new Promise<void>((grant) => waiting.push({ owner, grant }));
    },
    /** Releases the lock if `owner` holds it and hands it to the next in line. */
    release(owner: symbol): void {
      if (holder !== owner) return;
      const next = waiting.shift();
      holder = next?.owner;
      next?.grant();
    },
    holds(owner: symbol): boolean {
      return holder === owner;
    },
  };
}
export type Lock = ReturnType<typeof createLock>;
