import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { app } from '../../../src/index.ts';
import { until } from '../../support/poll.ts';
import { call, type CallOptions, type Reply, type Todo } from './client.ts';

/** A list, as the feed of lists and todos carries it. */
export type List = {
  id: string;
  title: string;
  position: string;
  version: number;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
};
/** A deletion, as a change feed reports it (GET /changes names its kind). */
export type Deleted = { kind?: Kind; id: string; deleted: true; version: number };
type Kind = 'list' | 'todo';
/** A change of GET /todos/changes (a todo or a deletion), or of GET /changes (each with its kind). */
export type Change = Todo | Deleted | (Todo & { kind: 'todo' }) | (List & { kind: 'list' });
export type ChangesPage = { changes: Change[]; next: string; more: boolean };
/** The two feeds: todos only, and lists and todos. */
export type FeedPath = '/todos/changes' | '/changes';
/** What a refused call of the feed carries instead (problem+json). */
type Refusal = { detail?: string; errors?: { path: string; message: string }[] };

/**
 * A caller of its own (a static token no other test uses), so that its feed
 * holds only what the test wrote: the test database is shared by every file.
 */
export function feedCaller(name: string, extra: Partial<Env> = {}) {
  const tokenName = `${name}${crypto.randomUUID().slice(0, 8)}`;
  return callerOf(tokenName, `secret-${crypto.randomUUID()}`, extra);
}

function callerOf(tokenName: string, secret: string, extra: Partial<Env>) {
  const settings: Env = { ...env, ...extra, API_TOKENS: `${tokenName}:${secret}` };
  const headers = { authorization: `Bearer ${secret}` };
  return {
    owner: `token:${tokenName}`,
    /** The same caller, served under other settings. */
    under: (more: Partial<Env>) => callerOf(tokenName, secret, { ...extra, ...more }),
    /**
     * Calls the API as this caller without checking the answer against the document: for a load's writers,
     * whose answers (a lost race's status among them) are not what the test checks.
     */
    send: async <T = any>(method: string, path: string, json?: unknown): Promise<{ status: number; body: T }> => {
      const res = await app.request(
        path,
        {
          method,
          headers: { ...headers, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: json === undefined ? undefined : JSON.stringify(json),
        },
        settings,
      );
      return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
    },
    /** Calls the API as this caller (responses checked against the served document). */
    call: <T = any>(method: string, path: string, options: Omit<CallOptions, 'env'> = {}) =>
      call<T>(method, path, { ...options, headers: { ...headers, ...options.headers }, env: settings }),
  };
}
export type FeedCaller = ReturnType<typeof feedCaller>;

/** One call of a feed (default: the todos'). */
export const changesOf = (
  who: FeedCaller,
  since?: string,
  limit?: number,
  feed: FeedPath = '/todos/changes',
): Promise<Reply<ChangesPage & Refusal>> => {
  const query = new URLSearchParams();
  if (since !== undefined) query.set('since', since);
  if (limit !== undefined) query.set('limit', String(limit));
  return who.call('GET', `${feed}${query.size ? `?${query.toString()}` : ''}`);
};

/** Where a client keeps a change: by id, and in a feed of several kinds by kind and id (a list and a todo may share an id). */
export const keyOf = (change: { kind?: string; id: string }) =>
  change.kind === undefined ? change.id : `${change.kind} ${change.id}`;

/** What a client does with a page of changes: a thing replaces its copy, a deletion removes it. */
export function applyChanges<T>(copy: Map<string, T>, changes: Change[]): void {
  for (const change of changes) {
    if ('deleted' in change) copy.delete(keyOf(change));
    else copy.set(keyOf(change), change as T);
  }
}

/**
 * Pages through the feed from `since` until `more` is false, applying every
 * change to `copy` (the client's local copy, by id) as a syncing client would;
 * returns the token to continue from.
 */
export async function syncInto<T = Todo>(
  copy: Map<string, T>,
  who: FeedCaller,
  since?: string,
  limit?: number,
  feed: FeedPath = '/todos/changes',
): Promise<string> {
  let token = since;
  for (;;) {
    const res = await changesOf(who, token, limit, feed);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    applyChanges(copy, res.body.changes);
    token = res.body.next;
    if (!res.body.more) return token;
  }
}

/** Every todo of `who`, by id, read through the list (not the feed). */
export async function listedTodos(who: FeedCaller): Promise<Map<string, Todo>> {
  const all = new Map<string, Todo>();
  let cursor: string | null = null;
  do {
    const res: Reply<{ items: Todo[]; nextCursor: string | null }> = await who.call(
      'GET',
      `/todos?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    for (const todo of res.body.items) all.set(todo.id, todo);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

/**
 * The changes after `since` once they include `expected` keys (keyOf): other files'
 * transactions hold the horizon back for a moment (the feed lags, never loses).
 */
export async function changesAfter(
  who: FeedCaller,
  since: string,
  expected: string[],
  feed: FeedPath = '/todos/changes',
): Promise<Change[]> {
  let changes: Change[] = [];
  await until(
    async () => {
      const copy = new Map<string, Change>();
      const res = await changesOf(who, since, undefined, feed);
      expect(res.status).toBe(200);
      changes = res.body.changes;
      for (const change of changes) copy.set(keyOf(change), change);
      return expected.every((id) => copy.has(id));
    },
    `changes of ${expected.join(', ')} in the feed`,
    { timeoutMs: 15_000 },
  );
  return changes;
}
