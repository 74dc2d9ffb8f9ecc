import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { feedCaller, type FeedCaller } from './feed-client.ts';

// Imports have a per-owner limit of their own (IMPORT_RATE_LIMITER), far below every request's: here a tight
// one (3 a minute, vitest.config.ts) stands in for it.
const tight = { IMPORT_RATE_LIMITER: (env as unknown as { TIGHT_RATE_LIMITER: RateLimit }).TIGHT_RATE_LIMITER };

const importOne = (who: FeedCaller) =>
  who.call('POST', '/todos/import', { body: 'text\nrow\n', headers: { 'content-type': 'text/csv' } });

describe("an owner's imports", () => {
  it('are limited apart from its other requests, per owner, with Retry-After', async () => {
    const [me, other] = [feedCaller('imports', tight), feedCaller('imports-other', tight)];
    for (let i = 0; i < 3; i++) expect((await importOne(me)).status).toBe(201);
    const limited = await importOne(me);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.body.detail).toBe('Too many imports from this account; wait 60 s.');
    // Its other requests go on, and so do another owner's imports.
    expect((await me.call('POST', '/todos', { json: { text: 'still fine' } })).status).toBe(201);
    expect((await importOne(other)).status).toBe(201);
  });

  it('are limited only by the per-owner limit of every request without the binding', async () => {
    const me = feedCaller('imports-unbound', { IMPORT_RATE_LIMITER: undefined });
    for (let i = 0; i < 5; i++) expect((await importOne(me)).status).toBe(201);
  });
});
