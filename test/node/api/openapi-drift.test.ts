import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentFileText } from '../../../src/docs/document.ts';
import { app } from '../../../src/index.ts';

describe('openapi.json', () => {
  // The Worker serves the committed file (src/docs): this is what keeps it the routes' document.
  it('is the document generated from the routes, byte for byte (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')).toBe(documentFileText(app));
  });
});
