import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createTodo, marker, UNREACHABLE, withSettings, type Reply } from './client.ts';
import { NO_SUCH_ID } from './operations.ts';

/** The headers hono's secureHeaders sets on every answer, with the Content-Security-Policy the docs page needs. */
function expectSecureHeaders(res: Reply, what: string) {
  expect(res.headers.get('content-security-policy'), what).toMatch(
    /^default-src 'self'; script-src 'self'; .*frame-ancestors 'none'/,
  );
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('SAMEORIGIN');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(res.headers.get('strict-transport-security'), what).toMatch(/^max-age=\d+/);
  expect(res.headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
}

describe('security headers', () => {
  it('are on API answers and on every kind of error, not only on /docs', async () => {
    const todo = await createTodo(marker());
    // One at a time: the driver's gateway setting is global to the isolate, and these use two.
    const answers: [string, () => Promise<Reply>][] = [
      ['200 list', () => call('GET', '/todos?limit=1')],
      ['200 CSV export', () => call('GET', '/todos?done=true', { headers: { accept: 'text/csv' } })],
      ['200 one todo', () => call('GET', `/todos/${todo.id}`)],
      ['201 create', () => call('POST', '/todos', { json: { text: marker() } })],
      ['204 delete', () => call('DELETE', `/todos/${todo.id}`)],
      ['200 health', () => call('GET', '/health')],
      ['400 validation', () => call('POST', '/todos', { json: { text: '' } })],
      [
        '401 no token',
        () =>
          call('GET', '/todos', {
            env: withSettings({ API_TOKENS: 'tok_h'.padEnd(32, '_'), AUTH_ANONYMOUS: undefined }),
          }),
      ],
      ['404 unknown path', () => call('GET', '/nope')],
      ['405 wrong method', () => call('PUT', '/todos')],
      ['415 wrong media type', () => call('POST', '/todos', { body: 'x', headers: { 'content-type': 'text/plain' } })],
      ['500 no database configured', () => call('GET', '/todos', { env: withSettings({ DATABASE_URL: '' }) })],
      [
        '503 database unreachable',
        () => call('GET', '/todos', { env: withSettings({ NEON_LOCAL_GATEWAY: UNREACHABLE }) }),
      ],
    ];
    for (const [what, answer] of answers) {
      const res = await answer();
      expect(String(res.status), what).toBe(what.split(' ')[0]);
      expectSecureHeaders(res, what);
    }
  });
});

describe('X-Request-Id', () => {
  it.each([
    ['with a space', 'bad id'],
    ['201 characters long', 'a'.repeat(201)],
    ['with a quote', 'id"1'],
  ])('replaces an invalid incoming one (%s) with one the server made', async (_, incoming) => {
    const [first, second] = [
      await call('GET', '/nope', { headers: { 'x-request-id': incoming } }),
      await call('GET', '/nope', { headers: { 'x-request-id': incoming } }),
    ];
    for (const res of [first, second]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,200}$/);
      expect(res.headers.get('x-request-id')).not.toBe(incoming);
      expect(res.body.instance).toBe(`urn:request:${res.headers.get('x-request-id')}`);
    }
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });
});

describe('HEAD', () => {
  it.each(['/todos?limit=2', '/todos/{id}', '/health'])(
    'answers HEAD %s like GET, without a body',
    async (template) => {
      const path = template.replace('{id}', String((await createTodo(marker())).id));
      const [head, get] = [
        await exports.default.fetch(`http://localhost${path}`, { method: 'HEAD' }),
        await call('GET', path),
      ];
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );

  it('answers HEAD for a missing todo with 404 and no body', async () => {
    const head = await exports.default.fetch(`http://localhost/todos/${NO_SUCH_ID}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });
});

describe('caching', () => {
  // One caller's data, read fresh each time: neither a shared cache nor the browser's may keep a copy.
  it.each([
    ['the list', '/todos?limit=1', 'application/json'],
    ['the CSV export', '/todos', 'text/csv'],
    ['the change feed', '/todos/changes?limit=1', 'application/json'],
  ])('says Cache-Control: private, no-store on %s', async (_, path, accept) => {
    await createTodo(marker());
    const res = await call('GET', path, { headers: { accept } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(accept);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });
});
