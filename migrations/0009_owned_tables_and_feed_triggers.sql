-- Owned tables made by one function, and the change feed's rules kept by triggers (README: "Ownership
-- and roles", "Keeping a client in sync"). Written by hand over drizzle-kit's output for the schema
-- (which only dropped the policies drizzle-kit no longer declares): drizzle-kit writes no functions.

-- Makes `target` an owned table: its `owner` column (the transaction's setting by default, never NULL
-- nor ''), the two owner policies, ENABLE and FORCE ROW LEVEL SECURITY, exactly `worker_may` for the
-- application role, and its name in app_set_owner's check. Called by every migration that creates a table declared with ownedTable
-- (src/db/owned-table.ts): `npm run db:generate` appends the call (dev/own-tables.ts). Safe to call again:
-- it rewrites the policies and grants to what it says. A table that has rows must have its owner
-- column already (add it in two steps, as 0003 did: rows need an owner before NOT NULL holds).
-- Policies, as src/db/owned-table.ts says of the owner setting:
-- - the application role sees and writes only the rows of the owner set in this transaction; none when
--   it is unset or '';
-- - the table's owner is unrestricted while no owner is set (migrations, psql, the cleanup and trigger
--   functions) and, like the application, limited to the owner that is set.
CREATE FUNCTION public.app_own_table(target regclass, worker_may text[]) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  table_name text;
  table_owner text;
  owner_type text;
  guard text;
  guarded_tables text;
  guard_list constant text := '''\{[^}]*\}''::pg_catalog\.regclass\[\]';
  mine constant text := 'owner = current_setting(''app.user_id'', true)';
  no_owner_set constant text := 'coalesce(current_setting(''app.user_id'', true), '''') = ''''';
BEGIN
  IF worker_may IS NULL OR NOT worker_may <@ ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] THEN
    RAISE EXCEPTION 'app_own_table(%): the application role may be given SELECT, INSERT, UPDATE, DELETE only, not %',
      target, worker_may;
  END IF;
  SELECT c.relname, pg_get_userbyid(c.relowner) INTO table_name, table_owner FROM pg_class c WHERE c.oid = target;
  EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS owner text', target);
  SELECT format_type(a.atttypid, a.atttypmod) INTO owner_type
    FROM pg_attribute a WHERE a.attrelid = target AND a.attname = 'owner' AND NOT a.attisdropped;
  IF owner_type <> 'text' THEN
    RAISE EXCEPTION 'app_own_table(%): its owner column is %, not text', target, owner_type;
  END IF;
  EXECUTE format('ALTER TABLE %s ALTER COLUMN owner SET DEFAULT current_setting(''app.user_id'', true), ALTER COLUMN owner SET NOT NULL', target);
  IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = target AND conname = table_name || '_owner_not_empty') THEN
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (owner <> '''')', target, table_name || '_owner_not_empty');
  END IF;
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('DROP POLICY IF EXISTS %I ON %s', table_name || '_of_owner', target);
  EXECUTE format('CREATE POLICY %I ON %s AS PERMISSIVE FOR ALL TO todo_app USING (%s) WITH CHECK (%s)',
    table_name || '_of_owner', target, mine, mine);
  EXECUTE format('DROP POLICY IF EXISTS %I ON %s', table_name || '_table_owner', target);
  EXECUTE format('CREATE POLICY %I ON %s AS PERMISSIVE FOR ALL TO %I USING (%s OR %s) WITH CHECK (%s OR %s)',
    table_name || '_table_owner', target, table_owner, no_owner_set, mine, no_owner_set, mine);
  EXECUTE format('REVOKE ALL ON %s FROM todo_app', target);
  IF cardinality(worker_may) > 0 THEN
    EXECUTE format('GRANT %s ON %s TO todo_app', array_to_string(worker_may, ', '), target);
  END IF;
  -- app_set_owner (0008) names every table under row-level security, to refuse a role that owns one
  -- or may become its owner: its list is rewritten to name them all, this one included.
  guard := pg_get_functiondef('public.app_set_owner(text)'::regprocedure);
  IF (SELECT count(*) FROM regexp_matches(guard, guard_list, 'g')) <> 1 THEN
    RAISE EXCEPTION 'app_own_table(%): app_set_owner has no one list of tables to add it to', target;
  END IF;
  SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname), ',' ORDER BY c.oid) INTO guarded_tables
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relrowsecurity AND n.nspname NOT IN ('pg_catalog', 'information_schema');
  EXECUTE regexp_replace(guard, guard_list, '''{' || guarded_tables || '}''::pg_catalog.regclass[]');
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_own_table(regclass, text[]) FROM PUBLIC;--> statement-breakpoint
-- The tables of 0003 and 0006, now as the function makes them: the same policies, and grants as
-- src/db/schema.ts declares them. The Worker no longer writes tombstones (the trigger below does).
SELECT public.app_own_table('public.todos', '{SELECT,INSERT,UPDATE,DELETE}');--> statement-breakpoint
SELECT public.app_own_table('public.idempotency_keys', '{SELECT,INSERT,UPDATE}');--> statement-breakpoint
SELECT public.app_own_table('public.todo_tombstones', '{SELECT}');--> statement-breakpoint
SELECT public.app_own_table('public.tombstone_purges', '{SELECT}');--> statement-breakpoint

-- Every UPDATE of a row in the change feed, whatever statement runs it (a PATCH, a bulk fix, psql):
-- the row moves to its transaction's feed position, its version goes up by exactly one (whatever the
-- statement set it to: a version is counted, never chosen, so If-Match and the Worker's "did my first
-- attempt land" check can rely on it), and updated_at moves forward, even within one microsecond.
-- SECURITY INVOKER: it only changes the row being written.
CREATE FUNCTION public.app_feed_row_updated() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.changed_xid := pg_current_xact_id();
  NEW.updated_at := greatest(now(), OLD.updated_at + interval '1 microsecond');
  RETURN NEW;
END
$$;--> statement-breakpoint
-- Every deleted todo leaves its tombstone, whatever statement deleted it: the Worker's DELETE, a bulk
-- one, psql, or an ON DELETE CASCADE from a parent table. The deletion is the todo's last change, one
-- version past its last, under the todo's own owner. SECURITY DEFINER, as the tables' owner, with no
-- owner set for its insert (the caller's setting is put back after it; a failure aborts the
-- transaction, setting included): a cascade deletes the rows of every owner whatever the caller's
-- setting, and the Worker's role may only read tombstones. A deleted id that had a tombstone (an id
-- inserted again by hand) gets the newer one.
CREATE FUNCTION public.todos_bury() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  INSERT INTO public.todo_tombstones (id, owner, version) VALUES (OLD.id, OLD.owner, OLD.version + 1)
    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, version = excluded.version,
      deleted_xid = excluded.deleted_xid, deleted_at = excluded.deleted_at;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Trigger functions run only as triggers: nobody calls them.
REVOKE ALL ON FUNCTION public.app_feed_row_updated() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_bury() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER todos_feed_position BEFORE UPDATE ON public.todos
  FOR EACH ROW EXECUTE FUNCTION public.app_feed_row_updated();--> statement-breakpoint
CREATE TRIGGER todos_tombstone AFTER DELETE ON public.todos
  FOR EACH ROW EXECUTE FUNCTION public.todos_bury();
