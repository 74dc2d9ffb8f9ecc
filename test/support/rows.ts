import { neon } from '@neondatabase/serverless';

/**
 * The todos whose text starts with `prefix`, in insertion order, read straight
 * from the database (the gateway configured by useTestGateway) as the tables'
 * owner (`ownerUrl`: every owner's rows): a test's own rows in the shared test database.
 */
export async function rowsStartingWith(ownerUrl: string, prefix: string): Promise<{ text: string; done: boolean }[]> {
  return (await neon(ownerUrl)`select text, done from todos where starts_with(text, ${prefix}) order by id`) as {
    text: string;
    done: boolean;
  }[];
}

/**
 * Inserts `anonymous`'s todos straight into the table with the creation times given (the
 * API always stamps now()), in this order; returns their ids in the same order.
 * Keep such times after 1971-01-03: todos.test.ts owns the oldest rows of the table.
 */
export async function insertCreatedAt(
  ownerUrl: string,
  rows: { text: string; createdAt: string }[],
): Promise<number[]> {
  // As the tables' owner, for the `anonymous` owner: the tests' anonymous calls act as it.
  const inserted = (await neon(ownerUrl).query(
    `insert into todos (owner, text, created_at, updated_at)
     select 'anonymous', t, c, c from unnest($1::text[], $2::timestamptz[]) with ordinality as r(t, c, n) order by n returning id`,
    [rows.map((r) => r.text), rows.map((r) => r.createdAt)],
  )) as { id: number }[];
  // Identity values are drawn in the order rows are inserted, which is the ORDER BY's.
  return inserted.map((r) => r.id).sort((a, b) => a - b);
}
