-- Manual order: position keys in the format of the `fractional-indexing` npm package (docs/database.md,
-- "Positions"). Written by hand (drizzle-kit generate --custom): drizzle-kit writes no functions.
-- A key is an integer part, whose head character (A-Z, a-z) gives its length, then an optional fraction,
-- in base 62 digits 0-9A-Za-z. Keys are compared byte-wise, as the library compares them: every ordering
-- here says COLLATE "C", since a plpgsql function otherwise compares with the collation of its arguments
-- (equality is byte-wise in any deterministic collation; arguments in a nondeterministic one are not keys).
-- Each function mirrors the library's function of the same role, so a test can hold them to it.

-- Why plpgsql throughout: a SQL function with SET search_path is never inlined, and one called from
-- another SQL function is planned again on every call, which costs far more than the work itself.

-- The length of the integer part that a key's head character announces (2 to 27), or NULL for a bad head:
-- 'a'..'z' are the positive integers of 1 to 26 digits, 'Z'..'A' the negative ones.
CREATE FUNCTION public.app_key_integer_length(head text) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE WHEN length(head) <> 1 THEN NULL
              WHEN head COLLATE "C" BETWEEN 'a' AND 'z' THEN ascii(head) - ascii('a') + 2
              WHEN head COLLATE "C" BETWEEN 'A' AND 'Z' THEN ascii('Z') - ascii(head) + 2 END;
END
$$;--> statement-breakpoint

-- Whether the library accepts `key`, within this project's bounds: at most 128 characters, and only the
-- 62 digits (the library reads any other character as the digit 0, which breaks byte-wise order).
-- Refused as the library refuses them: a bad head, a key shorter than its integer part, a fraction
-- ending in '0' (the same key as without it), and the smallest integer (nothing could go before it).
-- Use it to check a key a client sent, or through the domain below.
CREATE FUNCTION public.app_key_valid(key text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  integer_length constant integer := public.app_key_integer_length(left(key, 1));
BEGIN
  RETURN coalesce(
    length(key) <= 128
    AND key COLLATE "C" ~ '^[A-Za-z][0-9A-Za-z]*$'
    AND length(key) >= integer_length
    AND (length(key) = integer_length OR right(key, 1) <> '0')
    AND key <> 'A' || repeat('0', 26),
    false);
END
$$;--> statement-breakpoint

-- A position column's type: byte-wise order and valid keys in one declaration. A bad key is refused
-- with SQLSTATE 23514 naming the constraint app_position_valid.
CREATE DOMAIN public.app_position AS text COLLATE "C"
  CONSTRAINT app_position_valid CHECK (public.app_key_valid(VALUE));--> statement-breakpoint

-- The integer part `x` plus `step` (1 or -1), or NULL past the largest or smallest integer
-- (the library's incrementInteger and decrementInteger).
CREATE FUNCTION public.app_key_integer_step(x text, step integer) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  heads constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  carry constant text := CASE WHEN step > 0 THEN 'z' ELSE '0' END;  -- the digit that overflows
  reset constant text := CASE WHEN step > 0 THEN '0' ELSE 'z' END;  -- what an overflowed digit becomes
  run constant text := substr(x, 2);
  kept constant text := rtrim(run, carry);
  head text;
BEGIN
  IF kept <> '' THEN
    RETURN left(x, length(kept)) || substr(digits, strpos(digits, right(kept, 1)) + step, 1)
      || repeat(reset, length(run) - length(kept));
  END IF;
  -- Every digit overflowed: the next head, whose integer part may be one digit longer or shorter.
  head := nullif(substr(heads, strpos(heads, left(x, 1)) + step, 1), '');
  RETURN head || repeat(reset, public.app_key_integer_length(head) - 1);
END
$$;--> statement-breakpoint

-- A fraction strictly between the fractions `a` and `b` (b NULL: no upper bound), given a < b and no
-- trailing '0' (the library's midpoint, its recursion written as a loop).
CREATE FUNCTION public.app_key_midpoint(a text, b text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  result text := '';
  padded text;
  common integer;
  middle integer;
  high integer;
  digit_a integer;
  digit_b integer;
BEGIN
  LOOP
    IF b IS NOT NULL THEN
      -- Keep the common prefix, reading `a` as padded with '0': its length by halving, since keys near
      -- a busy spot share long prefixes.
      padded := rpad(a, length(b), '0');
      common := 0;
      high := length(b);
      WHILE common < high LOOP
        middle := (common + high + 1) / 2;
        IF left(padded, middle) = left(b, middle) THEN common := middle; ELSE high := middle - 1; END IF;
      END LOOP;
      result := result || left(b, common);
      a := substr(a, common + 1);
      b := substr(b, common + 1);
    END IF;
    digit_a := CASE WHEN a = '' THEN 0 ELSE strpos(digits, left(a, 1)) - 1 END;
    digit_b := CASE WHEN b IS NULL THEN 62 ELSE strpos(digits, left(b, 1)) - 1 END;
    IF digit_b - digit_a > 1 THEN
      -- The middle digit, halves rounded up as the library's Math.round does.
      RETURN result || substr(digits, (digit_a + digit_b + 1) / 2 + 1, 1);
    END IF;
    IF length(b) > 1 THEN
      RETURN result || left(b, 1);
    END IF;
    -- Consecutive digits and `b` one digit long (or none): keep a's digit and go on with no upper bound.
    result := result || substr(digits, digit_a + 1, 1);
    a := substr(a, 2);
    b := NULL;
  END LOOP;
END
$$;--> statement-breakpoint

-- A key strictly between `a` and `b` (either NULL for an open end; given in either order), the same key
-- as the library's generateKeyBetween(a, b). SQLSTATE 22K01 when either is not a valid key (the
-- library throws, or app_key_valid refuses it), 22K02 when they are equal (nothing is between them:
-- see app_key_place). The result may be one character longer than the longer argument, so past 128.
-- One departure from the library: just above the smallest integer ('A' and 26 '0'), the library
-- returns that integer, which it then refuses as a key; this returns the valid key below it.
CREATE FUNCTION public.app_key_between(a text, b text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  smallest constant text := 'A' || repeat('0', 26);
  int_a text;
  int_b text;
  next_int text;
BEGIN
  IF a IS NOT NULL AND NOT public.app_key_valid(a) OR b IS NOT NULL AND NOT public.app_key_valid(b) THEN
    RAISE EXCEPTION 'not a position key: %', CASE WHEN a IS NOT NULL AND NOT public.app_key_valid(a) THEN 'a' ELSE 'b' END
      USING ERRCODE = '22K01';
  END IF;
  IF a = b COLLATE "C" THEN
    RAISE EXCEPTION 'no position key is between two equal keys' USING ERRCODE = '22K02';
  END IF;
  IF a > b COLLATE "C" THEN
    SELECT b, a INTO a, b;
  END IF;
  int_a := left(a, public.app_key_integer_length(left(a, 1)));
  int_b := left(b, public.app_key_integer_length(left(b, 1)));
  IF a IS NULL THEN
    IF b IS NULL THEN
      RETURN 'a0';
    ELSIF int_b = smallest THEN
      RETURN int_b || public.app_key_midpoint('', substr(b, length(int_b) + 1));
    ELSIF int_b <> b THEN
      RETURN int_b;  -- b has a fraction, so its integer part sorts just before it
    END IF;
    next_int := public.app_key_integer_step(int_b, -1);
    IF next_int = smallest THEN
      -- The library returns it here, a key it refuses: go below b in the fraction instead.
      RETURN smallest || public.app_key_midpoint('', NULL);
    END IF;
    RETURN next_int;
  END IF;
  IF b IS NOT NULL AND int_a = int_b THEN
    RETURN int_a || public.app_key_midpoint(substr(a, length(int_a) + 1), substr(b, length(int_b) + 1));
  END IF;
  next_int := public.app_key_integer_step(int_a, 1);
  IF next_int IS NOT NULL AND (b IS NULL OR next_int < b COLLATE "C") THEN
    RETURN next_int;
  END IF;
  RETURN int_a || public.app_key_midpoint(substr(a, length(int_a) + 1), NULL);
END
$$;--> statement-breakpoint

-- The key for an item placed between its neighbours `a` and `b` (NULL: an open end), or NULL when the
-- caller must renumber the sibling group instead (app_key_nth): `a` and `b` are equal (two clients
-- placed items at one spot at once), or the key would be longer than 128 characters.
CREATE FUNCTION public.app_key_place(a text, b text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  key text;
BEGIN
  IF a = b COLLATE "C" THEN
    RETURN NULL;
  END IF;
  key := public.app_key_between(a, b);
  RETURN CASE WHEN length(key) <= 128 THEN key END;
END
$$;--> statement-breakpoint

-- The key at `rank` (0-based) of a renumbered group: 'a0', 'a1', ..., 'az', 'b00', ..., the keys of the
-- library's generateNKeysBetween(null, null, n). One integer step apart, each gap has room for about
-- 750 placements at one spot before a key reaches 128 characters; a group of a million is 5 characters.
CREATE FUNCTION public.app_key_nth(rank bigint) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  width integer := 1;  -- digits after the head 'a', 'b', ...
  span numeric := 62;  -- how many integers have that many digits
  rest numeric := rank;
  run text := '';
BEGIN
  IF rank < 0 THEN
    RAISE EXCEPTION 'a rank is 0 or more, not %', rank USING ERRCODE = '22023';
  END IF;
  WHILE rest >= span LOOP
    rest := rest - span;
    width := width + 1;
    span := span * 62;
  END LOOP;
  FOR i IN 1..width LOOP
    run := substr(digits, (rest % 62)::integer + 1, 1) || run;
    rest := div(rest, 62);
  END LOOP;
  RETURN chr(ascii('a') + width - 1) || run;
END
$$;
