import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { feedCaller, listedTodos, syncInto, type FeedCaller } from './feed-client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const WRITERS = 6;
const LOAD_MS = 4000;

/** One writer: creates, patches and deletes the caller's todos at random until `stop` says so; returns how many writes landed. */
async function writer(who: FeedCaller, live: string[], stop: () => boolean, name: string): Promise<number> {
  let landed = 0;
  for (let n = 0; !stop(); n++) {
    const roll = Math.random();
    const id = live[Math.floor(Math.random() * live.length)];
    if (roll < 0.4 || id === undefined) {
      const res = await who.call<Todo>('POST', '/todos', { json: { text: `${name} ${n}` } });
      expect(res.status).toBe(201);
      live.push(res.body.id);
    } else if (roll < 0.8) {
      const json = Math.random() < 0.5 ? { done: Math.random() < 0.5 } : { text: `${name} ${n} edited` };
      const res = await who.call('PATCH', `/todos/${id}`, { json });
      expect([200, 404]).toContain(res.status); // another writer may have deleted it
      if (res.status !== 200) continue;
    } else {
      live.splice(live.indexOf(id), 1);
      const res = await who.call('DELETE', `/todos/${id}`);
      expect([204, 404]).toContain(res.status);
      if (res.status !== 204) continue;
    }
    landed++;
  }
  return landed;
}

describe('syncing through the change feed under load', () => {
  it('keeps a local copy equal to the server, with writers creating, patching and deleting all along', async () => {
    const who = feedCaller('sync');
    const copy = new Map<string, Todo>();
    const live: string[] = [];
    const endsAt = Date.now() + LOAD_MS;
    const stop = () => Date.now() > endsAt;

    let token: string | undefined;
    let polls = 0;
    const syncing = (async () => {
      // A small page, so that polls also page while writes go on.
      while (!stop()) {
        token = await syncInto(copy, who, token, 7);
        polls++;
      }
    })();
    const landed = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(who, live, stop, `writer ${i}`)));
    await syncing;
    const writes = landed.reduce((a, b) => a + b, 0);
    expect(writes).toBeGreaterThan(50);
    expect(polls).toBeGreaterThan(3);

    // The writes have stopped. The last ones are handed out once every transaction older than them
    // has ended (other test files' too): poll until the copy and the server agree, or fail.
    let server = new Map<string, Todo>();
    await until(
      async () => {
        token = await syncInto(copy, who, token, 7);
        server = await listedTodos(who);
        return (
          JSON.stringify([...copy].sort(([a], [b]) => a.localeCompare(b))) ===
          JSON.stringify([...server].sort(([a], [b]) => a.localeCompare(b)))
        );
      },
      'the local copy equal to the server',
      { timeoutMs: 15_000 },
    ).catch(() => undefined);
    // Same ids, and for each the same text, done and version; nothing deleted is still there.
    expect(new Map([...copy].sort(([a], [b]) => a.localeCompare(b)))).toEqual(
      new Map([...server].sort(([a], [b]) => a.localeCompare(b))),
    );
    expect(server.size).toBeGreaterThan(0);
  });
});
