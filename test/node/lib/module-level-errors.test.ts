import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every `.ts` file under `dir`. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

// An Error made while the Worker's module loads captures a stack whose top frame is the bundle's top-level code,
// and V8 then works out source positions for the whole script: about 10 ms of start-up (docs/performance.md).
describe('the Worker at start-up', () => {
  it('makes no Error at module level (make it where it is thrown)', () => {
    const found = sources('src').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /^(export )?(const|let|var) \w+\s*=\s*new \w*Error\(/.test(line) ? [`${file}:${i + 1}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
