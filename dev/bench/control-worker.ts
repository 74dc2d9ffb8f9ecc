// Bench-only control Worker: the least a Worker on this stack can do to answer
// GET /todos and POST /todos. The same statements as the API's default page and
// create, for the owner `anonymous`, through the Neon driver over HTTP,
// the rows as the API's JSON; no router, middleware, validation or Drizzle at
// request time. `npm run bench` serves it beside the real Worker (cases
// "control" and "control-create"): its CPU per request is the part of a list or
// create request that no application code can remove (the driver, workerd's
// subrequest, JSON), which the budgets hold the API's against. Any other path is
// a bare 404 (case "control-floor"): a request to a Worker that does nothing.
// The deployed Worker never imports it.
import { neon } from '@neondatabase/serverless';
import { ANONYMOUS_OWNER } from '../../src/auth/tokens.ts';
import { SET_OWNER_SQL } from '../../src/db/client.ts';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import { insertTodoSql, listTodosSql } from '../../src/todos/queries.ts';

interface ControlEnv {
  DATABASE_URL: string;
  NEON_LOCAL_GATEWAY?: string;
}

/** Both statements select a todo as one column, its JSON as Postgres writes it (as the API reads it). */
const todoOf = (row: unknown[]) => JSON.parse(row[0] as string) as { id: number };

/** As the API sends it: the owner set transaction-locally, then the statement, in one transaction. */
async function run(env: ControlEnv, { sql, params }: { sql: string; params: unknown[] }): Promise<unknown[][]> {
  useLocalGateway(env.NEON_LOCAL_GATEWAY);
  const db = neon(env.DATABASE_URL, { arrayMode: true });
  const [, rows] = await db.transaction([db.query(SET_OWNER_SQL, [ANONYMOUS_OWNER]), db.query(sql, params)]);
  return rows as unknown[][];
}

export default {
  async fetch(request: Request, env: ControlEnv): Promise<Response> {
    if (new URL(request.url).pathname !== '/todos') return new Response('not found', { status: 404 });
    if (request.method === 'POST') {
      const { text, done = false } = await request.json<{ text: string; done?: boolean }>();
      const [row] = await run(env, insertTodoSql({ text, done }));
      const todo = todoOf(row!);
      return Response.json(todo, { status: 201, headers: { Location: `/todos/${todo.id}` } });
    }
    const rows = await run(env, listTodosSql({ limit: 20 }));
    const items = rows.slice(0, 20).map((row) => row[0] as string);
    return new Response(`{"items":[${items.join(',')}],"nextCursor":null}`, {
      headers: { 'Content-Type': 'application/json' },
    });
  },
};
