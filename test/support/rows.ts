import { neon } from '@neondatabase/serverless';

/**
 * The todos whose text starts with `prefix`, oldest first (the export's order), read straight
 * from the database (the gateway configured by useTestGateway) as the tables'
 * owner (`ownerUrl`: every owner's rows): a test's own rows in the shared test database.
 */
export async function rowsStartingWith(ownerUrl: string, prefix: string): Promise<{ text: string; done: boolean }[]> {
  return (await neon(
    ownerUrl,
  )`select text, done from todos where starts_with(text, ${prefix}) order by created_at, id`) as {
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
): Promise<string[]> {
  // As the tables' owner, for the `anonymous` owner: the tests' anonymous calls act as it.
  // Ids made as an import makes them (one time, the row's place as seq), so they increase in this order.
  const inserted = (await neon(ownerUrl).query(
    `insert into todos (id, owner, text, created_at, updated_at)
     select app_uuidv7(statement_timestamp(), n), 'anonymous', t, c, c
     from unnest($1::text[], $2::timestamptz[]) with ordinality as r(t, c, n) order by n returning id`,
    [rows.map((r) => r.text), rows.map((r) => r.createdAt)],
  )) as { id: string }[];
  return inserted.map((r) => r.id).sort();
}
