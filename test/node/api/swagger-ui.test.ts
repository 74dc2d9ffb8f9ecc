import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../../../dev/chromium.ts';
import { onCi } from '../../../dev/ci.ts';
import { startWorker } from '../../../dev/worker.ts';

// Locally a machine without Chromium skips the browser test (and says so); on CI it must run, and fails without one.
const runBrowser = existsSync(CHROMIUM) || onCi();
if (!runBrowser)
  console.warn(`skipping the Swagger UI test: no Chromium at ${CHROMIUM} (apt-get install chromium); CI installs it`);

describe('the docs page under wrangler dev', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let browser: Browser;
  const state = mkdtempSync(join(tmpdir(), 'todo-wrangler-'));

  beforeAll(async () => {
    worker = await startWorker({
      vars: { NEON_LOCAL_GATEWAY: inject('gatewayAddress'), DATABASE_URL: inject('databaseUrl'), AUTH_ANONYMOUS: 'on' },
      persistTo: state,
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  it('serves its static files with nosniff, from the asset layer (public/_headers)', async () => {
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-init.js']) {
      const res = await fetch(`${worker.url}/docs/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('x-content-type-options'), file).toBe('nosniff');
      expect(res.headers.get('cross-origin-resource-policy'), file).toBe('same-origin');
      await res.arrayBuffer();
    }
    expect((await fetch(`${worker.url}/_headers`)).status, 'the rules file itself is not served').toBe(404);
  });

  it('serves /openapi.json from the asset layer: the committed document, as JSON any origin may read, revalidated', async () => {
    const res = await fetch(`${worker.url}/openapi.json`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(readFileSync('openapi.json', 'utf8'));
    const again = await fetch(`${worker.url}/openapi.json`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status, 'revalidation by ETag').toBe(304);
  });

  it.runIf(runBrowser)(
    'tries out every operation from /docs in headless Chromium, each with its success status, loading nothing from another origin',
    async () => {
      browser = await launchChromium();
      const page = await browser.newPage();
      const foreign: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(worker.url)) foreign.push(request.url());
      });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${worker.url}/docs`);

      /** "Try it out" on one operation with its parameters and body; the live response's status and text. */
      async function tryOut(
        operationId: string,
        { body, params = {}, tag = 'todos' }: { body?: string; params?: Record<string, string>; tag?: string },
      ) {
        const operation = page.locator(`#operations-${tag}-${operationId}`);
        await operation.locator('.opblock-summary').click();
        await operation.locator('.try-out__btn').click();
        for (const [name, value] of Object.entries(params))
          await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
        if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
        await operation.locator('button.execute').click();
        const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
        await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/\d{3}/);
        return {
          status: (await status.textContent())!.trim(),
          text: (await operation.locator('.live-responses-table').textContent()) ?? '',
        };
      }

      const created = await tryOut('createTodo', { body: JSON.stringify({ text: 'from Swagger UI' }) });
      expect(created.status).toContain('201');
      const id = /"id":\s*"([0-9a-f-]{36})"/.exec(created.text)?.[1];
      expect(id, created.text).toBeDefined();
      const tries: [string, Parameters<typeof tryOut>[1], string, RegExp][] = [
        ['listTodos', {}, '200', /"items"/],
        ['getTodo', { params: { id: id! } }, '200', /from Swagger UI/],
        ['updateTodo', { params: { id: id! }, body: JSON.stringify({ done: true }) }, '200', /"done":\s*true/],
        [
          'importTodos',
          { body: 'text,done\nimported from Swagger UI,yes\n"with, a comma",no\n' },
          '201',
          /"inserted":\s*2/,
        ],
        ['deleteTodo', { params: { id: id! } }, '204', /./],
        ['health', { tag: 'health' }, '200', /"status":\s*"ok"/],
      ];
      for (const [operationId, input, expected, content] of tries) {
        const { status, text } = await tryOut(operationId, input);
        expect(status, operationId).toContain(expected);
        expect(text, operationId).toMatch(content);
      }
      expect(foreign).toEqual([]);
      expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
      await page.close();
    },
    120_000,
  );
});
