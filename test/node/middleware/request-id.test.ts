import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId } from '../../../src/middleware/request-id/index.ts';

const app = new Hono()
  .use(requestId())
  .get('/', (c) => c.json({ ours: c.var.requestId, theirs: c.var.clientRequestId }));

const call = async (headers: Record<string, string> = {}) => {
  const res = await app.request('/', { headers });
  return { header: res.headers.get('x-request-id'), body: await res.json<{ ours: string; theirs?: string }>() };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the request id', () => {
  it('answers a fresh random UUID of its own as X-Request-Id, the one the route sees', async () => {
    const [a, b] = [await call(), await call()];
    expect(a.header).toMatch(UUID);
    expect(a.body.ours).toBe(a.header);
    expect(b.header).not.toBe(a.header);
  });

  it("keeps a caller's sane id beside ours, never as ours", async () => {
    const { header, body } = await call({ 'x-request-id': 'trace-1:abc=.x' });
    expect(header).toMatch(UUID);
    expect(body).toEqual({ ours: header, theirs: 'trace-1:abc=.x' });
  });

  it.each([
    ['with a space', 'a b'],
    ['with a quote that could forge a log field', 'x","level":"error'],
    ['over 200 characters', 'a'.repeat(201)],
  ])("drops a caller's id %s", async (_, id) => {
    const { body } = await call({ 'x-request-id': id });
    expect(body.theirs).toBeUndefined();
  });
});
