import { describe, expect, it } from 'vitest';
import { ApiError, createTodoClient, retryAfterSeconds } from '../../../client/src/index.ts';

/** A todo id as the API writes them. */
const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';

/** A client whose every request gets `answer`, and the requests it sent. */
function clientAnswering(answer: () => Response) {
  const sent: Request[] = [];
  const api = createTodoClient({
    baseUrl: 'http://api.test',
    fetch: async (request) => {
      sent.push(request);
      return answer();
    },
  });
  return { api, sent };
}

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it.each([
    ['delay-seconds', '120', 120],
    ['an HTTP date ahead', 'Mon, 07 Dec 2026 10:00:30 GMT', 30],
    ['an HTTP date past', 'Mon, 07 Dec 2026 09:00:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['a negative number', '-5', undefined],
    ['no header', null, undefined],
  ])('reads %s', (_name, header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });
});

describe('ApiError', () => {
  it('keeps a body that is not a problem out of `problem` (a proxy’s own error page)', async () => {
    const { api } = clientAnswering(
      () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    );
    const err = await api.GET('/todos').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, problem: undefined, message: 'HTTP 502' });
  });

  it('is thrown for a 304 (the copy held is current), with no problem', async () => {
    const { api } = clientAnswering(() => new Response(null, { status: 304, headers: { etag: '"1-1"' } }));
    const err = await api
      .GET('/todos/{id}', { params: { path: { id: ID }, header: { 'if-none-match': `"${ID}-1"` } } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 304, problem: undefined });
  });
});

describe('createTodoClient', () => {
  it('encodes a path parameter, so a hostile id cannot reach another path', async () => {
    const { api, sent } = clientAnswering(() => Response.json({}, { status: 200 }));
    await api.GET('/todos/{id}', { params: { path: { id: '../health?x=1#' } } });
    expect(new URL(sent[0]!.url).pathname).toBe('/todos/..%2Fhealth%3Fx%3D1%23');
  });

  it('sends no Authorization header without a token getter', async () => {
    const { api, sent } = clientAnswering(() => Response.json({ items: [], nextCursor: null }));
    await api.GET('/todos');
    expect(sent[0]!.headers.has('authorization')).toBe(false);
  });
});
