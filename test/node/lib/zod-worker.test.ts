import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as zodWorker from '../../../src/vendor/zod-worker.ts';

/** Every `.ts` file under `dir`. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

/** The type-only members zod-worker.ts re-exports (`export type { infer, ... }`): used in types, absent at run time. */
const typeOnly = (): string[] => {
  const line = /export type \{([^}]*)\} from 'zod'/.exec(readFileSync('src/vendor/zod-worker.ts', 'utf8'));
  return line ? line[1]!.split(',').map((name) => name.trim()) : [];
};

// The type check sees the real @hono/zod-openapi, whose `z` is all of Zod, while the Worker's build takes `z` from
// zod-worker.ts: a member missing there type-checks and then fails only when the Worker calls it.
describe('the Zod members the Worker calls', () => {
  it('are all exported by src/vendor/zod-worker.ts', () => {
    const used = new Set(
      sources('src').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bz\.(\w+)/g)].map((m) => m[1]!)),
    );
    expect(used.size).toBeGreaterThan(5);
    const available = new Set([...Object.keys(zodWorker), ...typeOnly()]);
    expect([...used].filter((name) => !available.has(name))).toEqual([]);
  });
});
