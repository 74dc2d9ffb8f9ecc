-- migrate:no-transaction
-- The change feed reads one owner's todos in (changed_xid, id) order: one range of this index per call.
-- Built CONCURRENTLY, as 0004's: todos may be large and writes go on meanwhile. Until it exists the
-- feed answers correctly, only more slowly.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_owner_changed_id_idx" ON "todos" USING btree ("owner","changed_xid","id");
