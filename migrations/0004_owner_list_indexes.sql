-- migrate:no-transaction
-- The list indexes lead with the owner, so one owner's listing is one index range however many owners
-- there are. todos may be large where this runs: the new indexes are built CONCURRENTLY (writes go on
-- meanwhile), then the old ones dropped the same way. Postgres refuses both inside a transaction:
-- `npm run db:migrate` (dev/migrations.ts) runs this file alone, after 0003's transaction.
-- Until it finishes, listings still answer correctly (the policy filters), only more slowly.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_owner_created_id_idx" ON "todos" USING btree ("owner","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_owner_done_created_id_idx" ON "todos" USING btree ("owner","done","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "todos_created_id_idx";--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "todos_done_created_id_idx";
