import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { until } from '../../support/poll.ts';
import { call, type CallOptions, type Reply, type Todo } from './client.ts';

/** A deletion, as the change feed reports it. */
export type Deleted = { id: string; deleted: true; version: number };
export type Change = Todo | Deleted;
export type ChangesPage = { changes: Change[]; next: string; more: boolean };
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
    /** Calls the API as this caller (responses checked against the served document). */
    call: <T = any>(method: string, path: string, options: Omit<CallOptions, 'env'> = {}) =>
      call<T>(method, path, { ...options, headers: { ...headers, ...options.headers }, env: settings }),
  };
}
export type FeedCaller = ReturnType<typeof feedCaller>;

/** One call of the feed. */
export const changesOf = (who: FeedCaller, since?: string, limit?: number): Promise<Reply<ChangesPage & Refusal>> => {
  const query = new URLSearchParams();
  if (since !== undefined) query.set('since', since);
  if (limit !== undefined) query.set('limit', String(limit));
  return who.call('GET', `/todos/changes${query.size ? `?${query.toString()}` : ''}`);
};

/** What a client does with a page of changes: a todo replaces its copy, a deletion removes it. */
export function applyChanges(copy: Map<string, Todo>, changes: Change[]): void {
  for (const change of changes) {
    if ('deleted' in change) copy.delete(change.id);
    else copy.set(change.id, change);
  }
}

/**
 * Pages through the feed from `since` until `more` is false, applying every
 * change to `copy` (the client's local copy, by id) as a syncing client would;
 * returns the token to continue from.
 */
export async function syncInto(
  copy: Map<string, Todo>,
  who: FeedCaller,
  since?: string,
  limit?: number,
): Promise<string> {
  let token = since;
  for (;;) {
    const res = await changesOf(who, token, limit);
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
 * The changes after `since` once they include `expected` ids: other files'
 * transactions hold the horizon back for a moment (the feed lags, never loses).
 */
export async function changesAfter(who: FeedCaller, since: string, expected: string[]): Promise<Change[]> {
  let changes: Change[] = [];
  await until(
    async () => {
      const copy = new Map<string, Change>();
      const res = await changesOf(who, since);
      expect(res.status).toBe(200);
      changes = res.body.changes;
      for (const change of changes) copy.set(change.id, change);
      return expected.every((id) => copy.has(id));
    },
    `changes of ${expected.join(', ')} in the feed`,
    { timeoutMs: 15_000 },
  );
  return changes;
}
