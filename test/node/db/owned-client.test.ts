import { neon, neonConfig } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/db/batch.ts';
import { ownedClient, SET_OWNER_SQL, type Drizzle } from '../../../src/db/client.ts';
import { todos } from '../../../src/db/schema.ts';

// What the owner's client puts on the wire: each HTTP request the driver makes, as Neon would receive it.
// (The tests in test/workers run the same against the real gateway and databases.)
let sent: { queries?: { query: string; params: unknown[] }[]; query?: string }[] = [];
const saved = { fetchFunction: neonConfig.fetchFunction as unknown, fetchEndpoint: neonConfig.fetchEndpoint };

beforeEach(() => {
  sent = [];
  neonConfig.fetchEndpoint = 'http://owned-client.test/sql';
  neonConfig.fetchFunction = async (_url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as (typeof sent)[number];
    sent.push(body);
    const result = { command: 'SELECT', rowCount: 0, fields: [], rows: [] };
    return Response.json(body.queries ? { results: body.queries.map(() => result) } : result);
  };
});
afterEach(() => Object.assign(neonConfig, saved));

const client = () => ownedClient(neon('postgres://u:p@db.test/neondb'), 'token:a');

describe("the owner's client", () => {
  it("sends each Drizzle query as ONE request: a transaction of the owner's setting, then the statement", async () => {
    await drizzle({ client: client() }).select({ id: todos.id }).from(todos);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.queries).toEqual([
      { query: SET_OWNER_SQL, params: ['token:a'] },
      { query: expect.stringMatching(/^select "id" from "todos"/), params: [] },
    ]);
  });

  it('puts the setting ahead of a batch, in the same request, and drops its result', async () => {
    const db: Drizzle = drizzle({ client: client() });
    const results = await runBatch(db, [sql`select 1`, sql`select ${2}`]);
    expect(results).toHaveLength(2);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.queries!.map((q) => q.query)).toEqual([SET_OWNER_SQL, 'select 1', 'select $1']);
  });

  it('refuses the forms that would bypass the setting', () => {
    expect(() => (client() as unknown as (s: TemplateStringsArray) => unknown)`select 1`).toThrow('query() only');
    expect(() => client().transaction([])).toThrow('only transaction((txn) =>');
    expect(sent).toEqual([]);
  });
});
