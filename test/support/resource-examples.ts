/**
 * What the tests that walk the served document need to know of each resource, keyed by the operation's
 * OpenAPI tag: how to make one row, what names a row in an answer, and a body for each operation and
 * request media type. A route the document adds to a resource listed here is walked without edits; one
 * whose resource, body or query parameter is missing here fails, naming the operation.
 */

/** Calls an operation as one caller and answers with the parsed JSON body (used to fetch that caller's tokens). */
export type GetAs = (pathAndQuery: string) => Promise<any>;

/** A query parameter that places a read among some owner's rows, and how to get one of an owner. */
export interface QueryToken {
  /** A token as the given caller holds it, placed among that caller's rows (undefined when it has none to place it at). */
  of: (get: GetAs) => Promise<string | undefined>;
  /** Whether the API refuses (400) a token issued to another owner, rather than reading only the caller's rows after it. */
  refusedFromAnotherOwner: boolean;
}

export interface ResourceExample {
  /** The field that names a row in JSON answers, and the column that holds it in CSV ones. */
  idField: string;
  /** Where a row or its trace (a tombstone) lives, each table with an `owner` column: who owns an id an answer shows. */
  ownedTables: string[];
  /** The column of the resource's main table that holds a test's marker text, to find the test's own rows. */
  markerColumn: string;
  /** The operation (`METHOD /template`) that creates one row (sent with its example body), and the new row's id. */
  create: { operation: string; idOf: (answer: any) => string };
  /** A body of each request media type, per operation, carrying `marker` where the media type can. */
  bodies: Record<string, Record<string, (marker: string) => string>>;
  /** Every query parameter the resource's operations take: a token, or a plain value a walk may leave out. */
  query: Record<string, QueryToken | 'plain'>;
  /**
   * For a resource that shows no rows of its own but tells of its caller (GET /me): the owner an answer
   * names. A walk then checks that it names the caller, instead of looking for row ids.
   */
  ownerShown?: (answer: any) => string;
}

/** Pages the change feed to its end: the token after everything the caller has. */
async function feedEnd(get: GetAs): Promise<string> {
  let page = await get('/todos/changes?limit=1000');
  while (page.more) page = await get(`/todos/changes?limit=1000&since=${page.next}`);
  return page.next;
}

const todoJson = (marker: string) => JSON.stringify({ text: marker });

const todos: ResourceExample = {
  idField: 'id',
  ownedTables: ['todos', 'todo_tombstones'],
  markerColumn: 'text',
  create: { operation: 'POST /todos', idOf: (answer) => answer.id },
  bodies: {
    'POST /todos': { 'application/json': todoJson },
    'PATCH /todos/{id}': { 'application/json': todoJson },
    'POST /todos/import': { 'text/csv': (marker) => `text\n"${marker.replaceAll('"', '""')}"\n` },
  },
  query: {
    // A cursor is a position only: another owner's reads the caller's own rows after it. One at the owner's first row.
    cursor: {
      of: async (get) => (await get('/todos?limit=1')).nextCursor ?? undefined,
      refusedFromAnotherOwner: false,
    },
    since: { of: feedEnd, refusedFromAnotherOwner: true },
    // A list's id narrows a read to it: another owner's matches nothing of the caller's (an empty page, or a 404).
    listId: { of: async (get) => (await get('/todos?limit=1')).items[0]?.listId, refusedFromAnotherOwner: false },
    done: 'plain',
    limit: 'plain',
    // Names the rows an import creates; a walk leaves it out (the server then makes the ids).
    firstId: 'plain',
  },
};

export const RESOURCE_EXAMPLES: Record<string, ResourceExample> = {
  todos,
  // GET /me counts the caller's todos: its rows are theirs, and an answer names its owner.
  me: { ...todos, bodies: {}, query: {}, ownerShown: (answer) => answer.owner.id },
};

/** An operation as the document names it, and what the examples need of it. */
export interface Described {
  method: string;
  template: string;
  tag: string | undefined;
}

export const nameOf = (op: { method: string; template: string }) => `${op.method} ${op.template}`;

/** The examples of `op`'s resource; an operation of a resource with none is an error naming it. */
export function examplesOf(op: Described): ResourceExample {
  const example = op.tag === undefined ? undefined : RESOURCE_EXAMPLES[op.tag];
  if (!example)
    throw new Error(
      `${nameOf(op)}: its resource (tag ${op.tag ?? 'none'}) has no entry in RESOURCE_EXAMPLES (test/support/resource-examples.ts): add one`,
    );
  return example;
}

/** A body of `type` for `op`, carrying `marker`; a missing example is an error naming the operation. */
export function exampleBody(op: Described, type: string, marker: string): string {
  const body = examplesOf(op).bodies[nameOf(op)]?.[type];
  if (!body)
    throw new Error(
      `${nameOf(op)}: no example body of ${type} in RESOURCE_EXAMPLES.${op.tag}.bodies (test/support/resource-examples.ts): add one`,
    );
  return body(marker);
}

/** How a walk treats `op`'s query parameter `name`; one the examples do not know is an error naming both. */
export function queryParameterOf(op: Described, name: string): QueryToken | 'plain' {
  const kind = examplesOf(op).query[name];
  if (!kind)
    throw new Error(
      `${nameOf(op)}: query parameter ${name} is not in RESOURCE_EXAMPLES.${op.tag}.query (test/support/resource-examples.ts): say whether it is a token`,
    );
  return kind;
}
