import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyOpenApi, copySwaggerUi, SWAGGER_UI_FILES } from '../../../dev/copy-assets.mjs';

const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const dir = mkdtempSync(join(tmpdir(), 'docs-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// /docs needs these files, and nothing but the build command (and the deploy script) writes them.
describe('the docs assets every wrangler build copies (wrangler.jsonc `build`)', () => {
  it('copies every Swagger UI file into an empty folder, byte for byte', () => {
    expect(copySwaggerUi(dir)).toEqual(SWAGGER_UI_FILES);
    for (const file of SWAGGER_UI_FILES)
      expect(readFileSync(join(dir, file)).equals(readFileSync(join(dist, file)))).toBe(true);
  });

  it('leaves files that are up to date alone and replaces a changed one, with no temporary file left', () => {
    expect(copySwaggerUi(dir)).toEqual([]);
    writeFileSync(join(dir, 'swagger-ui.css'), 'truncated');
    expect(copySwaggerUi(dir)).toEqual(['swagger-ui.css']);
    expect(readdirSync(dir).sort()).toEqual([...SWAGGER_UI_FILES].sort());
  });

  it('copies the committed openapi.json to where the asset layer serves it, once', () => {
    const served = join(dir, 'openapi.json');
    expect(copyOpenApi(served)).toBe(true);
    expect(readFileSync(served, 'utf8')).toBe(readFileSync('openapi.json', 'utf8'));
    expect(copyOpenApi(served)).toBe(false);
  });
});
