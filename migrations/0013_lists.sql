-- Lists, subtasks, due dates, notes, completion times and manual order (README: "Lists and order";
-- docs/database.md "Lists"). drizzle-kit's output for the schema, rearranged by hand around what it does
-- not write: functions, triggers, and the data of existing todos (each moved to its owner's default
-- list, in today's order: newest first becomes top first).

-- The id of an owner's default list, derived from the owner: a version 8 UUID, which a client can never
-- choose (only versions 4 and 7), so nobody can take another owner's. Being derived, the list can be
-- made by whichever write needs it first, idempotently, without a read to find its id.
CREATE FUNCTION public.app_default_list_id(owner text) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
  RETURN overlay(overlay(md5('default list of ' || owner) PLACING '8' FROM 13) PLACING '8' FROM 17)::uuid;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_default_list_id(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_default_list_id(text) TO todo_app;--> statement-breakpoint
-- A due date's instant, for filters and their index: a date-time's own instant, and a date the start of
-- its day in UTC (docs/api.md "Due dates"). Immutable although a text-to-timestamptz cast is not in
-- general: a stored due always carries its offset (the CHECK todos_due_format), so the session's
-- TimeZone and DateStyle cannot change the result.
CREATE FUNCTION public.app_due_instant(due text) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
  RETURN CASE WHEN length(due) = 10 THEN timezone('UTC', due::date::timestamp) ELSE due::timestamptz END;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_due_instant(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_due_instant(text) TO todo_app;--> statement-breakpoint
-- A position may be NULL on its way in, for the trigger that places an unplaced row (below); the
-- columns are NOT NULL, which is checked after it.
ALTER DOMAIN public.app_position DROP CONSTRAINT app_position_valid;--> statement-breakpoint
ALTER DOMAIN public.app_position ADD CONSTRAINT app_position_valid CHECK (VALUE IS NULL OR public.app_key_valid(VALUE));--> statement-breakpoint
CREATE TABLE "lists" (
	"owner" text DEFAULT current_setting('app.user_id', true) NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT app_uuidv7() NOT NULL,
	"title" text NOT NULL,
	"position" "app_position" NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"request_hash" "bytea",
	CONSTRAINT "lists_owner_id_key" UNIQUE("owner","id"),
	CONSTRAINT "lists_owner_not_empty" CHECK ("lists"."owner" <> ''),
	CONSTRAINT "lists_request_hash_size" CHECK (octet_length("lists"."request_hash") = 16),
	CONSTRAINT "lists_title_trimmed" CHECK ("lists"."title" = btrim("lists"."title", E' \t\n\r\f\x0B')),
	CONSTRAINT "lists_title_length" CHECK (char_length("lists"."title") BETWEEN 1 AND 200),
	CONSTRAINT "lists_version_positive" CHECK ("lists"."version" >= 1),
	CONSTRAINT "lists_default_id" CHECK ("lists"."is_default" = ("lists"."id" = app_default_list_id("lists"."owner")))
);--> statement-breakpoint
CREATE INDEX "lists_owner_position_id_idx" ON "lists" USING btree ("owner","position","id");--> statement-breakpoint
CREATE INDEX "lists_owner_changed_id_idx" ON "lists" USING btree ("owner","changed_xid","id");--> statement-breakpoint
CREATE TABLE "list_tombstones" (
	"owner" text DEFAULT current_setting('app.user_id', true) NOT NULL,
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"deleted_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "list_tombstones_owner_not_empty" CHECK ("list_tombstones"."owner" <> '')
);--> statement-breakpoint
CREATE INDEX "list_tombstones_owner_deleted_id_idx" ON "list_tombstones" USING btree ("owner","deleted_xid","id");--> statement-breakpoint
CREATE INDEX "list_tombstones_deleted_at_idx" ON "list_tombstones" USING btree ("deleted_at");--> statement-breakpoint
SELECT public.app_own_table('public.lists', '{SELECT,INSERT,UPDATE,DELETE}');--> statement-breakpoint
SELECT public.app_own_table('public.list_tombstones', '{SELECT}');--> statement-breakpoint
ALTER TABLE "owner_usage" ADD COLUMN "lists" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "owner_usage" ADD CONSTRAINT "owner_usage_lists_not_negative" CHECK ("owner_usage"."lists" >= 0);--> statement-breakpoint
-- Existing todos: no write may land between the moves below and the triggers that keep the new rules.
LOCK TABLE public.todos IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
INSERT INTO public.lists (id, owner, title, position, is_default)
  SELECT public.app_default_list_id(owner), owner, 'Tasks', 'a0', true FROM public.todos GROUP BY owner;--> statement-breakpoint
INSERT INTO public.owner_usage AS u (owner, lists) SELECT owner, 1 FROM public.lists
  ON CONFLICT (owner) DO UPDATE SET lists = u.lists + 1;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "list_id" uuid;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "position" "app_position";--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "due" text;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "depth" smallint GENERATED ALWAYS AS (case when parent_id is null then 0 else 1 end) STORED;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "parent_depth" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "todos" ADD COLUMN "due_at" timestamp with time zone GENERATED ALWAYS AS (app_due_instant(due)) STORED;--> statement-breakpoint
-- One UPDATE of every todo: each gets its owner's default list, its place in today's order and, when
-- done, a completion time (its last change: the best the table knows). Through the feed trigger, so
-- each todo's version goes up and a syncing client gets its new fields.
UPDATE public.todos t SET list_id = public.app_default_list_id(t.owner), position = public.app_key_nth(o.rank),
    completed_at = CASE WHEN t.done THEN t.updated_at END
  FROM (SELECT id, row_number() OVER (PARTITION BY owner ORDER BY created_at DESC, id DESC) - 1 AS rank
        FROM public.todos) AS o
  WHERE t.id = o.id;--> statement-breakpoint
ALTER TABLE public.todos ALTER COLUMN list_id SET NOT NULL, ALTER COLUMN position SET NOT NULL;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_list_fk" FOREIGN KEY ("owner","list_id") REFERENCES "public"."lists"("owner","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_list_id_depth_key" UNIQUE("list_id","id","depth");--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_parent_fk" FOREIGN KEY ("list_id","parent_id","parent_depth") REFERENCES "public"."todos"("list_id","id","depth") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "todos_owner_list_parent_position_idx" ON "todos" USING btree ("owner","list_id","parent_id" NULLS FIRST,"position","id");--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_notes_length" CHECK (char_length("todos"."notes") <= 8192);--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_due_format" CHECK ("todos"."due" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))?$');--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_parent_depth_top" CHECK ("todos"."parent_depth" = 0);--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_completed_when_done" CHECK (("todos"."completed_at" is not null) = "todos"."done");--> statement-breakpoint
-- The default list exists whenever a write needs it: a todo written into it (named, or by leaving
-- list_id out) and a new list (which goes after it) make it first if it is not there yet ("Tasks",
-- first in the owner's order, version 1), in the writer's transaction. Reads never write it: the
-- Worker shows the same list when it is not there yet. Concurrent first writes make one: the id is
-- derived from the owner, and ON CONFLICT DO NOTHING waits for the other's insert. SECURITY INVOKER:
-- under row-level security, the Worker makes only its caller's list.
CREATE FUNCTION public.app_write_default_list(list_owner text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM public.lists WHERE id = public.app_default_list_id(list_owner)) THEN
    INSERT INTO public.lists (id, owner, title, position, is_default)
      VALUES (public.app_default_list_id(list_owner), list_owner, 'Tasks', 'a0', true)
      ON CONFLICT (id) DO NOTHING;
  END IF;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_write_default_list(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_write_default_list(text) TO todo_app;--> statement-breakpoint
-- A todo without a list goes to its owner's default list, whoever writes it (the Worker, psql): made
-- here when the owner is not the caller's (whose list the statement trigger below makes, once per
-- statement rather than once per row).
CREATE FUNCTION public.todos_into_list() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.list_id := public.app_default_list_id(NEW.owner);
  IF NEW.owner IS DISTINCT FROM current_setting('app.user_id', true) THEN
    PERFORM public.app_write_default_list(NEW.owner);
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_into_list() FROM PUBLIC;--> statement-breakpoint
-- Named to fire before todos_place, which reads the list.
CREATE TRIGGER todos_list BEFORE INSERT OR UPDATE OF list_id ON public.todos
  FOR EACH ROW WHEN (NEW.list_id IS NULL) EXECUTE FUNCTION public.todos_into_list();--> statement-breakpoint
-- A statement that writes todos into lists, for an owner, may name the owner's default list before it
-- exists (a create without a list, a move or an import into it): it is made first, once per statement.
CREATE FUNCTION public.todos_default_list() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  IF coalesce(caller_owner, '') <> '' THEN
    PERFORM public.app_write_default_list(caller_owner);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_default_list() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER todos_default_list BEFORE INSERT OR UPDATE OF list_id ON public.todos
  FOR EACH STATEMENT EXECUTE FUNCTION public.todos_default_list();--> statement-breakpoint
-- A new list goes after the caller's default list: it is made first. Not for the default list's own
-- insert (a trigger's), nor without an owner set (migrations, psql).
CREATE FUNCTION public.lists_after_default() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  IF coalesce(caller_owner, '') <> '' AND pg_trigger_depth() = 1 THEN
    PERFORM public.app_write_default_list(caller_owner);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_after_default() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER lists_default_list BEFORE INSERT ON public.lists
  FOR EACH STATEMENT EXECUTE FUNCTION public.lists_after_default();--> statement-breakpoint

-- A row written without a position gets one: a todo the top of its sibling group (its list's top-level
-- todos, or its parent's subtasks), a list the end of its owner's lists. Rows placed by one statement
-- see the rows it placed before them. SECURITY INVOKER: it reads the caller's own rows.
CREATE FUNCTION public.app_place_unplaced() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'lists' THEN
    NEW.position := public.app_key_between(
      (SELECT max(l.position) FROM public.lists l WHERE l.owner = NEW.owner), NULL);
  ELSIF NEW.parent_id IS NULL THEN
    NEW.position := public.app_key_between(NULL,
      (SELECT min(t.position) FROM public.todos t
        WHERE t.owner = NEW.owner AND t.list_id = NEW.list_id AND t.parent_id IS NULL));
  ELSE
    NEW.position := public.app_key_between(NULL,
      (SELECT min(t.position) FROM public.todos t
        WHERE t.owner = NEW.owner AND t.list_id = NEW.list_id AND t.parent_id = NEW.parent_id));
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_place_unplaced() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER todos_place BEFORE INSERT OR UPDATE ON public.todos
  FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION public.app_place_unplaced();--> statement-breakpoint
CREATE TRIGGER lists_place BEFORE INSERT OR UPDATE ON public.lists
  FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION public.app_place_unplaced();--> statement-breakpoint

-- completed_at is the database's: now when done becomes true, NULL when it becomes false, whatever the
-- statement says (the CHECK todos_completed_when_done holds the pair together).
CREATE FUNCTION public.todos_completed() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.completed_at := CASE WHEN NEW.done THEN now() END;
  RETURN NEW;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_completed() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER todos_completed_on_insert BEFORE INSERT ON public.todos
  FOR EACH ROW WHEN (NEW.done OR NEW.completed_at IS NOT NULL) EXECUTE FUNCTION public.todos_completed();--> statement-breakpoint
CREATE TRIGGER todos_completed_on_update BEFORE UPDATE OF done, completed_at ON public.todos
  FOR EACH ROW WHEN (OLD.done IS DISTINCT FROM NEW.done OR OLD.completed_at IS DISTINCT FROM NEW.completed_at)
  EXECUTE FUNCTION public.todos_completed();--> statement-breakpoint

-- Lists move in the feed as todos do (app_feed_row_updated, migration 0009).
CREATE TRIGGER lists_feed_position BEFORE UPDATE ON public.lists
  FOR EACH ROW EXECUTE FUNCTION public.app_feed_row_updated();--> statement-breakpoint

-- The default list can be renamed, not deleted, by the Worker (SQLSTATE DFLT1, a 409). Without an owner
-- set (psql, a cleanup of an owner's data) it can: whoever runs that is deciding.
CREATE FUNCTION public.lists_keep_default() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF coalesce(current_setting('app.user_id', true), '') <> '' THEN
    RAISE EXCEPTION 'the default list cannot be deleted' USING ERRCODE = 'DFLT1';
  END IF;
  RETURN OLD;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_keep_default() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER lists_default_kept BEFORE DELETE ON public.lists
  FOR EACH ROW WHEN (OLD.is_default) EXECUTE FUNCTION public.lists_keep_default();--> statement-breakpoint

-- Every deleted list leaves its tombstone, as todos_bury does for todos (migration 0009); its todos
-- leave theirs through the cascade of todos_list_fk, each by todos_bury.
CREATE FUNCTION public.lists_bury() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  INSERT INTO public.list_tombstones (id, owner, version) VALUES (OLD.id, OLD.owner, OLD.version + 1)
    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, version = excluded.version,
      deleted_xid = excluded.deleted_xid, deleted_at = excluded.deleted_at;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_bury() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER lists_tombstone AFTER DELETE ON public.lists
  FOR EACH ROW EXECUTE FUNCTION public.lists_bury();--> statement-breakpoint

-- A deleted list's id is not used again while its tombstone is kept, as for todos (migration 0010).
CREATE FUNCTION public.lists_refuse_buried_ids() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
  buried bigint;
BEGIN
  PERFORM set_config('app.user_id', '', true);
  SELECT count(*) INTO buried FROM inserted JOIN public.list_tombstones AS t ON t.id = inserted.id;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  IF buried > 0 THEN
    PERFORM public.app_ids_taken(buried);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_refuse_buried_ids() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER lists_id_not_buried AFTER INSERT ON public.lists
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.lists_refuse_buried_ids();--> statement-breakpoint

-- Per-owner list counts and the list quota (`app.list_quota`, set beside app.todo_quota), as
-- todos_count_added keeps the todo quota (migration 0011): one upsert per statement, the owner's row
-- locked until the transaction ends, SQLSTATE QUOTA with {"quota","lists","adding"} in DETAIL.
CREATE FUNCTION public.lists_count_added() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
  quota constant integer := nullif(current_setting('app.list_quota', true), '')::integer;
  over record;
BEGIN
  PERFORM set_config('app.user_id', '', true);
  WITH per_owner AS (SELECT owner, count(*)::integer AS n FROM added GROUP BY owner),
  counted AS (
    INSERT INTO public.owner_usage AS u (owner, lists) SELECT owner, n FROM per_owner
    ON CONFLICT (owner) DO UPDATE SET lists = u.lists + excluded.lists
    RETURNING u.owner, u.lists
  )
  SELECT c.lists - p.n AS before, p.n AS adding INTO over
    FROM counted c JOIN per_owner p USING (owner) WHERE c.lists > quota LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the list quota of % per owner would be exceeded: % lists, % more', quota, over.before, over.adding
      USING ERRCODE = 'QUOTA',
            DETAIL = json_build_object('quota', quota, 'lists', over.before, 'adding', over.adding)::text;
  END IF;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION public.lists_count_removed() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  UPDATE public.owner_usage u SET lists = greatest(u.lists - p.n, 0)
    FROM (SELECT owner, count(*)::integer AS n FROM removed GROUP BY owner) AS p WHERE u.owner = p.owner;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_count_added() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.lists_count_removed() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER lists_usage_added AFTER INSERT ON public.lists
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.lists_count_added();--> statement-breakpoint
CREATE TRIGGER lists_usage_removed AFTER DELETE ON public.lists
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION public.lists_count_removed();--> statement-breakpoint

-- The daily cleanup purges list tombstones as it purges todo tombstones (migration 0006), both under
-- one purge mark per owner: a `since` at or below it may have missed a deletion of either kind.
CREATE OR REPLACE FUNCTION public.purge_expired_tombstones(retention_days integer, batch_rows integer) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  WITH deleted_todos AS (
    DELETE FROM public.todo_tombstones
    WHERE id IN (
      SELECT id FROM public.todo_tombstones
      WHERE deleted_at < now() - make_interval(days => greatest(retention_days, 1))
      ORDER BY deleted_at LIMIT greatest(batch_rows, 0)
    )
    RETURNING owner, deleted_xid
  ), deleted_lists AS (
    DELETE FROM public.list_tombstones
    WHERE id IN (
      SELECT id FROM public.list_tombstones
      WHERE deleted_at < now() - make_interval(days => greatest(retention_days, 1))
      ORDER BY deleted_at LIMIT greatest(batch_rows, 0)
    )
    RETURNING owner, deleted_xid
  ), deleted AS (
    SELECT * FROM deleted_todos UNION ALL SELECT * FROM deleted_lists
  ), marked AS (
    INSERT INTO public.tombstone_purges AS p (owner, purged_through)
    SELECT owner, max(deleted_xid) FROM deleted GROUP BY owner
    ON CONFLICT (owner) DO UPDATE SET purged_through = greatest(p.purged_through, excluded.purged_through)
  )
  SELECT count(*)::integer FROM deleted
$$;
