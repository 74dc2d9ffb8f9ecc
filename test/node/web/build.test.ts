import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebApp, WEB_JS_BUDGET_BYTES } from '../../../dev/build-web.mjs';

describe('the web app build (dev/build-web.mjs)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'todo-web-build-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('bundles the app within its JavaScript budget, into hashed files that its index.html names, with no inline script', async () => {
    const { files, jsGzipBytes } = await buildWebApp({ outDir });
    console.log(
      `web app JavaScript: ${(jsGzipBytes / 1024).toFixed(1)} KiB gzipped (budget ${WEB_JS_BUDGET_BYTES / 1024} KiB)`,
    );
    expect(jsGzipBytes).toBeLessThanOrEqual(WEB_JS_BUDGET_BYTES);
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/app\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(referenced).toHaveLength(2);
    for (const file of referenced) {
      expect(files).toContain(file);
      expect(existsSync(join(outDir, file))).toBe(true);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toContain('<meta name="todo-app-config" content="" />');
  });
});
