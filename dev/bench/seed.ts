import { neon } from '@neondatabase/serverless';
import { ANONYMOUS_OWNER } from '../../src/auth/tokens.ts';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import { TEXT_MAX_LENGTH } from '../../src/lib/text-rules.ts';

const WORDS = (
  'buy milk call mum renew passport fix the leaking tap book dentist water plants pay rent review pull request ' +
  'write report plan trip return library books clean garage update resume prepare slides email landlord order groceries ' +
  'walk the dog read chapter backup laptop cancel subscription schedule meeting file taxes'
).split(' ');

/**
 * The Worker's TODO_QUOTA in the bench: the cases write far more than one owner's default quota (100,000 todos).
 * The quota's triggers still run on every write, and are measured; only the limit is out of reach.
 */
export const BENCH_TODO_QUOTA = '999999999';

/** A todo text like people write: mostly a few words, sometimes a sentence or a paragraph. */
export function todoText(random: () => number = Math.random): string {
  const roll = random();
  const words =
    roll < 0.6
      ? 2 + Math.floor(random() * 5)
      : roll < 0.9
        ? 8 + Math.floor(random() * 20)
        : 40 + Math.floor(random() * 120);
  const text = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  return (text[0]!.toUpperCase() + text.slice(1)).slice(0, TEXT_MAX_LENGTH).trim();
}

/** Rows per statement: well under the 10 MiB a SQL-over-HTTP request may carry, even if every text were 1000 characters. */
const ROWS_PER_STATEMENT = 5_000;

/**
 * Inserts `count` todos of `owner`, one statement per 5,000 (arrays unnested
 * server-side), through the gateway's direct route as the tables' owner
 * (`ownerUrl`: it may name the owner column; no owner is set), and returns
 * their ids. About 30% are done, and createdAt spreads over the last year, so
 * lists and the done filter read real index ranges.
 */
export async function seedTodos(
  ownerUrl: string,
  gatewayAddress: string,
  count: number,
  owner = ANONYMOUS_OWNER,
): Promise<string[]> {
  useLocalGateway(gatewayAddress);
  const sql = neon(ownerUrl);
  const now = Date.now();
  const texts: string[] = [];
  const done: boolean[] = [];
  const created: string[] = [];
  for (let i = 0; i < count; i++) {
    texts.push(todoText());
    done.push(Math.random() < 0.3);
    created.push(new Date(now - Math.floor(Math.random() * 365 * 86_400_000)).toISOString());
  }
  const ids: string[] = [];
  for (let from = 0; from < count; from += ROWS_PER_STATEMENT) {
    const to = from + ROWS_PER_STATEMENT;
    const rows = (await sql.query(
      `INSERT INTO todos (owner, text, done, created_at, updated_at)
       SELECT $4, t, d, c, c FROM unnest($1::text[], $2::boolean[], $3::timestamptz[]) AS s(t, d, c)
       RETURNING id`,
      [texts.slice(from, to), done.slice(from, to), created.slice(from, to), owner],
    )) as { id: string }[];
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

/**
 * The Worker's LIST_QUOTA in the bench: the list cases create far more lists than one owner's default quota (1,000).
 */
export const BENCH_LIST_QUOTA = '9999999';

/**
 * Inserts `count` lists of `owner`, each holding `todosEach` todos, as the tables' owner (as seedTodos), and
 * returns the lists' ids and their todos' ids. The owner's default list is made first, as the Worker's first
 * write would make it (the trigger does so only when an owner is set).
 */
export async function seedLists(
  ownerUrl: string,
  gatewayAddress: string,
  { count, todosEach, owner = ANONYMOUS_OWNER }: { count: number; todosEach: number; owner?: string },
): Promise<{ lists: string[]; todos: string[] }> {
  useLocalGateway(gatewayAddress);
  const sql = neon(ownerUrl);
  await sql.query('select app_write_default_list($1)', [owner]);
  const lists = (
    (await sql.query(
      `INSERT INTO lists (owner, title) SELECT $1, 'Bench list ' || n FROM generate_series(1, $2) AS n RETURNING id`,
      [owner, count],
    )) as { id: string }[]
  ).map((row) => row.id);
  const todos = (
    (await sql.query(
      `INSERT INTO todos (owner, list_id, text)
       SELECT $1, l, 'Bench todo ' || n FROM unnest($2::uuid[]) AS l, generate_series(1, $3) AS n RETURNING id`,
      [owner, lists, todosEach],
    )) as { id: string }[]
  ).map((row) => row.id);
  return { lists, todos };
}

/** The id of `owner`'s default list (the database derives it). */
export async function defaultListOf(ownerUrl: string, owner = ANONYMOUS_OWNER): Promise<string> {
  const [row] = (await neon(ownerUrl).query('select app_default_list_id($1)::text as id', [owner])) as { id: string }[];
  return row!.id;
}

/** Todos of the default list, lists beside it and the todos in each of those (which the move case moves between them). */
const SEEDED_TODOS = 10_000;
const SEEDED_LISTS = 20;
const SEEDED_LISTS_TODOS = 50;

/** What every bench's cases draw on, for `owner`: the seeded todos and lists (CaseContext's data). */
export async function seedCaseData(ownerUrl: string, gatewayAddress: string, owner = ANONYMOUS_OWNER) {
  const ids = await seedTodos(ownerUrl, gatewayAddress, SEEDED_TODOS, owner);
  const { lists, todos: movable } = await seedLists(ownerUrl, gatewayAddress, {
    count: SEEDED_LISTS,
    todosEach: SEEDED_LISTS_TODOS,
    owner,
  });
  return { ids, lists, movable, listId: await defaultListOf(ownerUrl, owner) };
}

/** Todos in each list of a list-delete pool. */
const POOL_LIST_TODOS = 5;

/** Items a delete case deletes once each: `count` todos, or `count` lists holding a few todos each. */
export const seedPool = async (ownerUrl: string, gatewayAddress: string, pool: 'todos' | 'lists', count: number) =>
  pool === 'todos'
    ? await seedTodos(ownerUrl, gatewayAddress, count)
    : (await seedLists(ownerUrl, gatewayAddress, { count, todosEach: POOL_LIST_TODOS })).lists;
