import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The string settings of the Worker's Env (src/env.ts), the one list of what it reads; bindings are not settings. */
function settingsOfEnv(): string[] {
  const body = /export interface Env \{([\s\S]*?)\n\}/.exec(readFileSync('src/env.ts', 'utf8'))![1]!;
  return [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)\??: string;/gm)].map((m) => m[1]!);
}

describe('.dev.vars.example', () => {
  const example = readFileSync('.dev.vars.example', 'utf8');
  const listed = [...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

  it('lists every setting the Worker reads, once, each with a line saying what it is', () => {
    const settings = settingsOfEnv();
    expect(settings).toContain('DATABASE_URL');
    expect([...listed].sort()).toEqual([...settings].sort());
  });

  it('holds no real secret: placeholders and local values only', () => {
    expect(example).not.toMatch(/npg_\w+/);
    expect(example).toMatch(/^DATABASE_URL=postgresql:\/\/todo_worker:password@ep-example-/m);
  });
});
