import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../dev/upstreams/process.ts';
import { startWorker } from '../../../dev/worker.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the Swagger UI test: no Chromium at ${CHROMIUM} (apt-get install chromium); CI installs it`);

describe.runIf(hasChromium)('Swagger UI in headless Chromium', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let browser: Browser;
  const state = mkdtempSync(join(tmpdir(), 'todo-wrangler-'));

  beforeAll(async () => {
    worker = await startWorker({
      port: await freePort(),
      vars: { NEON_LOCAL_GATEWAY: inject('gatewayAddress'), DATABASE_URL: inject('databaseUrl') },
      persistTo: state,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  /** Opens /docs, tries out one operation with `body`, and returns the live response's status and text. */
  async function tryOut(operationId: string, body: string) {
    const page = await browser.newPage();
    const foreign: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(worker.url)) foreign.push(request.url()); });
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });

    await page.goto(`${worker.url}/docs`);
    const operation = page.locator(`#operations-todos-${operationId}`);
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('textarea.body-param__text').fill(body);
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/\d{3}/);
    const result = { status: (await status.textContent())!.trim(), text: (await operation.locator('.live-responses-table').textContent()) ?? '' };
    expect(foreign).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
    await page.close();
    return result;
  }

  it('tries out "create a todo" from /docs and sees 201, loading nothing from another origin', async () => {
    const { status, text } = await tryOut('createTodo', JSON.stringify({ text: 'from Swagger UI' }));
    expect(status).toContain('201');
    expect(text).toContain('from Swagger UI');
  }, 60_000);

  it('tries out "import todos" with a CSV body from /docs and sees 201 {inserted}', async () => {
    const { status, text } = await tryOut('importTodos', 'text,done\nimported from Swagger UI,yes\n"with, a comma",no\n');
    expect(status).toContain('201');
    expect(text).toMatch(/"inserted":\s*2/);
  }, 60_000);
});
