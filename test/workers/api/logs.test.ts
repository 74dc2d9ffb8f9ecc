import { describe, expect, it } from 'vitest';
import { captureConsole, jsonLines, requestLines } from '../../support/console.ts';
import { call, createTodo, marker, UNREACHABLE, withSettings } from './client.ts';

describe('request logs', () => {
  it('write one JSON line per request with id, method, route pattern, status, duration and database use', async () => {
    const todo = await createTodo(marker());
    const { result: res, lines } = await captureConsole(() => call('GET', `/todos/${todo.id}`));
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: res.headers.get('x-request-id'),
      method: 'GET',
      route: '/todos/:id',
      status: 200,
      durationMs: expect.any(Number),
      db: { roundTrips: 1, ms: expect.any(Number) },
    });
  });

  it('never contain a token, the connection string or its password, even on failures; each 500 adds one scrubbed error line', async () => {
    const token = 'tok_SECRET_9f8e7d_0123456789abcdef';
    const secretEnv = withSettings({ API_TOKENS: token });
    const password = new URL(secretEnv.DATABASE_URL).password;
    const auth = { authorization: `Bearer ${token}` };
    // A connection string that is not a URL: the driver's error quotes it, password and all.
    const unparsable = withSettings({ DATABASE_URL: secretEnv.DATABASE_URL.replace('@', '@[') });
    const requests: [number, () => ReturnType<typeof call>][] = [
      [400, () => call('GET', `/todos?cursor=${token}`, { headers: auth, env: secretEnv })],
      [201, () => call('POST', '/todos', { json: { text: `${marker()} ${token}` }, headers: auth, env: secretEnv })],
      [401, () => call('GET', '/todos', { headers: { authorization: 'Bearer wrong' }, env: secretEnv })],
      [
        503,
        () =>
          call('POST', '/todos', {
            json: { text: 'x' },
            headers: auth,
            env: { ...secretEnv, NEON_LOCAL_GATEWAY: UNREACHABLE },
          }),
      ],
      [500, () => call('GET', '/health', { env: unparsable })],
      [
        500,
        () =>
          call('GET', '/health', {
            env: withSettings({ DATABASE_URL: secretEnv.DATABASE_URL.replace('postgres://', 'mysql://') }),
          }),
      ],
    ];
    const { result: replies, lines } = await captureConsole(async () => {
      const replies = [];
      for (const [, request] of requests) replies.push(await request());
      return replies;
    });
    expect(replies.map((r) => r.status)).toEqual(requests.map(([status]) => status));
    for (const reply of replies) expect(requestLines(lines, reply.headers.get('x-request-id'))).toHaveLength(1);
    const failures = replies.filter((r) => r.status === 500);
    const errorLines = jsonLines(lines).filter((line) => 'error' in line);
    expect(errorLines.map((line) => line.requestId)).toEqual(failures.map((r) => r.headers.get('x-request-id')));
    for (const line of errorLines)
      expect(line).toMatchObject({ error: expect.stringMatching(/^\w+$/), message: expect.any(String) });
    expect(lines).toHaveLength(requests.length + failures.length);
    for (const line of lines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(password);
      expect(line).not.toMatch(/postgres(ql)?:\/\/|mysql:\/\//);
      expect(line.toLowerCase()).not.toContain('bearer');
    }
  });
});
