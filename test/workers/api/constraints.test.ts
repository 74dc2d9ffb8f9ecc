import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { marker } from './client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

// Statements sent straight to the database as the tables' owner, as psql or a job would: the table itself
// refuses what the API would (README: "the same rules are CHECK constraints in the table").
const sql = () => neon(env.DATABASE_OWNER_URL);
const insert = (text: string) => sql()`insert into todos (owner, text) values ('default', ${text}) returning id, text`;

describe('the todos table', () => {
  it.each([
    ['an empty text', 'todos_text_length', ''],
    ['1001 characters', 'todos_text_length', 'a'.repeat(1001)],
    ['1001 emoji (code points)', 'todos_text_length', '😀'.repeat(1001)],
    ['leading spaces', 'todos_text_trimmed', '  padded'],
    ['a trailing newline', 'todos_text_trimmed', 'line\n'],
    ['a trailing tab', 'todos_text_trimmed', 'x\t'],
    ['whitespace only', 'todos_text_trimmed', ' \t '],
  ])('refuses %s with a CHECK violation (23514, %s)', async (_, constraint, text) => {
    await expect(insert(text)).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('refuses an update that breaks a rule, and keeps the row as it was', async () => {
    const text = marker();
    const [row] = await insert(text);
    await expect(sql()`update todos set text = ${` ${text}`} where id = ${row!.id}`).rejects.toMatchObject({
      code: '23514',
      constraint: 'todos_text_trimmed',
    });
    expect(await sql()`select text from todos where id = ${row!.id}`).toEqual([{ text }]);
  });

  it('takes 1000 characters counted as code points, as the API does', async () => {
    const text = `${marker()} ${'😀'.repeat(1000 - 11)}`;
    expect([...text]).toHaveLength(1000);
    expect((await insert(text))[0]!.text).toBe(text);
  });

  it('cannot store a NUL byte at all (Postgres refuses it in text: 22021)', async () => {
    await expect(insert('a\u0000b')).rejects.toMatchObject({ code: '22021' });
  });
});
