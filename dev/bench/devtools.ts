import WebSocket from 'ws';

/** A minimal Chrome DevTools protocol client over the inspector's WebSocket. */
export async function devtools(port: number) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json<{ webSocketDebuggerUrl: string }[]>();
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((done) => {
        pending.set(++id, done as (result: unknown) => void);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}
