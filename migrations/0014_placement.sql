-- Placement by the server: "after" / "before" an item of the same sibling group, and renumbering when no
-- key fits (docs/database.md, "Positions"). Written by hand (drizzle-kit generate --custom): functions only.
-- A sibling group is an owner's lists, a list's top-level todos, or a parent's subtasks, ordered by
-- (position COLLATE "C", id).

-- The group's lock, held until the transaction ends: every placement by the server (these functions,
-- and the trigger that places an unplaced row) takes it before it reads the group, so a renumbering
-- never runs beside a placement that computed its key from the keys the renumbering replaces. A
-- transaction-level advisory lock: no row is locked (a list's rename, a todo's edit do not wait for it),
-- it ends with the transaction (nothing stays in a pooled session), and a hash collision only makes two
-- groups wait for each other. Whoever takes it must not hold a row lock of the group first, or a
-- renumbering that waits for that row deadlocks with it: the Worker's conditional PATCH takes it
-- before it locks its row (src/db/placement.ts).
CREATE FUNCTION public.app_position_group_lock(group_key text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('app position group ' || group_key, 0));
  RETURN true;
END
$$;--> statement-breakpoint

-- The key for `moving` in a sibling group: just after `anchor`, or just before it when `anchor_is_before`;
-- without an anchor, first (anchor_is_before false: "after nothing") or last ("before nothing").
-- `group_rows` is the group as a FROM and WHERE clause over a table aliased `g`, with $1 the owner, $2 a
-- list id and $3 a parent id; `group_key` names its lock. `moving` (NULL for a row not yet written) is
-- left out of the group: a move is computed as if it were not there, and it is never renumbered here
-- (the statement that writes it must be the one that does, or it would update it twice).
--
-- When no key fits (the neighbours have equal keys, or the key would pass 128 characters:
-- app_key_place), the group is renumbered in its order, app_key_nth(rank), with a gap at the slot,
-- whose key is returned. Each renumbered row is an ordinary UPDATE: its version goes up and it appears
-- in the feed. An anchor that is not in the group (another list's, another owner's, a deleted or
-- unknown id, the moving item itself) raises SQLSTATE PLACE with DETAIL 'after' or 'before', the field
-- that named it. SECURITY INVOKER: the caller's row-level security applies to every read and write.
CREATE FUNCTION public.app_place(group_rows text, group_lead text, group_key text, group_owner text, list uuid,
    parent uuid, anchor uuid, anchor_is_before boolean, moving uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  anchor_field constant text := CASE WHEN anchor_is_before THEN 'before' ELSE 'after' END;
  anchor_key text;
  -- The neighbours: `a` before the slot, `b` after it (NULL: an open end).
  a_key text;
  a_id uuid;
  b_key text;
  key text;
  slot bigint;
  -- The group's order as its index gives it: `group_lead`, a column constant in the group that the index has
  -- first (a top-level todo's NULL parent_id, which the planner does not take for an equality), then position, id.
  forwards constant text := concat_ws(', ', nullif(group_lead || ' NULLS FIRST', ' NULLS FIRST'), 'g.position, g.id');
  backwards constant text := concat_ws(', ', nullif(group_lead || ' DESC NULLS LAST', ' DESC NULLS LAST'),
    'g.position DESC, g.id DESC');
BEGIN
  PERFORM public.app_position_group_lock(group_key);
  IF anchor IS NOT NULL THEN
    IF anchor = moving THEN
      RAISE EXCEPTION 'an item cannot be placed next to itself' USING ERRCODE = 'PLACE', DETAIL = anchor_field;
    END IF;
    EXECUTE format('SELECT g.position FROM %s AND g.id = $4', group_rows)
      INTO anchor_key USING group_owner, list, parent, anchor;
    IF anchor_key IS NULL THEN
      RAISE EXCEPTION 'the item to place it next to is not in its group' USING ERRCODE = 'PLACE', DETAIL = anchor_field;
    END IF;
  END IF;
  IF anchor IS NOT NULL AND NOT anchor_is_before THEN
    a_key := anchor_key;
    a_id := anchor;
  ELSIF anchor IS NOT NULL OR anchor_is_before THEN
    -- The item before the anchor, or the last one.
    EXECUTE format('SELECT g.position, g.id FROM %s AND g.id IS DISTINCT FROM $6
        AND ($4::uuid IS NULL OR (g.position, g.id) < ($5 COLLATE "C", $4))
        ORDER BY %s LIMIT 1', group_rows, backwards)
      INTO a_key, a_id USING group_owner, list, parent, anchor, anchor_key, moving;
  END IF;
  IF anchor IS NOT NULL AND anchor_is_before THEN
    b_key := anchor_key;
  ELSIF anchor IS NOT NULL OR NOT anchor_is_before THEN
    -- The item after `a`, or the first one.
    EXECUTE format('SELECT g.position FROM %s AND g.id IS DISTINCT FROM $6
        AND ($4::uuid IS NULL OR (g.position, g.id) > ($5 COLLATE "C", $4))
        ORDER BY %s LIMIT 1', group_rows, forwards)
      INTO b_key USING group_owner, list, parent, a_id, a_key, moving;
  END IF;
  key := public.app_key_place(a_key, b_key);
  IF key IS NOT NULL THEN
    RETURN key;
  END IF;
  -- No key fits: renumber, the items up to `a` keeping ranks 0..slot-1, the rest moved one rank on.
  EXECUTE format('SELECT count(*) FROM %s AND g.id IS DISTINCT FROM $6
      AND $4::uuid IS NOT NULL AND (g.position, g.id) <= ($5 COLLATE "C", $4)', group_rows)
    INTO slot USING group_owner, list, parent, a_id, a_key, moving;
  EXECUTE format('UPDATE %1$s AS t SET position = r.key
      FROM (SELECT g.id, public.app_key_nth(rank + CASE WHEN rank >= $4 THEN 1 ELSE 0 END) AS key
            FROM (SELECT g.id, row_number() OVER (ORDER BY g.position, g.id) - 1 AS rank
                  FROM %2$s AND g.id IS DISTINCT FROM $5) AS g) AS r
      WHERE t.id = r.id AND t.position IS DISTINCT FROM r.key COLLATE "C"',
      split_part(group_rows, ' ', 1), group_rows)
    USING group_owner, list, parent, slot, moving;
  RETURN public.app_key_nth(slot);
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_place(text, text, text, text, uuid, uuid, uuid, boolean, uuid) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_position_group_lock(text) FROM PUBLIC;--> statement-breakpoint

-- The groups, as app_place takes them. A subtask's group is its parent's subtasks, in the parent's list
-- (one probe finds it; a parent the caller cannot see has an empty group). A list NULL is the
-- owner's default list (a todo created without one goes there).
CREATE FUNCTION public.app_place_todo(todo_owner text, list uuid, parent uuid, anchor uuid, anchor_is_before boolean,
    moving uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF parent IS NOT NULL THEN
    list := (SELECT t.list_id FROM public.todos t WHERE t.id = parent);
    RETURN public.app_place('public.todos g WHERE g.owner = $1 AND g.list_id = $2 AND g.parent_id = $3', 'g.parent_id',
      'subtasks ' || parent, todo_owner, list, parent, anchor, anchor_is_before, moving);
  END IF;
  RETURN public.app_place('public.todos g WHERE g.owner = $1 AND g.list_id = $2 AND g.parent_id IS NULL', 'g.parent_id',
    'todos ' || coalesce(list, public.app_default_list_id(todo_owner)), todo_owner,
    coalesce(list, public.app_default_list_id(todo_owner)), NULL, anchor, anchor_is_before, moving);
END
$$;--> statement-breakpoint
CREATE FUNCTION public.app_place_list(list_owner text, anchor uuid, anchor_is_before boolean, moving uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN public.app_place('public.lists g WHERE g.owner = $1', '', 'lists ' || list_owner, list_owner, NULL, NULL,
    anchor, anchor_is_before, moving);
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_place_todo(text, uuid, uuid, uuid, boolean, uuid) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_place_list(text, uuid, boolean, uuid) FROM PUBLIC;--> statement-breakpoint

-- What the Worker calls, as the value of a position it writes (docs/database.md, "Positions"): the
-- caller's todo `moving` (NULL on create) in the group of `list` (NULL: the default list) and `parent`,
-- or the caller's list `moving` among the caller's lists; next to `anchor` (after it, or before it when
-- `anchor_is_before`), or without an anchor first (false) or last (true).
CREATE FUNCTION public.app_todo_position(list uuid, parent uuid, anchor uuid, anchor_is_before boolean, moving uuid)
  RETURNS text
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
  RETURN public.app_place_todo(current_setting('app.user_id', true), list, parent, anchor, anchor_is_before, moving);--> statement-breakpoint
CREATE FUNCTION public.app_list_position(anchor uuid, anchor_is_before boolean, moving uuid) RETURNS text
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
  RETURN public.app_place_list(current_setting('app.user_id', true), anchor, anchor_is_before, moving);--> statement-breakpoint
-- The lock alone, for a statement that must take it before it locks a row of the group (see above).
CREATE FUNCTION public.app_todo_group_locked(list uuid, parent uuid) RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
  RETURN public.app_position_group_lock(CASE WHEN parent IS NOT NULL THEN 'subtasks ' || parent
    ELSE 'todos ' || coalesce(list, public.app_default_list_id(current_setting('app.user_id', true))) END);--> statement-breakpoint
CREATE FUNCTION public.app_list_group_locked() RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
  RETURN public.app_position_group_lock('lists ' || current_setting('app.user_id', true));--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_list_group_locked() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_list_group_locked() TO todo_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_todo_position(uuid, uuid, uuid, boolean, uuid) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_list_position(uuid, boolean, uuid) FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_todo_group_locked(uuid, uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_todo_position(uuid, uuid, uuid, boolean, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_list_position(uuid, boolean, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_todo_group_locked(uuid, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_place(text, text, text, text, uuid, uuid, uuid, boolean, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_place_todo(text, uuid, uuid, uuid, boolean, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_place_list(text, uuid, boolean, uuid) TO todo_app;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_position_group_lock(text) TO todo_app;--> statement-breakpoint

-- A row written without a position (migration 0013) is placed the same way, so it too renumbers when
-- no key fits (a group whose first key is the smallest there is) and takes the group's lock.
CREATE OR REPLACE FUNCTION public.app_place_unplaced() RETURNS trigger
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'lists' THEN
    NEW.position := public.app_place_list(NEW.owner, NULL, true, NEW.id);
  ELSE
    NEW.position := public.app_place_todo(NEW.owner, NEW.list_id, NEW.parent_id, NULL, false, NEW.id);
  END IF;
  RETURN NEW;
END
$$;
