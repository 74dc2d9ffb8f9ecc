import { vi } from 'vitest';

/** Everything written to the console (every level) while `run` runs, one string per call; nothing is echoed. */
export async function captureConsole<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spies = (['log', 'error', 'warn', 'info', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  try {
    return { result: await run(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The console lines that are JSON objects, parsed. */
export const jsonLines = (lines: string[]): Record<string, any>[] =>
  lines.flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value && typeof value === 'object' ? [value as Record<string, any>] : [];
    } catch {
      return [];
    }
  });

/** The request log's line (`{ts, requestId, method, route, status, ...}`) for the request that got `requestId`. */
export const requestLines = (lines: string[], requestId: string | null) =>
  jsonLines(lines).filter((line) => 'route' in line && line.requestId === requestId);
