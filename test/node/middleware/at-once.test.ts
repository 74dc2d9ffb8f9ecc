import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../src/lib/problem.ts';
import { atOnce } from '../../../src/middleware/at-once.ts';

/** A route behind the limit whose handler waits until the test lets it answer; `entered` resolves when it runs. */
function limitedApp() {
  const waiting: (() => void)[] = [];
  const entered: (() => void)[] = [];
  const app = new Hono()
    .post('/', atOnce({ max: 1, what: 'import', exempt: (c) => c.req.header('x-small') === 'yes' }), async (c) => {
      entered.shift()?.();
      await new Promise<void>((release) => waiting.push(release));
      return c.text('done');
    })
    .onError((err, c) =>
      err instanceof ProblemError
        ? c.text(err.message, err.status as 503, err.options.headers)
        : c.text('unexpected', 500),
    );
  const send = (headers: Record<string, string> = {}) => {
    const inside = new Promise<void>((done) => entered.push(done));
    return { answer: app.request('/', { method: 'POST', headers }), inside };
  };
  const releaseAll = () => waiting.splice(0).forEach((release) => release());
  /** A request that is expected never to reach the handler. */
  const refused = () => app.request('/', { method: 'POST' });
  return { send, refused, releaseAll };
}

describe('atOnce', () => {
  it('answers a second request 503 with Retry-After while the first runs, and lets the next one through after', async () => {
    const { send, refused, releaseAll } = limitedApp();
    const first = send();
    await first.inside;
    const second = await refused();
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.text()).toMatch(/busy with another import/);
    releaseAll();
    expect((await first.answer).status).toBe(200);
    const third = send();
    await third.inside;
    releaseAll();
    expect((await third.answer).status).toBe(200);
  });

  it('lets exempt requests through whatever runs, without counting them', async () => {
    const { send, releaseAll } = limitedApp();
    const small = send({ 'x-small': 'yes' });
    await small.inside;
    const first = send();
    await first.inside;
    const alsoSmall = send({ 'x-small': 'yes' });
    await alsoSmall.inside;
    releaseAll();
    expect((await small.answer).status).toBe(200);
    expect((await first.answer).status).toBe(200);
    expect((await alsoSmall.answer).status).toBe(200);
  });

  it('frees its place when the handler fails', async () => {
    let fail = true;
    const app = new Hono()
      .post('/', atOnce({ max: 1, what: 'import' }), (c) => {
        if (fail) throw new Error('boom');
        return c.text('ok');
      })
      .onError((_, c) => c.text('failed', 500));
    expect((await app.request('/', { method: 'POST' })).status).toBe(500);
    fail = false;
    expect((await app.request('/', { method: 'POST' })).status).toBe(200);
  });
});
