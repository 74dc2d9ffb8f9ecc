-- Row-level security that cannot be bypassed by accident (README: "Ownership and roles").
-- Written by hand (drizzle-kit generate --custom): drizzle-kit does not write functions.

-- The Worker sets the caller's owner with this, first in every transaction (src/db/client.ts
-- SET_OWNER_SQL); statements with no owner set ''. It refuses to go on, inside that transaction and
-- so before any row is read or written, when row-level security would not bind the role it runs as:
-- a superuser, a role with BYPASSRLS of its own (membership in such a role does not bypass RLS), or
-- a role that owns, or is a member of the owner of, a table under row-level security (FORCE binds
-- the owner only to the policies written for it, and a member may SET ROLE to the owner). Its cost
-- is a few catalog lookups by key, in the statement each transaction already starts with.
-- SQLSTATE RLS01 is the Worker's "misconfigured database role" 500 (src/db/errors.ts).
-- SECURITY INVOKER: it must judge the caller. Callable by every role, so any wrongly chosen role
-- gets this refusal rather than a bare permission error.
CREATE FUNCTION public.app_set_owner(owner text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  reason text;
BEGIN
  SELECT CASE WHEN r.rolsuper THEN 'is a superuser' WHEN r.rolbypassrls THEN 'has BYPASSRLS' END
    INTO reason FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
  IF reason IS NULL THEN
    -- Each table by its oid (an index lookup each): scanning pg_class for relrowsecurity costs several
    -- times more, on every transaction. A table given row-level security later is added here; a
    -- catalog test (test/workers/db/row-level-security.test.ts) fails until it is.
    SELECT CASE WHEN t.owner = current_user THEN 'owns ' ELSE 'is a member of ' || pg_catalog.quote_ident(t.owner) || ', the owner of ' END
             || t.name::text INTO reason
      FROM (SELECT u.name, pg_catalog.pg_get_userbyid((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = u.name)) AS owner
            FROM pg_catalog.unnest('{public.todos,public.idempotency_keys,public.todo_tombstones,public.tombstone_purges}'::pg_catalog.regclass[]) AS u(name)) AS t
      WHERE pg_catalog.pg_has_role(current_user, t.owner, 'MEMBER')
      LIMIT 1;
  END IF;
  IF reason IS NOT NULL THEN
    RAISE EXCEPTION 'the role % %, so row-level security does not bind it: refusing to serve', current_user, reason
      USING ERRCODE = 'RLS01',
            HINT = 'Give the Worker a role of its own, made with SQL as a member of todo_app only: no BYPASSRLS, owning nothing.';
  END IF;
  RETURN pg_catalog.set_config('app.user_id', owner, true);
END
$$;--> statement-breakpoint
-- The cleanup functions run as the tables' owner: nothing a caller can create may shadow a name
-- they use, so they search only pg_catalog (their tables are named with their schema).
ALTER FUNCTION public.purge_expired_idempotency_keys(integer) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION public.purge_expired_tombstones(integer, integer) SET search_path = pg_catalog, pg_temp;
