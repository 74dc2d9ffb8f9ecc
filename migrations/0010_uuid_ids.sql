-- Todo ids become UUIDs (README: "Upgrading to UUID ids"; docs/api.md: "Ids"). One maintenance step: every
-- id changes, so the Worker of this release and this migration go out together (the old Worker's int4 ids
-- no longer parse). Written by hand (drizzle-kit generate --custom): drizzle-kit writes no functions and
-- cannot say how old ids map to new ones.

-- A version 7 UUID (RFC 9562) for Postgres 15 to 18 (uuidv7() exists only from 18): 48 bits of Unix
-- milliseconds of `at`, the version, 12 bits of the millisecond's fraction (RFC 9562 method 3, as
-- Postgres 18 does), the variant, then 62 random bits; or, given `seq` (0 to 2^32 - 1, taken modulo
-- 2^32), 32 bits of seq then 30 random bits (method 1, a counter), so that the ids one statement makes
-- with one `at` increase with seq: the ids of an import (or a migration) follow its order.
CREATE FUNCTION public.app_uuidv7(at timestamptz DEFAULT clock_timestamp(), seq bigint DEFAULT NULL) RETURNS uuid
  LANGUAGE sql VOLATILE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT (pg_catalog.lpad(pg_catalog.to_hex(
              ((pg_catalog.floor(EXTRACT(epoch FROM at) * 1000)::bigint) << 16)
            | 28672 -- version 7
            | (((pg_catalog.floor(EXTRACT(epoch FROM at) * 1000000)::bigint % 1000) * 4096) / 1000)), 16, '0')
       || pg_catalog.lpad(pg_catalog.to_hex(
              -- 64 random bits with the variant already set (gen_random_uuid's last 16 digits) ...
              (('x' || pg_catalog.right(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 16))::bit(64)::bigint
               -- ... of which, given seq, the variant and the low 30 stay, and seq goes between them
               & CASE WHEN seq IS NULL THEN -1 ELSE x'C00000003FFFFFFF'::bigint END)
            | coalesce((seq & 4294967295) << 30, 0)), 16, '0'))::uuid
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_uuidv7(timestamptz, bigint) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_uuidv7(timestamptz, bigint) TO todo_app;--> statement-breakpoint

-- What a create asked for, kept with a todo whose id the client chose: the same id with the same request
-- is that create again (replayed), with another request a conflict. 16 bytes of SHA-256 of the request's
-- fields as jsonb text (keys sorted: the same fields give the same hash whatever the order they came in).
CREATE FUNCTION public.app_request_hash(request jsonb) RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT substring(pg_catalog.sha256(pg_catalog.convert_to(request::text, 'UTF8')) FROM 1 FOR 16)
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_request_hash(jsonb) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_request_hash(jsonb) TO todo_app;--> statement-breakpoint

-- Stops the statement (and its transaction: nothing it wrote stays) because ids it was given are taken:
-- by another owner, by a deleted todo, or by one of the caller's own made with another request. SQLSTATE
-- ID409, the Worker's 409 (src/db/errors.ts). Returns a boolean so that a statement can call it in a WHERE.
CREATE FUNCTION public.app_ids_taken(taken bigint) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION '% id(s) of this request are taken', taken USING ERRCODE = 'ID409';
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_ids_taken(bigint) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_ids_taken(bigint) TO todo_app;--> statement-breakpoint

-- Old id -> new id, for every id this database may still answer with: live todos (their new id at their
-- creation time, with the old id as seq: ties, an import's rows, keep their order), tombstones (at their
-- deletion), and the creates remembered by idempotency keys whose todo is gone with no tombstone left
-- (at the key's creation, which is its todo's: the same transaction). Dropped at the end.
CREATE TABLE public.todo_id_map (old integer PRIMARY KEY, new uuid NOT NULL UNIQUE);--> statement-breakpoint
INSERT INTO public.todo_id_map SELECT id, public.app_uuidv7(created_at, id) FROM public.todos;--> statement-breakpoint
INSERT INTO public.todo_id_map SELECT id, public.app_uuidv7(deleted_at, id) FROM public.todo_tombstones
  ON CONFLICT (old) DO NOTHING;--> statement-breakpoint
INSERT INTO public.todo_id_map
  SELECT DISTINCT ON (old) old, public.app_uuidv7(created_at, old)
  FROM (SELECT (substring(response FROM '^\{"id":([0-9]{1,10})[,}]'))::bigint AS old, created_at
        FROM public.idempotency_keys WHERE scope = 'todos.create') AS k
  WHERE old BETWEEN 1 AND 2147483647
  ORDER BY old, created_at
  ON CONFLICT (old) DO NOTHING;--> statement-breakpoint
-- Reads the map for ALTER ... USING, which takes no subquery.
CREATE FUNCTION public.app_todo_id_map(old integer) RETURNS uuid
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT new FROM public.todo_id_map WHERE todo_id_map.old = app_todo_id_map.old $$;--> statement-breakpoint

-- The columns change type in place: ALTER ... TYPE rewrites the table and rebuilds its indexes without
-- firing row triggers, so no version, updated_at or feed position moves. The identity and its sequence
-- go; new ids come from app_uuidv7().
ALTER TABLE public.todos ALTER COLUMN id DROP IDENTITY;--> statement-breakpoint
ALTER TABLE public.todos ALTER COLUMN id SET DATA TYPE uuid USING public.app_todo_id_map(id),
  ALTER COLUMN id SET DEFAULT public.app_uuidv7();--> statement-breakpoint
ALTER TABLE public.todo_tombstones ALTER COLUMN id SET DATA TYPE uuid USING public.app_todo_id_map(id);--> statement-breakpoint
-- A stored create's body starts with the id as row_to_json wrote it (`{"id":42,`): only that is
-- rewritten, so a replay answers the todo's new id (and its Location, made from it) with every other
-- byte as first sent.
UPDATE public.idempotency_keys AS k
  SET response = '{"id":"' || m.new::text || '"' || substring(k.response FROM '^\{"id":[0-9]+(.*)$')
  FROM public.todo_id_map AS m
  WHERE k.scope = 'todos.create'
    AND m.old = (substring(k.response FROM '^\{"id":([0-9]{1,10})[,}]'))::bigint;--> statement-breakpoint
DROP FUNCTION public.app_todo_id_map(integer);--> statement-breakpoint
DROP TABLE public.todo_id_map;--> statement-breakpoint

ALTER TABLE public.todos ADD COLUMN request_hash bytea;--> statement-breakpoint
ALTER TABLE public.todos ADD CONSTRAINT todos_request_hash_size CHECK (octet_length(request_hash) = 16);--> statement-breakpoint

-- A deleted todo's id is never used again while its tombstone is kept (CHANGES_RETENTION_DAYS), by
-- anyone, whatever statement inserts it: a retried create after a delete must not bring the todo back
-- for the clients that saw it go. One check per statement, of the rows it inserted (a transition
-- table), not one per row. SECURITY DEFINER with no owner set for its read, as todos_bury: another
-- owner's tombstones count too, and the Worker's role sees only its own.
CREATE FUNCTION public.todos_refuse_buried_ids() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller_owner constant text := current_setting('app.user_id', true);
  buried bigint;
BEGIN
  PERFORM set_config('app.user_id', '', true);
  SELECT count(*) INTO buried FROM inserted JOIN public.todo_tombstones AS t ON t.id = inserted.id;
  PERFORM set_config('app.user_id', coalesce(caller_owner, ''), true);
  IF buried > 0 THEN
    PERFORM public.app_ids_taken(buried);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.todos_refuse_buried_ids() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER todos_id_not_buried AFTER INSERT ON public.todos
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.todos_refuse_buried_ids();
