import { neon } from '@neondatabase/serverless';

/**
 * The todos whose text starts with `prefix`, in insertion order, read straight
 * from the database (the gateway configured by useTestGateway): a test's own
 * rows in the shared test database.
 */
export async function rowsStartingWith(databaseUrl: string, prefix: string): Promise<{ text: string; done: boolean }[]> {
  return (await neon(databaseUrl)`select text, done from todos where starts_with(text, ${prefix}) order by id`) as { text: string; done: boolean }[];
}
