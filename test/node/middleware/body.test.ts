import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../src/lib/problem.ts';
import { bodyText, csvBody } from '../../../src/middleware/body.ts';

const LIMIT = 1024;

/** A route behind the body guard that reads the body as it arrives and answers with the length of its text. */
const app = new Hono()
  .post('/', csvBody(LIMIT), async (c) => {
    let length = 0;
    for await (const piece of bodyText(c.req.raw, LIMIT)) length += piece.length;
    return c.text(String(length));
  })
  .onError((err, c) => c.text(err.message, err instanceof ProblemError ? (err.status as 413) : 500));

/** A body of `size` bytes sent in 64 KiB pieces, counting the pieces the server pulled. */
function streamOf(size: number) {
  const piece = new Uint8Array(64 * 1024).fill(97);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = piece.subarray(0, Math.min(piece.length, size - sent));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, sent: () => sent };
}

const post = (body: BodyInit, headers: Record<string, string>) =>
  app.request('/', {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/csv', ...headers },
    duplex: 'half',
  } as RequestInit);

// workerd will not send more bytes than a request's Content-Length, so this runs the middleware on Node,
// where a Request may claim one length and stream another: the guard must count what it reads.
describe('the body size guard', () => {
  it('refuses a body that claims 10 bytes and streams 11 MiB, after reading just past the limit', async () => {
    const { stream, sent } = streamOf(11 * 1024 * 1024);
    const res = await post(stream, { 'content-length': '10' });
    expect(res.status).toBe(413);
    expect(sent()).toBeLessThanOrEqual(2 * 64 * 1024);
  });

  it('refuses a chunked body over the limit', async () => {
    const res = await post(streamOf(LIMIT + 1).stream, {});
    expect(res.status).toBe(413);
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    const { stream, sent } = streamOf(1024 * 1024);
    const res = await post(stream, { 'content-length': String(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(sent()).toBeLessThanOrEqual(64 * 1024); // at most what the stream buffered on its own
  });

  it('answers 400 when the body breaks off before it ends', async () => {
    let pulls = 0;
    const breaking = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array(100).fill(97));
        else controller.error(new Error('connection reset'));
      },
    });
    const res = await post(breaking, { 'content-length': '1000' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('The body ended before it was complete.');
  });

  it('passes a body of exactly the limit, in pieces, to the handler whole', async () => {
    const res = await post(streamOf(LIMIT).stream, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(String(LIMIT));
  });
});
