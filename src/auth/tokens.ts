import { indexOfSecret } from './secrets.ts';

/** The owner id of a bare static token, and of rows that predate owners. */
export const DEFAULT_OWNER = 'default';

/** The owner id of every caller without a credential when anonymous access is on: apart from `default`, so no bare token's todos are theirs. */
export const ANONYMOUS_OWNER = 'anonymous';

/** The shortest static token accepted: a shorter one could be guessed, or is a placeholder left in a secret. */
export const MIN_TOKEN_LENGTH = 32;

/** A static bearer token and the owner it acts as (`token:<name>`, or `default` for a bare token). */
export interface StaticToken {
  owner: string;
  token: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** What a bearer token may hold (RFC 6750 allows less; this is what the Authorization parser accepts). */
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * One `API_TOKENS` entry: `name:token` when the text before the FIRST `:` is a
 * name (`[A-Za-z0-9._-]{1,64}`), else the whole entry is a bare token owned by
 * `default` (so `a:b:c` is token `b:c` named `a`, and `:x` or `my app:x` are bare).
 */
export function parseTokenEntry(entry: string): StaticToken {
  const colon = entry.indexOf(':');
  const name = colon === -1 ? '' : entry.slice(0, colon);
  return NAME.test(name)
    ? { owner: `token:${name}`, token: entry.slice(colon + 1) }
    : { owner: DEFAULT_OWNER, token: entry };
}

/**
 * Parses `API_TOKENS` (comma-separated entries, blanks around them ignored).
 * Unset or empty: no static token. A value that names no token (`,`), an entry
 * `name:` with nothing after it, a token with spaces or other invisible
 * characters (no request could present it), a token shorter than
 * MIN_TOKEN_LENGTH, and one token listed twice (its owner would be ambiguous)
 * are errors; the message never contains a token (it may name its entry: it
 * is for the log, not for a client).
 * A name may appear more than once, so a token can be rotated without a gap.
 */
export function parseApiTokens(
  value: string | undefined,
): { ok: true; tokens: StaticToken[] } | { ok: false; error: string } {
  if (value === undefined || value === '') return { ok: true, tokens: [] };
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0)
    return { ok: false, error: 'is set but names no token; remove it, or list tokens separated by commas' };
  const tokens = entries.map(parseTokenEntry);
  for (const [i, { owner, token }] of tokens.entries()) {
    const which = owner === DEFAULT_OWNER ? `entry ${i + 1}` : `the entry named ${owner.slice('token:'.length)}`;
    if (token === '') return { ok: false, error: `${which} has no token after its ":"` };
    if (!TOKEN.test(token))
      return {
        ok: false,
        error: `${which} holds a character a bearer token cannot carry (spaces, control or non-ASCII characters)`,
      };
    if (token.length < MIN_TOKEN_LENGTH)
      return {
        ok: false,
        error: `${which} is a token of fewer than ${MIN_TOKEN_LENGTH} characters; make one with: openssl rand -hex 24`,
      };
    const again = tokens.findIndex((other, j) => j > i && other.token === token);
    if (again !== -1) return { ok: false, error: `entries ${i + 1} and ${again + 1} are the same token` };
  }
  return { ok: true, tokens };
}

/** The static token equal to `presented`, compared in constant time against every one; undefined when none is. */
export async function findStaticToken(
  presented: string,
  tokens: readonly StaticToken[],
): Promise<StaticToken | undefined> {
  if (tokens.length === 0) return undefined;
  return tokens[
    await indexOfSecret(
      presented,
      tokens.map((t) => t.token),
    )
  ];
}
