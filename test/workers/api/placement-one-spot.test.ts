import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';
import { useTestGateway } from '../../support/driver.ts';
import { MAX_KEY_LENGTH, projectAccepts } from '../../support/position-keys.ts';

// The test of bounded keys: creates at one spot, each `after` the same todo, in a list of its own. The
// group is renumbered every few hundred placements, when the next key would pass 128 characters. Through the API,
// 1,000 creates, each its own request (a placement is one statement: nothing batches it), straight to the Worker,
// unchecked against the document (test/workers/api/placement.test.ts checks the same answers); then 5,000 more in
// the database, each the statement the Worker's create sends for it (app_todo_position in an INSERT, as the
// Worker's role for the caller), in one round trip: the same placement, without 5,000 HTTP requests' time.

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const PLACEMENTS = 1_000;
const IN_THE_DATABASE = 5_000;

// A caller of its own (a static token), so its quota and its default list are the test's alone.
const tokenName = `one-spot-${crypto.randomUUID().slice(0, 8)}`;
const secret = `secret-${crypto.randomUUID()}`;
const settings = { ...env, API_TOKENS: `${tokenName}:${secret}` };

async function create(json: Record<string, unknown>): Promise<string> {
  const res = await app.request(
    '/todos',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(json),
    },
    settings,
  );
  const body = await res.json<{ id: string }>();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

it(`${(PLACEMENTS + IN_THE_DATABASE).toLocaleString('en')} creates after the same todo: every key within 128 characters, the order asked for`, async () => {
  const db = neon(env.DATABASE_OWNER_URL);
  const [made] = await db.query(
    `insert into lists (owner, title, position) values ($1, 'one spot', 'a5') returning id`,
    [`token:${tokenName}`],
  );
  const list = made!.id as string;
  const top = await create({ text: 'top', listId: list, position: 'a0' });
  const bottom = await create({ text: 'bottom', listId: list, position: 'a1' });
  const placed: string[] = [];
  for (let i = 0; i < PLACEMENTS; i++) placed.push(await create({ text: `n${i}`, listId: list, after: top }));
  const worker = neon(env.DATABASE_URL);
  // DO takes no parameters: the two ids are the database's own UUIDs, checked as such before they go in the text.
  expect([list, top].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  await worker.transaction([
    worker.query('select public.app_set_owner($1)', [`token:${tokenName}`]),
    worker.query(`do $$ begin for n in 1..${IN_THE_DATABASE} loop
        insert into todos (text, list_id, position)
          values ('d' || n, '${list}', app_todo_position('${list}', null, '${top}', false, null));
      end loop; end $$`),
  ]);
  const inDatabase = await db.query(
    `select id from todos where list_id = $1 and text like 'd%' order by substr(text, 2)::int`,
    [list],
  );
  const ids = inDatabase.map((row) => row.id as string);
  placed.push(...ids);
  const rows = await db.query(`select id, position from todos where list_id = $1 order by position collate "C", id`, [
    list,
  ]);
  expect(rows.length).toBe(PLACEMENTS + IN_THE_DATABASE + 2);
  expect(rows.map((row) => row.id)).toEqual([top, ...placed.reverse(), bottom]);
  const keys = rows.map((row) => row.position as string);
  expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(MAX_KEY_LENGTH);
  expect(keys.every(projectAccepts)).toBe(true);
  // Strictly increasing: no two todos share a key.
  expect(keys.every((key, i) => i === 0 || keys[i - 1]! < key)).toBe(true);
}, 600_000);
