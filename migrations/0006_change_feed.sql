-- The change feed (README: "Keeping a client in sync"): each todo records the transaction that last
-- wrote it, deletions leave a tombstone, and the daily cleanup purges old tombstones, saying how far.
-- Written by drizzle-kit from src/db/schema.ts, then edited by hand: the column's two-step default,
-- grants, FORCE, the cleanup function; the feed's index on todos is 0007 (built CONCURRENTLY).

-- A constant default first: existing rows read as position 1, before every token, without a table
-- rewrite (a volatile default would rewrite todos under its lock). Then every new row gets its
-- transaction's id; the UPDATEs set it themselves (src/todos/queries.ts).
ALTER TABLE "todos" ADD COLUMN "changed_xid" "xid8" DEFAULT '1' NOT NULL;--> statement-breakpoint
ALTER TABLE "todos" ALTER COLUMN "changed_xid" SET DEFAULT pg_current_xact_id();--> statement-breakpoint
CREATE TABLE "todo_tombstones" (
	"id" integer PRIMARY KEY NOT NULL,
	"owner" text DEFAULT current_setting('app.user_id', true) NOT NULL,
	"version" integer NOT NULL,
	"deleted_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "todo_tombstones_owner_not_empty" CHECK ("todo_tombstones"."owner" <> '')
);--> statement-breakpoint
CREATE INDEX "todo_tombstones_owner_deleted_id_idx" ON "todo_tombstones" USING btree ("owner","deleted_xid","id");--> statement-breakpoint
CREATE INDEX "todo_tombstones_deleted_at_idx" ON "todo_tombstones" USING btree ("deleted_at");--> statement-breakpoint
CREATE TABLE "tombstone_purges" (
	"owner" text PRIMARY KEY NOT NULL,
	"purged_through" "xid8" NOT NULL
);--> statement-breakpoint
-- The Worker writes tombstones (in the DELETE's statement) and reads both tables; it never deletes
-- a tombstone nor writes the purge record: only the cleanup function below does.
GRANT SELECT, INSERT ON "todo_tombstones" TO todo_app;--> statement-breakpoint
GRANT SELECT ON "tombstone_purges" TO todo_app;--> statement-breakpoint
ALTER TABLE "todo_tombstones" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "todo_tombstones" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tombstone_purges" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tombstone_purges" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "todo_tombstones_of_owner" ON "todo_tombstones" AS PERMISSIVE FOR ALL TO "todo_app" USING ("todo_tombstones"."owner" = current_setting('app.user_id', true)) WITH CHECK ("todo_tombstones"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
CREATE POLICY "todo_tombstones_table_owner" ON "todo_tombstones" AS PERMISSIVE FOR ALL TO current_user USING (coalesce(current_setting('app.user_id', true), '') = '' or "todo_tombstones"."owner" = current_setting('app.user_id', true)) WITH CHECK (coalesce(current_setting('app.user_id', true), '') = '' or "todo_tombstones"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
CREATE POLICY "tombstone_purges_of_owner" ON "tombstone_purges" AS PERMISSIVE FOR ALL TO "todo_app" USING ("tombstone_purges"."owner" = current_setting('app.user_id', true)) WITH CHECK ("tombstone_purges"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
CREATE POLICY "tombstone_purges_table_owner" ON "tombstone_purges" AS PERMISSIVE FOR ALL TO current_user USING (coalesce(current_setting('app.user_id', true), '') = '' or "tombstone_purges"."owner" = current_setting('app.user_id', true)) WITH CHECK (coalesce(current_setting('app.user_id', true), '') = '' or "tombstone_purges"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
-- The daily cleanup has no owner: it deletes up to batch_rows tombstones of every owner older than
-- retention_days (oldest first: one range of todo_tombstones_deleted_at_idx), as the tables' owner,
-- and raises each owner's purge mark to the newest position it deleted. A retention under one day is
-- taken as one day, so a caller cannot empty the feed's history. Returns how many it deleted.
CREATE FUNCTION purge_expired_tombstones(retention_days integer, batch_rows integer) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH deleted AS (
    DELETE FROM public.todo_tombstones
    WHERE id IN (
      SELECT id FROM public.todo_tombstones
      WHERE deleted_at < now() - make_interval(days => greatest(retention_days, 1))
      ORDER BY deleted_at LIMIT greatest(batch_rows, 0)
    )
    RETURNING owner, deleted_xid
  ), marked AS (
    INSERT INTO public.tombstone_purges AS p (owner, purged_through)
    SELECT owner, max(deleted_xid) FROM deleted GROUP BY owner
    ON CONFLICT (owner) DO UPDATE SET purged_through = greatest(p.purged_through, excluded.purged_through)
  )
  SELECT count(*)::integer FROM deleted
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION purge_expired_tombstones(integer, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION purge_expired_tombstones(integer, integer) TO todo_app;
