import { openDatabase, type Database } from '../db/client.ts';
import { settingsOf, type Env, type Settings } from '../env.ts';
import { deleteExpiredKeys } from '../idempotency/purge.ts';
import { deleteExpiredTombstones } from '../todos/purge.ts';
import { describeFailure } from '../lib/log-failure.ts';

/** How much one run of a cleanup job may do: each statement a bounded batch, each run a bounded number of statements. */
export interface CleanupBounds {
  batchRows: number;
  maxBatches: number;
}

/** 5,000 rows a statement, 20 statements a run: 100,000 rows a day, in 20 short transactions and subrequests. */
export const DEFAULT_BOUNDS: CleanupBounds = { batchRows: 5000, maxBatches: 20 };

/** A cleanup job: deletes at most `batchRows` rows with one statement on `db`, returning how many. */
type CleanupJob = (db: Database, batchRows: number, settings: Settings) => Promise<number>;

/**
 * The housekeeping a cron trigger runs, each job by name. Every job deletes
 * in bounded batches until a batch comes back short or the run's bound is
 * reached (what is left waits for the next run), so a run never holds a lock
 * for long nor exceeds the Worker's limits. Deleting is safe to repeat, so
 * transient failures are retried.
 */
export const CLEANUP_JOBS: Record<string, CleanupJob> = {
  'expired-idempotency-keys': (db, batchRows) =>
    db.query((tx) => deleteExpiredKeys(tx, batchRows), { idempotent: true }),
  'expired-tombstones': (db, batchRows, { CHANGES_RETENTION_DAYS }) =>
    db.query((tx) => deleteExpiredTombstones(tx, CHANGES_RETENTION_DAYS, batchRows), { idempotent: true }),
};

/** Runs one job within `bounds`; each batch is its own request-sized handle, with its own deadline and no owner. */
export async function runCleanup(
  env: Env,
  job: CleanupJob,
  { batchRows, maxBatches }: CleanupBounds = DEFAULT_BOUNDS,
): Promise<{ deleted: number; batches: number }> {
  const settings = settingsOf(env);
  let deleted = 0;
  let batches = 0;
  while (batches < maxBatches) {
    batches++;
    const removed = await job(openDatabase(env), batchRows, settings);
    deleted += removed;
    if (removed < batchRows) break;
  }
  return { deleted, batches };
}

/**
 * The Worker's `scheduled` handler (wrangler.jsonc `triggers.crons`): runs
 * every cleanup job, logs one line for each, and fails the invocation if any
 * failed, so the Cron Events log shows it. One job failing does not stop the others.
 */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const failed: string[] = [];
  for (const [name, job] of Object.entries(CLEANUP_JOBS)) {
    try {
      const { deleted, batches } = await runCleanup(env, job);
      console.log(JSON.stringify({ ts: new Date().toISOString(), cron: controller.cron, job: name, deleted, batches }));
    } catch (err) {
      failed.push(name);
      console.error(
        JSON.stringify({ ts: new Date().toISOString(), cron: controller.cron, job: name, ...describeFailure(err) }),
      );
    }
  }
  if (failed.length > 0) throw new Error(`cleanup failed: ${failed.join(', ')}`);
}
