import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import type { Env } from '../../../src/env.ts';
import { captureConsole, jsonLines } from '../../support/console.ts';
import { forward, readBody } from '../../support/forward.ts';

// The app on Node with the real Neon driver, its database requests passing through a proxy in front of the
// test stack's gateway that records their headers: what the gateway (Neon's proxy, in production) receives.
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const seen: IncomingHttpHeaders[] = [];
const recorder = createServer(
  (req, res) =>
    void (async () => {
      const body = await readBody(req);
      if (req.url?.startsWith('/sql')) seen.push(req.headers);
      const answer = await forward(req, body, `http://${inject('gatewayAddress')}${req.url}`);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch(() => req.socket.destroy()),
);
const app = createApp();
let env: Env;

beforeAll(async () => {
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(recorder.address() as AddressInfo).port}`;
  env = { DATABASE_URL: inject('databaseUrl'), NEON_LOCAL_GATEWAY: address, AUTH_ANONYMOUS: 'on' };
});
afterAll(() => recorder.close());

/** GET /todos with `headers`: its status, the request log's line, and the headers of its database requests. */
async function listTodos(headers: Record<string, string>) {
  seen.length = 0;
  const { result: res, lines } = await captureConsole(async () => app.request('/todos', { headers }, env));
  const logged = jsonLines(lines).find((line) => line.requestId === res.headers.get('x-request-id'));
  return { status: res.status, logged, database: [...seen] };
}

describe('an incoming traceparent', () => {
  it("is logged with the request line and sent with the database's HTTP request, beside the driver's own headers", async () => {
    const { status, logged, database } = await listTodos({ traceparent: TRACEPARENT });
    expect(status).toBe(200);
    expect(logged).toMatchObject({ route: '/todos', status: 200, traceparent: TRACEPARENT });
    expect(database).toHaveLength(1);
    expect(database[0]).toMatchObject({ traceparent: TRACEPARENT, 'neon-connection-string': expect.any(String) });
  });

  it.each([
    ['invalid', { traceparent: TRACEPARENT.toUpperCase() }],
    ['absent', {}],
  ])('is neither logged nor sent on when %s', async (_name, headers) => {
    const { status, logged, database } = await listTodos(headers);
    expect(status).toBe(200);
    expect(logged).toBeDefined();
    expect(logged).not.toHaveProperty('traceparent');
    expect(database).toHaveLength(1);
    expect(database[0]).not.toHaveProperty('traceparent');
  });
});
