import { env } from 'cloudflare:workers';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { app } from '../../../src/index.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import { encodeCursor } from '../../../src/lib/cursor.ts';
import { useTestGateway } from '../../support/driver.ts';
import { apiDocument, operationsOf, type Operation } from '../../support/operations.ts';

// Two owners with named tokens, `default` (a bare token) and `anonymous` (no token): none may reach another's todos or keys through
// any operation the served document describes. Every operation is walked as each owner against each
// other owner's rows (their ids in the path, a cursor at their rows, their Idempotency-Key), every
// way it answers (each success media type); a route added later is walked without an edit here.

const RUN = crypto.randomUUID().slice(0, 8);
const OWNERS = ['token:a', 'token:b', 'default', 'anonymous'] as const;
type Owner = (typeof OWNERS)[number];
const TOKENS: Record<Owner, string | undefined> = {
  'token:a': `tok-a-${RUN}-ownership-test-token`,
  'token:b': `tok-b-${RUN}-ownership-test-token`,
  default: `tok-bare-${RUN}-ownership-test-token`,
  anonymous: undefined,
};
const ownersEnv: Env = {
  ...env,
  API_TOKENS: `a:${TOKENS['token:a']},b:${TOKENS['token:b']},${TOKENS.default}`,
  AUTH_ANONYMOUS: 'on',
};
// The tables' owner with no owner set: every owner's rows, to check what the API did.
const direct = () => neon(env.DATABASE_OWNER_URL);

const secured = operationsOf(apiDocument).filter((o) => o.secured);

/** Text no other test writes, naming who wrote it (and, in the walk, at whom it was aimed). */
const marker = (...parts: string[]) => `own-${RUN} ${parts.join(' ')}`;

/** A body of `type` carrying `text`: what each media type a route accepts looks like. */
function bodyOf(type: string, text: string): string {
  if (type === 'application/json') return JSON.stringify({ text });
  if (type === 'text/csv') return `text\n${text}\n`;
  throw new Error(`no sample body for ${type}: teach this test what one looks like`);
}

/** The request `as` sends to `op`; `target` fills path parameters (a todo id) and the cursor. */
function send(
  op: Operation,
  as: Owner,
  { id, cursor, key, text, accept }: { id: number; cursor?: string; key?: string; text: string; accept?: string },
) {
  const path = op.template.replace(/\{[^}]+\}/g, String(id));
  const query = cursor && op.parameters.query?.includes('cursor') ? `?cursor=${cursor}` : '';
  const bodyType = op.bodyTypes[0];
  const headers: Record<string, string> = {
    ...(TOKENS[as] ? { authorization: `Bearer ${TOKENS[as]}` } : {}),
    ...(bodyType ? { 'content-type': bodyType } : {}),
    ...(key && op.parameters.header?.includes('idempotency-key') ? { 'idempotency-key': key } : {}),
    ...(accept ? { accept } : {}),
  };
  return app.request(
    `${path}${query}`,
    { method: op.method, headers, body: bodyType ? bodyOf(bodyType, text) : undefined },
    ownersEnv,
  );
}

/** Every todo id an answer shows: objects with a numeric id and a text (JSON), or the id column (CSV). */
function idsShown(type: string, body: string): number[] {
  // The export's own reader: texts may hold commas, quotes and line breaks.
  if (type.startsWith('text/csv'))
    return parseCsv(body)
      .slice(1)
      .map((record) => Number(record.fields[0]));
  const ids: number[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.id === 'number' && typeof record.text === 'string') ids.push(record.id);
      Object.values(record).forEach(walk);
    }
  };
  if (type.includes('json') && body) walk(JSON.parse(body));
  return ids;
}

/** What each owner has that this file made: the rows and the keys, as stored. */
async function stateOf(owner: Owner) {
  const todos = await direct().query(
    `select id, text, done, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAt", updated_at::text
     from todos where owner = $1 and text like $2 order by id`,
    [owner, marker('%')],
  );
  const keys = await direct().query(
    'select scope, key, request_hash, response, created_at::text from idempotency_keys where owner = $1 and key like $2 order by scope, key',
    [owner, `${RUN}%`],
  );
  return { todos: todos as { id: number; text: string; createdAt: string }[], keys };
}

/** Counts the Neon driver's HTTP requests (database round trips) in this isolate. */
let fetches = 0;
const plainFetch = neonConfig.fetchFunction as typeof fetch | undefined;

const keyOf = (owner: Owner, op: Operation) => `${RUN}:${op.method}:${op.template}:${owner}`;
/** Each owner's state after the setup, and the answers it got for its keyed writes. */
const before = new Map<Owner, Awaited<ReturnType<typeof stateOf>>>();
const firstAnswers = new Map<string, string>();

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
    fetches++;
    return fetch(input, init);
  };
  // Each owner uses every write the document has, with a key of its own, and makes a few more todos.
  for (const owner of OWNERS) {
    for (const op of secured.filter((o) => o.method === 'POST' && !o.template.includes('{'))) {
      const res = await send(op, owner, { id: 0, key: keyOf(owner, op), text: marker(owner, 'wrote', op.template) });
      expect(res.status, `${owner}: ${op.method} ${op.template}`).toBe(201);
      firstAnswers.set(keyOf(owner, op), await res.text());
    }
    const create = secured.find((o) => o.method === 'POST' && o.template === '/todos')!;
    for (let i = 0; i < 3; i++)
      expect((await send(create, owner, { id: 0, text: marker(owner, `todo ${i}`) })).status).toBe(201);
    before.set(owner, await stateOf(owner));
    expect(before.get(owner)!.todos.length).toBeGreaterThanOrEqual(4);
  }
});
afterAll(() => {
  neonConfig.fetchFunction = plainFetch;
});

describe('every todo belongs to its owner, through every operation of the served document', () => {
  it('finds the operations to walk', () => {
    expect(secured.map((o) => `${o.method} ${o.template}`)).toEqual(
      expect.arrayContaining([
        'GET /todos',
        'POST /todos',
        'POST /todos/import',
        'GET /todos/{id}',
        'PATCH /todos/{id}',
        'DELETE /todos/{id}',
      ]),
    );
  });

  const pairs = OWNERS.flatMap((actor) =>
    OWNERS.filter((victim) => victim !== actor).map((victim) => [actor, victim] as const),
  );
  it.each(
    secured.flatMap((op) =>
      pairs.map(([actor, victim]) => [`${op.method} ${op.template}`, actor, victim, op] as const),
    ),
  )('%s as %s cannot see, count, change or replay what %s has, in one round trip', async (_, actor, victim, op) => {
    const theirs = before.get(victim)!;
    const target = theirs.todos[0]!;
    const cursors = [
      undefined,
      encodeCursor({ createdAt: theirs.todos.at(-1)!.createdAt, id: theirs.todos.at(-1)!.id + 1 }),
    ];
    const accepts = op.method === 'GET' ? op.successTypes : [undefined];
    for (const cursor of op.parameters.query?.includes('cursor') ? cursors : [undefined]) {
      for (const accept of accepts) {
        // The victim's key, with a body of the actor's own: a key shared across owners would replay or refuse (422).
        const text = marker(actor, 'at', victim, op.template);
        const theirsNow = await stateOf(victim);
        fetches = 0;
        const res = await send(op, actor, { id: target.id, cursor, key: keyOf(victim, op), text, accept });
        const roundTrips = fetches;
        const body = await res.text();
        const what = `${op.method} ${op.template} as ${actor} (cursor: ${cursor ?? 'none'}, accept: ${accept ?? 'any'}) -> ${res.status} ${body.slice(0, 200)}`;
        expect(res.status, what).toBeLessThan(500);
        // One round trip when the database was asked (an answer, or a 404 for a row it did not show), none for a refused request.
        expect(roundTrips, what).toBe(res.status < 300 || res.status === 404 ? 1 : 0);
        expect(res.headers.get('idempotent-replayed'), what).toBeNull();
        if (op.template.includes('{')) expect(res.status, what).toBe(404);
        // Nothing of the victim's is shown: no row of theirs, and every row shown is the actor's.
        expect(body, what).not.toContain(marker(victim));
        const shown = idsShown(res.headers.get('content-type') ?? '', body);
        if (shown.length > 0) {
          const owners = await direct().query('select distinct owner from todos where id = any($1::int[])', [shown]);
          expect(
            owners.map((r) => r.owner as string),
            what,
          ).toEqual(owners.length ? [actor] : []);
        }
        // Nothing of the victim's changed: rows, keys and their stored answers.
        expect(await stateOf(victim), what).toEqual(theirsNow);
      }
    }
  });

  it("leaves each owner's own keys replaying its own answers", async () => {
    for (const owner of OWNERS) {
      for (const op of secured.filter((o) => o.method === 'POST' && !o.template.includes('{'))) {
        const res = await send(op, owner, { id: 0, key: keyOf(owner, op), text: marker(owner, 'wrote', op.template) });
        expect(res.status).toBe(201);
        expect(res.headers.get('idempotent-replayed')).toBe('true');
        expect(await res.text()).toBe(firstAnswers.get(keyOf(owner, op)));
      }
    }
  });
});

describe('the CSV export', () => {
  it("carries the owner on every page: all of the owner's todos and nothing else, over several pages", async () => {
    const importOp = secured.find((o) => o.method === 'POST' && o.template === '/todos/import')!;
    const rows = Array.from({ length: 1500 }, (_, i) => marker('token:a', `page row ${i}`));
    const res = await app.request(
      '/todos/import',
      {
        method: 'POST',
        body: `text\n${rows.join('\n')}\n`,
        headers: { authorization: `Bearer ${TOKENS['token:a']}`, 'content-type': importOp.bodyTypes[0]! },
      },
      ownersEnv,
    );
    expect(res.status).toBe(201);
    for (const owner of ['token:a', 'token:b'] as const) {
      const csv = await (
        await app.request(
          '/todos',
          { headers: { authorization: `Bearer ${TOKENS[owner]}`, accept: 'text/csv' } },
          ownersEnv,
        )
      ).text();
      const ids = idsShown('text/csv', csv);
      const all = await direct().query('select id from todos where owner = $1 order by created_at, id', [owner]);
      expect(ids).toEqual(all.map((r) => r.id as number));
    }
  });
});

describe('idempotency keys are scoped by owner', () => {
  const create = () => secured.find((o) => o.method === 'POST' && o.template === '/todos')!;

  it('the same key and the same body, sent by another owner, creates that owner a todo of its own instead of replaying', async () => {
    const key = `${RUN}-same-key`;
    const text = marker('the same body for everyone');
    const answers = [];
    for (const owner of OWNERS) {
      const res = await send(create(), owner, { id: 0, key, text });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      answers.push(await res.json<{ id: number }>());
    }
    expect(new Set(answers.map((a) => a.id)).size).toBe(OWNERS.length);
    const rows = await direct().query('select owner from todos where text = $1 order by owner', [text]);
    expect(rows.map((r) => r.owner as string)).toEqual([...OWNERS].sort());
    // And each owner's repeat replays its own.
    for (const [i, owner] of OWNERS.entries()) {
      const res = await send(create(), owner, { id: 0, key, text });
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect((await res.json<{ id: number }>()).id).toBe(answers[i]!.id);
    }
  });

  it("one owner's key with another body does not block another owner's use of it (no 422)", async () => {
    const key = `${RUN}-blocking`;
    expect((await send(create(), 'token:a', { id: 0, key, text: marker('first, by a') })).status).toBe(201);
    const res = await send(create(), 'token:b', { id: 0, key, text: marker('another body, by b') });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });
});
