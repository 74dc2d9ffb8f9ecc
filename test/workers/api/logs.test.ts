import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../../src/index.ts';

afterEach(() => vi.restoreAllMocks());

/** Everything the Worker writes to the console while `run` runs. */
async function captureLogs(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  for (const level of ['log', 'error', 'warn', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); });
  }
  await run();
  return lines;
}

describe('request logs', () => {
  it('write one JSON line per request with our id, the client\'s, method, route pattern, status, duration and database use', async () => {
    let answered: string | null = null;
    const lines = await captureLogs(async () => {
      answered = (await app.request('/todos/1', { headers: { 'x-request-id': 'log-test-1' } }, env)).headers.get('x-request-id');
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      requestId: answered, clientRequestId: 'log-test-1', method: 'GET', route: '/todos/:id', status: expect.any(Number),
      durationMs: expect.any(Number), db: { roundTrips: 1, ms: expect.any(Number) },
    });
  });

  it('never contain a token, the connection string or its password, even on failures', async () => {
    const token = 'tok_SECRET_9f8e7d';
    const secretEnv = { ...env, API_TOKENS: token };
    const downEnv = { ...secretEnv, NEON_LOCAL_GATEWAY: '127.0.0.1:1' };
    const lines = await captureLogs(async () => {
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      await app.request(`/todos?cursor=${token}`, { headers: auth }, secretEnv);
      await app.request('/todos', { method: 'POST', headers: auth, body: JSON.stringify({ text: token }) }, secretEnv);
      await app.request('/todos', { headers: { authorization: 'Bearer wrong' } }, secretEnv);
      await app.request('/todos', { method: 'POST', headers: auth, body: '{"text":"x"}' }, downEnv);
      await app.request('/health', {}, { ...env, DATABASE_URL: 'not a url' });
      await app.request('/health', {}, { ...env, DATABASE_URL: env.DATABASE_URL.replace('postgres://', 'mysql://') });
    });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const password = new URL(env.DATABASE_URL).password;
    for (const line of lines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(password);
      expect(line).not.toMatch(/postgres(ql)?:\/\//);
      expect(line.toLowerCase()).not.toContain('bearer');
    }
  });
});
