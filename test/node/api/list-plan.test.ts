import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listTodosSql } from '../../../src/todos/queries.ts';
import { useTestGateway } from '../../support/driver.ts';

beforeAll(() => useTestGateway(inject('gatewayAddress')));

/** The plan Postgres picks for `query` when it may not scan the table sequentially. */
async function planOf(query: { sql: string; params: unknown[] }): Promise<string> {
  const sql = neon(inject('databaseUrl'));
  const [, rows] = await sql.transaction([
    sql.query('set local enable_seqscan = off'),
    sql.query(`explain ${query.sql}`, query.params),
  ]);
  return (rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}

describe('the listing reads one index range, in index order', () => {
  const after = { createdAt: '2026-11-25T10:00:00.000000Z', id: 100 };
  it.each([
    ['newest first', {}],
    ['filtered by done', { done: true }],
    ['after a cursor', { after }],
    ['filtered and after a cursor', { done: false, after }],
    ['oldest first (the export)', { oldestFirst: true }],
    ['oldest first, filtered, after a cursor', { oldestFirst: true, done: true, after }],
  ])('%s: no sort step', async (_, options) => {
    const plan = await planOf(listTodosSql({ limit: 20, ...options }));
    expect(plan).toMatch(/Index (Only )?Scan/);
    expect(plan).not.toMatch(/Sort/);
  });
});
