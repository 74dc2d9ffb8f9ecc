-- migrate:no-transaction
-- A parent's subtasks by its id alone: the parent key's ON DELETE and ON UPDATE CASCADE (migration 0013) look
-- for them on every delete or move of a todo, and without this index each of those scans the table. Partial:
-- top-level todos pay nothing. Built CONCURRENTLY, as 0004's and 0007's: todos may be large and writes go on
-- meanwhile; until it exists, deletes and moves are correct, only slower.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_parent_idx" ON "todos" USING btree ("parent_id") WHERE "todos"."parent_id" is not null;
