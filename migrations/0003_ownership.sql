-- Every todo and every idempotency key belongs to an owner (README: "Ownership and roles").
-- Run as the tables' owner over the direct URL. No password here: the Worker's login role is made
-- outside migrations (the local stack; on Neon, the SQL in the README), as a member of todo_app.
-- Written by drizzle-kit from src/db/schema.ts, then edited by hand where drizzle-kit cannot say it:
-- the application role if missing, the owner column's two-step default, grants, FORCE, the cleanup function.

-- The application role: cannot log in, owns nothing; the Worker's login role is a member of it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'todo_app') THEN
    CREATE ROLE todo_app NOLOGIN;
  END IF;
END
$$;--> statement-breakpoint
-- Existing rows become the `default` owner's (anonymous access and bare tokens). Then the default is
-- the transaction's setting: no INSERT names the owner, and with no setting NOT NULL refuses the row.
-- (One step with the setting as default would fail on existing rows: it is NULL while migrating.)
ALTER TABLE "todos" ADD COLUMN "owner" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "todos" ALTER COLUMN "owner" SET DEFAULT current_setting('app.user_id', true);--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_owner_not_empty" CHECK ("todos"."owner" <> '');--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "owner" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "owner" SET DEFAULT current_setting('app.user_id', true);--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_owner_not_empty" CHECK ("idempotency_keys"."owner" <> '');--> statement-breakpoint
-- A key is scoped by its owner: one owner can neither replay nor block another's.
ALTER TABLE "idempotency_keys" DROP CONSTRAINT "idempotency_keys_pkey";--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("owner","scope","key");--> statement-breakpoint
-- What the Worker needs and no more. todos.id is an identity column: INSERT alone draws its values.
-- Keys are never deleted by the Worker's role itself: the cleanup goes through the function below.
GRANT USAGE ON SCHEMA public TO todo_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "todos" TO todo_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "idempotency_keys" TO todo_app;--> statement-breakpoint
-- FORCE: the policies bind the tables' owner too (its own policy below says how far).
ALTER TABLE "todos" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "todos" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "idempotency_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The application role: only the rows of the owner set in this transaction; none when it is unset or ''.
CREATE POLICY "todos_of_owner" ON "todos" AS PERMISSIVE FOR ALL TO "todo_app" USING ("todos"."owner" = current_setting('app.user_id', true)) WITH CHECK ("todos"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
CREATE POLICY "idempotency_keys_of_owner" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO "todo_app" USING ("idempotency_keys"."owner" = current_setting('app.user_id', true)) WITH CHECK ("idempotency_keys"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
-- The tables' owner (current_user: the role running this migration): every row while no owner is set
-- (migrations, psql, the cleanup function); the set owner's rows only, like the application, otherwise.
CREATE POLICY "todos_table_owner" ON "todos" AS PERMISSIVE FOR ALL TO current_user USING (coalesce(current_setting('app.user_id', true), '') = '' or "todos"."owner" = current_setting('app.user_id', true)) WITH CHECK (coalesce(current_setting('app.user_id', true), '') = '' or "todos"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
CREATE POLICY "idempotency_keys_table_owner" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO current_user USING (coalesce(current_setting('app.user_id', true), '') = '' or "idempotency_keys"."owner" = current_setting('app.user_id', true)) WITH CHECK (coalesce(current_setting('app.user_id', true), '') = '' or "idempotency_keys"."owner" = current_setting('app.user_id', true));--> statement-breakpoint
-- The daily cleanup has no owner: it deletes up to batch_rows expired keys of every owner, oldest
-- first (one range of idempotency_keys_created_at_idx), as the tables' owner, and nothing else.
-- The lifetime is fixed here (src/idempotency/key.ts KEY_LIFETIME says the same), so a caller cannot
-- delete live keys. Returns how many it deleted.
CREATE FUNCTION purge_expired_idempotency_keys(batch_rows integer) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH deleted AS (
    DELETE FROM public.idempotency_keys
    WHERE (owner, scope, key) IN (
      SELECT owner, scope, key FROM public.idempotency_keys
      WHERE created_at < now() - interval '24 hours'
      ORDER BY created_at LIMIT greatest(batch_rows, 0)
    )
    RETURNING 1
  )
  SELECT count(*)::integer FROM deleted
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION purge_expired_idempotency_keys(integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION purge_expired_idempotency_keys(integer) TO todo_app;
