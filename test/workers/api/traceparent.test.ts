import { describe, expect, it } from 'vitest';
import { captureConsole, requestLines } from '../../support/console.ts';
import { call, createTodo, marker } from './client.ts';

// In workerd with the real driver: test/node/db/traceparent.test.ts shows the database's request carrying it.
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('an incoming traceparent in workerd', () => {
  it('is logged with the request line, and the database statement it rides along with succeeds', async () => {
    const todo = await createTodo(marker());
    const { result: res, lines } = await captureConsole(() =>
      call('GET', `/todos/${todo.id}`, { headers: { traceparent: TRACEPARENT } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: todo.id });
    expect(requestLines(lines, res.headers.get('x-request-id'))).toEqual([
      expect.objectContaining({
        route: '/todos/:id',
        status: 200,
        traceparent: TRACEPARENT,
        db: expect.objectContaining({ roundTrips: 1 }),
      }),
    ]);
  });

  it('is ignored when invalid: not logged, and the request served as usual', async () => {
    const { result: res, lines } = await captureConsole(() =>
      call('GET', '/todos', { headers: { traceparent: TRACEPARENT.replace('b7ad6b7169203331', '0000000000000000') } }),
    );
    expect(res.status).toBe(200);
    const [line] = requestLines(lines, res.headers.get('x-request-id'));
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('traceparent');
  });
});
