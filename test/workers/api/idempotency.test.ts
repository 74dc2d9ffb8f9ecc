import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { call, marker } from './client.ts';

const create = (key: string, json: unknown) => call('POST', '/todos', { json, headers: { 'idempotency-key': key } });
const rowsWithText = async (text: string) => (await neon(env.DATABASE_URL)`select id from todos where text = ${text}`).length;

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

describe('Idempotency-Key on POST /todos', () => {
  it('returns the original 201 for a repeated key and body, and creates nothing more', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    const again = await create(key, { text: ` ${text} ` }); // the same request once trimmed
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(`/todos/${first.body.id}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await rowsWithText(text)).toBe(1);
  });

  it('replays the original response even after the todo changed', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    await call('PATCH', `/todos/${first.body.id}`, { json: { done: true } });
    expect((await create(key, { text })).body).toEqual(first.body);
  });

  it('answers 422 for the same key with a different body, and creates nothing', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    await create(key, { text });
    const other = await create(key, { text: `${text} other` });
    expect(other.status).toBe(422);
    expect(await rowsWithText(`${text} other`)).toBe(0);
    expect((await create(key, { text, done: true })).status).toBe(422);
  });

  it('creates one todo per distinct key', async () => {
    const text = marker();
    await create(crypto.randomUUID(), { text });
    await create(crypto.randomUUID(), { text });
    expect(await rowsWithText(text)).toBe(2);
  });

  it('creates exactly one todo when ten requests race with the same key', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const replies = await Promise.all(Array.from({ length: 10 }, () => create(key, { text })));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await rowsWithText(text)).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    await neon(env.DATABASE_URL)`update idempotency_keys set created_at = now() - interval '25 hours' where key = ${key}`;
    const later = await create(key, { text });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it.each(['', 'a'.repeat(256), 'has space', 'é'])('refuses a malformed key %j with a 400', async (key) => {
    const res = await call('POST', '/todos', { json: { text: marker() }, headers: { 'idempotency-key': key } });
    expect(res.status).toBe(400);
  });
});
