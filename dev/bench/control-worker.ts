// Bench-only control Worker: the least a Worker on this stack can do to answer
// GET /todos. The same statement as the API's default page, for the owner
// `default` (anonymous), through the Neon driver over HTTP, its rows as JSON; no router, middleware, validation or
// Drizzle at request time. `npm run bench` serves it beside the real Worker
// (case "control"): its CPU per request is the part of a list request that no
// application code can remove (the driver, workerd's subrequest, JSON), to read
// the CPU budget against. Any other path is a bare 404 (case "control-floor"):
// a request to a Worker that does nothing. The deployed Worker never imports it.
import { neon } from '@neondatabase/serverless';
import { SET_OWNER_SQL } from '../../src/db/client.ts';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import { listTodosSql } from '../../src/todos/queries.ts';

interface ControlEnv {
  DATABASE_URL: string;
  NEON_LOCAL_GATEWAY?: string;
}

export default {
  async fetch(request: Request, env: ControlEnv): Promise<Response> {
    if (new URL(request.url).pathname !== '/todos') return new Response('not found', { status: 404 });
    useLocalGateway(env.NEON_LOCAL_GATEWAY);
    const { sql, params } = listTodosSql({ limit: 20 });
    // As the API sends it: the owner set transaction-locally, then the statement, in one transaction.
    const db = neon(env.DATABASE_URL, { arrayMode: true });
    const [, rows] = await db.transaction([db.query(SET_OWNER_SQL, ['default']), db.query(sql, params)]);
    return Response.json({ items: rows!.slice(0, 20) });
  },
};
