import type { IncomingMessage } from 'node:http';

/** Headers that belong to one hop of a connection, not to the request or answer being passed on. */
const HOP_BY_HOP = ['host', 'connection', 'content-length', 'content-encoding', 'transfer-encoding'];

/** Forwards a request a test proxy received (its body already read) to `url`; the answer's status, hop-free headers and body. */
export async function forward(req: IncomingMessage, body: Buffer[], url: URL | string) {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.includes(name)),
  ) as Record<string, string>;
  const answer = await fetch(url, { method: req.method, headers, body: body.length ? Buffer.concat(body) : undefined });
  return {
    status: answer.status,
    headers: Object.fromEntries([...answer.headers].filter(([name]) => !HOP_BY_HOP.includes(name))),
    body: Buffer.from(await answer.arrayBuffer()),
  };
}

/** The whole body of a request a test proxy received. */
export async function readBody(req: IncomingMessage): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks;
}
