-- migrate:no-transaction
-- idempotency_keys may already be large where this runs (keys were kept, unswept, before the daily cleanup
-- existed), so the index is built CONCURRENTLY: writes go on meanwhile. Postgres refuses that inside a
-- transaction: `npm run db:migrate` (dev/migrations.ts) runs this file alone, outside the batch's
-- transaction. drizzle-kit's own `migrate` would fail here: use npm run db:migrate.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "idempotency_keys_created_at_idx" ON "idempotency_keys" USING btree ("created_at");
