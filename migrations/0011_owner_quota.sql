-- Per-owner usage and the todo quota, kept by triggers (README: "Quotas"; docs/api.md "Quotas and GET /me").
-- Written by hand over drizzle-kit's output for the schema (the table and its app_own_table call):
-- drizzle-kit writes no functions or triggers.
CREATE TABLE "owner_usage" (
	"owner" text PRIMARY KEY DEFAULT current_setting('app.user_id', true) NOT NULL,
	"todos" integer DEFAULT 0 NOT NULL,
	"tombstones" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "owner_usage_owner_not_empty" CHECK ("owner_usage"."owner" <> ''),
	CONSTRAINT "owner_usage_todos_not_negative" CHECK ("owner_usage"."todos" >= 0),
	CONSTRAINT "owner_usage_tombstones_not_negative" CHECK ("owner_usage"."tombstones" >= 0)
);--> statement-breakpoint
SELECT public.app_own_table('public.owner_usage', '{SELECT}');--> statement-breakpoint

-- The quota is `app.todo_quota`, set by the Worker beside the owner, transaction-locally, in the
-- statement every transaction starts with (src/db/client.ts): its TODO_QUOTA setting. Unset or ''
-- (migrations, psql, the cleanup): no quota, the counts are kept all the same.
--
-- Every statement that inserts todos, whatever it is (a create, an import, psql), adds its rows to
-- their owners' counts in ONE upsert of one row per owner, after the rows are in. The upsert locks
-- that row until the transaction ends, so concurrent writes of one owner count one after another,
-- each from the count the previous one committed (ON CONFLICT DO UPDATE reads the newest version,
-- under READ COMMITTED too): of two creates at quota - 1, the second sees quota and is refused.
-- A statement that takes an owner past the quota raises SQLSTATE QUOTA, with the quota, the count
-- before it and the rows it added as JSON in DETAIL: the whole statement and its transaction are
-- rolled back, so an import over the quota writes nothing. SECURITY DEFINER, as the tables' owner,
-- with no owner set while it writes (the caller's setting is put back after it; a failure aborts the
-- transaction, setting included): the Worker's role may only read usage.
CREATE FUNCTION public.todos_count_added() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
  quota constant integer := nullif(current_setting('app.todo_quota', true), '')::integer;
  over record;
BEGIN
  PERFORM set_config('app.user_id', '', true);
  WITH per_owner AS (SELECT owner, count(*)::integer AS n FROM added GROUP BY owner),
  counted AS (
    INSERT INTO public.owner_usage AS u (owner, todos) SELECT owner, n FROM per_owner
    ON CONFLICT (owner) DO UPDATE SET todos = u.todos + excluded.todos
    RETURNING u.owner, u.todos
  )
  SELECT c.todos - p.n AS before, p.n AS adding INTO over
    FROM counted c JOIN per_owner p USING (owner) WHERE c.todos > quota LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the todo quota of % per owner would be exceeded: % todos, % more', quota, over.before, over.adding
      USING ERRCODE = 'QUOTA',
            DETAIL = json_build_object('quota', quota, 'todos', over.before, 'adding', over.adding)::text;
  END IF;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint

-- Every statement that deletes todos (a DELETE, a bulk one, psql, an ON DELETE CASCADE from a parent
-- table) takes them off their owners' counts and adds their tombstones (todos_bury wrote them, one per
-- row, before this runs). Deletions are bounded like todos: past the quota, an owner's oldest tombstones
-- go at once, as the daily cleanup would have taken them at the end of the retention, and
-- tombstone_purges says how far (a `since` before them is then a 410). So a create-delete churn
-- keeps at most `quota` tombstones per owner, however fast it runs, instead of everything deleted
-- within the retention. A statement removes at most what it added plus 1,000: an owner far over
-- the bound (the quota was lowered) comes down over a few deletes, and no delete does unbounded work.
CREATE FUNCTION public.todos_count_removed() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
  quota constant integer := nullif(current_setting('app.todo_quota', true), '')::integer;
BEGIN
  PERFORM set_config('app.user_id', '', true);
  WITH per_owner AS (SELECT owner, count(*)::integer AS n FROM removed GROUP BY owner),
  counted AS (
    UPDATE public.owner_usage u SET todos = greatest(u.todos - p.n, 0), tombstones = u.tombstones + p.n
      FROM per_owner p WHERE u.owner = p.owner
      RETURNING u.owner, u.tombstones, p.n
  ),
  purged AS (
    DELETE FROM public.todo_tombstones t WHERE t.id IN (
      SELECT oldest.id FROM (SELECT owner, least(tombstones - quota, n + 1000) AS excess FROM counted
                             WHERE tombstones > quota) AS c
        CROSS JOIN LATERAL (SELECT o.id FROM public.todo_tombstones o WHERE o.owner = c.owner
                            ORDER BY o.deleted_xid, o.id LIMIT c.excess) AS oldest)
    RETURNING t.owner, t.deleted_xid
  )
  INSERT INTO public.tombstone_purges AS p (owner, purged_through)
    SELECT owner, max(deleted_xid) FROM purged GROUP BY owner
    ON CONFLICT (owner) DO UPDATE SET purged_through = greatest(p.purged_through, excluded.purged_through);
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint

-- Tombstones leave by the daily cleanup, the bound above, or by hand: off their owners' counts.
CREATE FUNCTION public.todo_tombstones_count_removed() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  UPDATE public.owner_usage u SET tombstones = greatest(u.tombstones - p.n, 0)
    FROM (SELECT owner, count(*)::integer AS n FROM removed GROUP BY owner) AS p WHERE u.owner = p.owner;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint

-- A todo given to another owner by hand (the Worker cannot: row-level security) moves its count,
-- without a quota check: whoever runs it is deciding. Row-level, because transition tables cannot
-- go with UPDATE OF a column, and the WHEN clause keeps every other update (a PATCH) from calling it.
CREATE FUNCTION public.todos_count_moved() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  UPDATE public.owner_usage SET todos = greatest(todos - 1, 0) WHERE owner = OLD.owner;
  INSERT INTO public.owner_usage AS u (owner, todos) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET todos = u.todos + 1;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint

-- TRUNCATE fires no DELETE trigger: it empties the counts it made stale.
CREATE FUNCTION public.owner_usage_truncated() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
BEGIN
  PERFORM set_config('app.user_id', '', true);
  IF TG_TABLE_NAME = 'todos' THEN
    UPDATE public.owner_usage SET todos = 0 WHERE todos <> 0;
  ELSE
    UPDATE public.owner_usage SET tombstones = 0 WHERE tombstones <> 0;
  END IF;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Trigger functions run only as triggers: nobody calls them.
REVOKE ALL ON FUNCTION public.todos_count_added() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_count_removed() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todo_tombstones_count_removed() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_count_moved() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.owner_usage_truncated() FROM PUBLIC;--> statement-breakpoint

-- No write may land between the count below and the triggers that keep it: both in this transaction,
-- with the tables locked against writes (reads go on) until it commits.
LOCK TABLE public.todos, public.todo_tombstones IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
INSERT INTO public.owner_usage (owner, todos, tombstones)
  SELECT owner, sum(todos)::integer, sum(tombstones)::integer FROM (
    SELECT owner, count(*) AS todos, 0 AS tombstones FROM public.todos GROUP BY owner
    UNION ALL
    SELECT owner, 0, count(*) FROM public.todo_tombstones GROUP BY owner
  ) AS counts GROUP BY owner;--> statement-breakpoint
CREATE TRIGGER todos_usage_added AFTER INSERT ON public.todos
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.todos_count_added();--> statement-breakpoint
CREATE TRIGGER todos_usage_removed AFTER DELETE ON public.todos
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION public.todos_count_removed();--> statement-breakpoint
CREATE TRIGGER todos_usage_moved AFTER UPDATE OF owner ON public.todos
  FOR EACH ROW WHEN (OLD.owner IS DISTINCT FROM NEW.owner) EXECUTE FUNCTION public.todos_count_moved();--> statement-breakpoint
CREATE TRIGGER todos_usage_truncated AFTER TRUNCATE ON public.todos
  FOR EACH STATEMENT EXECUTE FUNCTION public.owner_usage_truncated();--> statement-breakpoint
CREATE TRIGGER todo_tombstones_usage_removed AFTER DELETE ON public.todo_tombstones
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION public.todo_tombstones_count_removed();--> statement-breakpoint
CREATE TRIGGER todo_tombstones_usage_truncated AFTER TRUNCATE ON public.todo_tombstones
  FOR EACH STATEMENT EXECUTE FUNCTION public.owner_usage_truncated();
