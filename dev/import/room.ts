import type { Target } from './send.ts';

/** What GET /me says of the caller's todos. */
export interface Room {
  todos: number;
  quota: number;
}

/** GET /me gets this long: it is one read. */
const ME_TIMEOUT_MS = 10_000;

/**
 * The caller's usage from GET /me, or why it could not be read (an API without
 * /me, a network failure, a refused token): the check is a courtesy, and the
 * chunks then meet and report whatever the API says.
 */
export async function readRoom(target: Target): Promise<Room | { unknown: string }> {
  try {
    const res = await fetch(`${target.url}/me`, {
      headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      signal: AbortSignal.timeout(ME_TIMEOUT_MS),
    });
    if (res.status !== 200) return { unknown: `GET /me answered ${res.status}` };
    const { usage } = await res.json<{ usage?: Partial<Room> }>();
    const { todos, quota } = usage ?? {};
    if (!Number.isInteger(todos) || !Number.isInteger(quota))
      return { unknown: 'GET /me did not say usage.todos and usage.quota' };
    return { todos: todos!, quota: quota! };
  } catch (err) {
    return { unknown: `GET /me failed: ${(err as Error).message}` };
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why `rows` more todos would not fit in `room`, in the words the CLI prints; undefined when they fit. */
export function wontFit(rows: number, { todos, quota }: Room): string | undefined {
  const free = Math.max(quota - todos, 0);
  if (rows <= free) return undefined;
  return [
    `the file has ${count(rows)} rows, and the account has room for ${count(free)} more todos (it has ${count(todos)} of its quota of ${count(quota)}).`,
    'Delete todos or split the file, then run again.',
    'If an earlier run of this file already imported some of its rows, they are counted twice here: run again with --no-room-check.',
  ].join('\n');
}
