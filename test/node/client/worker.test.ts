import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JWKS_PATH } from '../../../dev/issuer.ts';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import { startWorker, type RunningWorker } from '../../../dev/worker.ts';
import { ApiError, createTodoClient, type TodoClient } from '../../../client/src/index.ts';

// The typed client against the Worker as `npm run dev` serves it (wrangler dev, workerd, the gateway, the
// database of global setup), with a bearer token from the gateway's local issuer and no anonymous access.
const SCOPE = 'client-test';
const state = mkdtempSync(join(tmpdir(), 'todo-client-'));
let worker: RunningWorker;
let api: TodoClient;

/** A token for a user of its own, so this file sees only its own todos. */
async function mintToken(subject: string): Promise<string> {
  const res = await fetch(`${inject('gatewayUrl')}/issuer/token?scope=${SCOPE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: subject }),
  });
  return (await res.json<{ token: string }>()).token;
}

/** The rejection of `promise`, which must be an ApiError. */
async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

beforeAll(async () => {
  const gatewayUrl = inject('gatewayUrl');
  worker = await startWorker({
    vars: {
      NEON_LOCAL_GATEWAY: inject('gatewayAddress'),
      DATABASE_URL: inject('databaseUrl'),
      AUTH_JWKS_URL: `${gatewayUrl}${JWKS_PATH}?scope=${SCOPE}`,
      AUTH_ISSUER: gatewayUrl,
      AUTH_AUDIENCE: LOCAL_AUDIENCE, // what the gateway's issuer writes unless told otherwise
    },
    persistTo: join(state, 'wrangler'),
  });
  const token = await mintToken(`client-${crypto.randomUUID()}`);
  api = createTodoClient({ baseUrl: worker.url, token: () => token });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  rmSync(state, { recursive: true, force: true });
});

describe('the typed client against wrangler dev', () => {
  it('creates, lists, gets, patches with If-Match and deletes a todo', async () => {
    const created = await api.POST('/todos', { body: { text: 'Buy milk' } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ text: 'Buy milk', done: false, version: 1 });
    expect(created.etag).toMatch(/^"/);
    const id = created.data.id;

    const listed = await api.GET('/todos', { params: { query: { limit: 10 } } });
    expect(listed.data.items.map((todo) => todo.id)).toEqual([id]);

    const got = await api.GET('/todos/{id}', { params: { path: { id } } });
    expect(got.data).toEqual(created.data);
    expect(got.etag).toBe(created.etag);

    const patched = await api.PATCH('/todos/{id}', {
      params: { path: { id }, header: { 'if-match': got.etag! } },
      body: { done: true },
    });
    expect(patched.data).toMatchObject({ id, done: true, version: 2 });
    expect(patched.etag).not.toBe(got.etag);

    await api.DELETE('/todos/{id}', { params: { path: { id }, header: { 'if-match': patched.etag! } } });
    const gone = await apiError(api.GET('/todos/{id}', { params: { path: { id } } }));
    expect(gone.status).toBe(404);
  });

  it('surfaces a stale If-Match as an ApiError 412 with its problem body, and changes nothing', async () => {
    const { data: todo, etag: stale } = await api.POST('/todos', { body: { text: 'Call Bob' } });
    const { etag: current } = await api.PATCH('/todos/{id}', {
      params: { path: { id: todo.id } },
      body: { text: 'Call Bob today' },
    });
    const err = await apiError(
      api.PATCH('/todos/{id}', {
        params: { path: { id: todo.id }, header: { 'if-match': stale! } },
        body: { done: true },
      }),
    );
    expect(err.status).toBe(412);
    expect(err.problem).toMatchObject({ status: 412, title: 'Precondition Failed' });
    expect(err.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const { data: after, etag } = await api.GET('/todos/{id}', { params: { path: { id: todo.id } } });
    expect(after).toMatchObject({ text: 'Call Bob today', done: false, version: 2 });
    expect(etag).toBe(current);
  });

  it('surfaces a validation problem as an ApiError 400 naming the field', async () => {
    const err = await apiError(api.POST('/todos', { body: { text: '   ' } }));
    expect(err.status).toBe(400);
    expect(err.problem?.errors?.map((e) => e.path)).toEqual(['text']);
    expect(err.message).toContain('400');
    expect(err.retryAfter).toBeUndefined();
  });

  it('sends the token from the getter: without one the Worker answers 401', async () => {
    const anonymous = createTodoClient({ baseUrl: worker.url, token: () => undefined });
    const err = await apiError(anonymous.GET('/todos'));
    expect(err.status).toBe(401);
    expect(err.problem?.status).toBe(401);
  });
});
