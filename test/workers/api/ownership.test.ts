import { env } from 'cloudflare:workers';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { app } from '../../../src/index.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import { useTestGateway } from '../../support/driver.ts';
import { apiDocument, operationsOf, type Operation } from '../../support/operations.ts';
import {
  exampleBody,
  examplesOf,
  nameOf,
  queryParameterOf,
  type QueryToken,
  type ResourceExample,
} from '../../support/resource-examples.ts';

// Owners with named tokens, `default` (a bare token) and `anonymous` (no token): none may reach another's rows,
// tombstones or keys through any operation the served document describes. Every operation is walked as each owner
// against each other owner's rows (their ids in the path, their query tokens, their Idempotency-Key), every way it
// answers (each success media type). The bodies, ids and tokens come from each resource's RESOURCE_EXAMPLES entry:
// a route added later is walked without an edit here, or fails naming what its resource lacks.

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
/** Each resource the walk reaches, by tag, with its examples: a resource without any fails here, naming the operation. */
const resources = new Map(secured.map((op) => [op.tag!, examplesOf(op)]));
/** Where a resource's query token is kept: two resources may each have a token of the same name (`since`). */
const tokenKey = (op: Operation, name: string) => `${op.tag} ${name}`;
/** The query tokens of the operations walked, by resource and name; an undeclared query parameter fails here, naming it. */
const tokenParameters = new Map<string, QueryToken>();
for (const op of secured) {
  for (const name of op.parameters.query ?? []) {
    const kind = queryParameterOf(op, name);
    if (kind !== 'plain') tokenParameters.set(tokenKey(op, name), kind);
  }
  for (const name of op.parameters.path ?? [])
    if (name !== examplesOf(op).idField)
      throw new Error(
        `${nameOf(op)}: path parameter ${name} is not its resource's id field: teach this walk to fill it`,
      );
}

/** Text no other test writes, naming who wrote it (and, in the walk, at whom it was aimed). */
const marker = (...parts: string[]) => `own-${RUN} ${parts.join(' ')}`;
const authOf = (as: Owner): Record<string, string> => (TOKENS[as] ? { authorization: `Bearer ${TOKENS[as]}` } : {});

/** The request `as` sends to `op`: `id` in the path, `query` (the parameters `op` takes), its example body with `text`. */
function send(
  op: Operation,
  as: Owner,
  {
    id,
    query = {},
    key,
    text,
    accept,
  }: { id: string; query?: Record<string, string>; key?: string; text: string; accept?: string },
) {
  const path = op.template.replace(/\{[^}]+\}/g, String(id));
  const search = new URLSearchParams(Object.entries(query).filter(([name]) => op.parameters.query?.includes(name)));
  const bodyType = op.bodyTypes[0];
  const headers: Record<string, string> = {
    ...authOf(as),
    ...(bodyType ? { 'content-type': bodyType } : {}),
    ...(key && op.parameters.header?.includes('idempotency-key') ? { 'idempotency-key': key } : {}),
    ...(accept ? { accept } : {}),
  };
  return app.request(
    `${path}${search.size ? `?${search.toString()}` : ''}`,
    { method: op.method, headers, body: bodyType ? exampleBody(op, bodyType, text) : undefined },
    ownersEnv,
  );
}

/** Reads `pathAndQuery` as `as`, for its JSON (the query tokens an owner holds). */
const getAs = (as: Owner) => async (pathAndQuery: string) => {
  const res = await app.request(pathAndQuery, { headers: authOf(as) }, ownersEnv);
  expect(res.status, `GET ${pathAndQuery} as ${as}`).toBe(200);
  return res.json<any>();
};

/** Every id an answer shows: objects with the resource's numeric id field (JSON), or its id column (CSV). */
function idsShown(resource: ResourceExample, type: string, body: string): string[] {
  // The export's own reader: texts may hold commas, quotes and line breaks.
  if (type.startsWith('text/csv')) {
    const [header, ...records] = parseCsv(body);
    const column = header?.fields.indexOf(resource.idField) ?? -1;
    if (header && column < 0)
      throw new Error(`a CSV answer without the id column ${resource.idField}: ${header.fields.join(',')}`);
    return records.map((record) => record.fields[column]!);
  }
  const ids: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record[resource.idField] === 'string') ids.push(record[resource.idField] as string);
      Object.values(record).forEach(walk);
    }
  };
  if (type.includes('json') && body) walk(JSON.parse(body));
  return ids;
}

/** Who owns each id shown, wherever the resource keeps it (a row or its tombstone); an id found nowhere is `undefined`. */
async function ownersOf(resource: ResourceExample, ids: string[]): Promise<(string | undefined)[]> {
  const found = await direct().query(
    resource.ownedTables
      .map(
        (table) => `select ${resource.idField} as id, owner from ${table} where ${resource.idField} = any($1::uuid[])`,
      )
      .join(' union all '),
    [ids],
  );
  return ids.map((id) => found.find((r) => r.id === id)?.owner as string | undefined);
}

/** What each owner has that this file made: every resource's rows and their traces, and the keys, as stored. */
async function stateOf(owner: Owner) {
  const rows: Record<string, { id: string }[]> = {};
  const traces: Record<string, unknown[]> = {};
  for (const [tag, resource] of resources) {
    const [main, ...others] = resource.ownedTables;
    rows[tag] = (await direct().query(
      `select to_jsonb(t) as row, t.${resource.idField} as id from ${main} t where owner = $1 and ${resource.markerColumn} like $2 order by 2`,
      [owner, marker('%')],
    )) as { id: string }[];
    const ids = [...rows[tag].map((r) => r.id), ...(madeIds.get(owner) ?? [])];
    for (const table of others)
      traces[`${tag} ${table}`] = await direct().query(
        `select to_jsonb(t) as row from ${table} t where owner = $1 and ${resource.idField} = any($2::uuid[]) order by ${resource.idField}`,
        [owner, ids],
      );
  }
  const keys = await direct().query(
    'select scope, key, request_hash, response, created_at::text from idempotency_keys where owner = $1 and key like $2 order by scope, key',
    [owner, `${RUN}%`],
  );
  return { rows, traces, keys };
}

/** Counts the Neon driver's HTTP requests (database round trips) in this isolate. */
let fetches = 0;
const plainFetch = neonConfig.fetchFunction as typeof fetch | undefined;

const keyOf = (owner: Owner, op: Operation) => `${RUN}:${op.method}:${op.template}:${owner}`;
/** Each owner's state after the setup, and the answers it got for its keyed writes. */
const before = new Map<Owner, Awaited<ReturnType<typeof stateOf>>>();
const firstAnswers = new Map<string, string>();
/** Every id the setup made for each owner, the deleted ones included (their tombstones are checked too). */
const madeIds = new Map<Owner, string[]>();
/** Each owner's query tokens: `earlier` taken before any setup write, `later` after all of them. */
const earlier = new Map<Owner, Record<string, string>>();
const later = new Map<Owner, Record<string, string>>();

async function tokensOf(owner: Owner): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const [key, token] of tokenParameters) {
    const value = await token.of(getAs(owner));
    if (value !== undefined) tokens[key] = value;
  }
  return tokens;
}

/** Makes one row of `resource` as `owner`, and answers its id. */
async function createFor(resource: ResourceExample, owner: Owner, text: string): Promise<string> {
  const { create } = resource;
  const createOp = secured.find((o) => nameOf(o) === create.operation);
  if (!createOp) throw new Error(`the create operation ${create.operation} is not in the document`);
  const res = await send(createOp, owner, { id: '', text });
  expect(res.status, `${create.operation} as ${owner}`).toBe(201);
  const id = create.idOf(await res.json());
  madeIds.set(owner, [...(madeIds.get(owner) ?? []), id]);
  return id;
}

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) => {
    fetches++;
    return fetch(input, init);
  };
  for (const owner of OWNERS) earlier.set(owner, await tokensOf(owner));
  for (const owner of OWNERS) {
    // Each owner uses every write the document has: a keyed one with a key of its own, and one on a row of its own
    // (so each has changed and deleted rows, and tombstones, for the others to reach for).
    for (const op of secured.filter((o) => o.method !== 'GET')) {
      const text = marker(owner, 'wrote', op.template);
      if (op.parameters.path?.length) {
        const id = await createFor(examplesOf(op), owner, marker(owner, 'for', op.template));
        const res = await send(op, owner, { id, text });
        expect(res.status, `${owner}: ${nameOf(op)}`).toBeLessThan(300);
        continue;
      }
      const res = await send(op, owner, { id: '', key: keyOf(owner, op), text });
      expect(res.status, `${owner}: ${nameOf(op)}`).toBe(201);
      firstAnswers.set(keyOf(owner, op), await res.text());
    }
    for (const resource of resources.values())
      for (let i = 0; i < 3; i++) await createFor(resource, owner, marker(owner, `row ${i}`));
  }
  for (const owner of OWNERS) {
    later.set(owner, await tokensOf(owner));
    before.set(owner, await stateOf(owner));
    for (const rows of Object.values(before.get(owner)!.rows)) expect(rows.length).toBeGreaterThanOrEqual(4);
  }
});
afterAll(() => {
  neonConfig.fetchFunction = plainFetch;
});

describe('every row belongs to its owner, through every operation of the served document', () => {
  it('finds the operations to walk', () => {
    expect(secured.map(nameOf)).toEqual(
      expect.arrayContaining([
        'GET /todos',
        'POST /todos',
        'POST /todos/import',
        'GET /todos/changes',
        'GET /todos/{id}',
        'PATCH /todos/{id}',
        'DELETE /todos/{id}',
        'GET /me',
        'GET /changes',
        'POST /lists',
        'GET /lists',
        'GET /lists/{id}',
        'PATCH /lists/{id}',
        'DELETE /lists/{id}',
      ]),
    );
    expect([...tokenParameters.keys()].sort()).toEqual([
      'changes since',
      'lists cursor',
      'todos cursor',
      'todos listId',
      'todos parentId',
      'todos since',
    ]);
  });

  it("hands each owner query tokens of its own: another owner's differ", () => {
    for (const key of tokenParameters.keys())
      expect(new Set(OWNERS.map((owner) => later.get(owner)![key])).size, key).toBe(OWNERS.length);
  });

  const pairs = OWNERS.flatMap((actor) =>
    OWNERS.filter((victim) => victim !== actor).map((victim) => [actor, victim] as const),
  );
  it.each(secured.flatMap((op) => pairs.map(([actor, victim]) => [nameOf(op), actor, victim, op] as const)))(
    '%s as %s cannot see, count, change or replay what %s has, in one round trip',
    async (_, actor, victim, op) => {
      const resource = examplesOf(op);
      const theirs = before.get(victim)!;
      const target = theirs.rows[op.tag!]![0]!;
      // No token; each token of the victim's; each of the actor's own from before any write (its feed then covers
      // every change the setup made, the victims' deletions included).
      const takes = op.parameters.query?.filter((name) => tokenParameters.has(tokenKey(op, name))) ?? [];
      const queries: { query: Record<string, string>; refused: boolean; whose: string }[] = [
        { query: {}, refused: false, whose: 'none' },
        ...takes.map((name) => ({
          query: { [name]: later.get(victim)![tokenKey(op, name)]! },
          refused: tokenParameters.get(tokenKey(op, name))!.refusedFromAnotherOwner,
          whose: `${victim}'s ${name}`,
        })),
        ...takes
          .filter((name) => earlier.get(actor)![tokenKey(op, name)] !== undefined)
          .map((name) => ({
            query: { [name]: earlier.get(actor)![tokenKey(op, name)]! },
            refused: false,
            whose: `own earlier ${name}`,
          })),
      ];
      const accepts = op.method === 'GET' ? op.successTypes : [undefined];
      for (const { query, refused, whose } of queries) {
        for (const accept of accepts) {
          // The victim's key, with a body of the actor's own: a key shared across owners would replay or refuse (422).
          const text = marker(actor, 'at', victim, op.template);
          const theirsNow = await stateOf(victim);
          fetches = 0;
          const res = await send(op, actor, { id: target.id, query, key: keyOf(victim, op), text, accept });
          const roundTrips = fetches;
          const body = await res.text();
          const what = `${nameOf(op)} as ${actor} (tokens: ${whose}, accept: ${accept ?? 'any'}) -> ${res.status} ${body.slice(0, 200)}`;
          // Another owner's token is refused before the database is asked; a row of theirs in the path is not found.
          if (refused) expect(res.status, what).toBe(400);
          else if (op.parameters.path?.length) expect(res.status, what).toBe(404);
          // A token reads the first (JSON) representation; another one (the CSV export) may refuse it.
          else if (whose !== 'none' && accept !== op.successTypes[0]) expect(res.status, what).toBeLessThan(500);
          else expect(res.status, what).toBeLessThan(300);
          // One round trip when the database was asked (an answer, a 404 for a row it did not show, or a 422 for the
          // caller's own key used with another request: an import's list is part of it), none for a refused request.
          expect(roundTrips, what).toBe(res.status < 300 || res.status === 404 || res.status === 422 ? 1 : 0);
          expect(res.headers.get('idempotent-replayed'), what).toBeNull();
          // Nothing of the victim's is shown: no row of theirs, no trace of one, and every row shown is the actor's.
          expect(body, what).not.toContain(marker(victim));
          if (resource.ownerShown) {
            // An answer about the caller names the caller, whatever it is asked.
            if (res.status === 200) expect(resource.ownerShown(JSON.parse(body)), what).toBe(actor);
            expect(await stateOf(victim), what).toEqual(theirsNow);
            continue;
          }
          const shown = idsShown(resource, res.headers.get('content-type') ?? '', body);
          // An id found nowhere is one another test file removed since (a purged tombstone): it names no other owner.
          for (const [i, owner] of (await ownersOf(resource, shown)).entries())
            if (owner !== undefined) expect({ id: shown[i], owner }, what).toEqual({ id: shown[i], owner: actor });
          // A read of the actor's own rows shows some: the id check above is not vacuous (a wrong idField shows none).
          if (op.method === 'GET' && whose === 'none' && res.status === 200)
            expect(shown.length, what).toBeGreaterThan(0);
          // Nothing of the victim's changed: rows, their traces, keys and their stored answers.
          expect(await stateOf(victim), what).toEqual(theirsNow);
        }
      }
    },
  );

  it("leaves each owner's own keys replaying its own answers", async () => {
    for (const owner of OWNERS) {
      for (const op of secured.filter((o) => o.method === 'POST' && !o.parameters.path?.length)) {
        const res = await send(op, owner, { id: '', key: keyOf(owner, op), text: marker(owner, 'wrote', op.template) });
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
      const ids = idsShown(resources.get('todos')!, 'text/csv', csv);
      const all = await direct().query('select id from todos where owner = $1 order by created_at, id', [owner]);
      expect(ids).toEqual(all.map((r) => r.id as string));
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
      const res = await send(create(), owner, { id: '', key, text });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      answers.push(await res.json<{ id: string }>());
    }
    expect(new Set(answers.map((a) => a.id)).size).toBe(OWNERS.length);
    const rows = await direct().query('select owner from todos where text = $1 order by owner', [text]);
    expect(rows.map((r) => r.owner as string)).toEqual([...OWNERS].sort());
    // And each owner's repeat replays its own.
    for (const [i, owner] of OWNERS.entries()) {
      const res = await send(create(), owner, { id: '', key, text });
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect((await res.json<{ id: string }>()).id).toBe(answers[i]!.id);
    }
  });

  it("one owner's key with another body does not block another owner's use of it (no 422)", async () => {
    const key = `${RUN}-blocking`;
    expect((await send(create(), 'token:a', { id: '', key, text: marker('first, by a') })).status).toBe(201);
    const res = await send(create(), 'token:b', { id: '', key, text: marker('another body, by b') });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });
});
