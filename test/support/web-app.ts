import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { LOCAL_WEB_CLIENT_ID } from '../../dev/gateway/oidc.ts';
import { JWKS_PATH } from '../../dev/issuer.ts';
import { LOCAL_AUDIENCE } from '../../dev/local-audience.ts';
import { signInToWebApp } from '../../dev/chromium.ts';
import { startWorker } from '../../dev/worker.ts';
import { launchChromium, seriousViolations, watchProblems } from './browser.ts';

/** The widths every screen is checked at: a phone and a desktop. */
export const WIDTHS = [375, 1280];

/**
 * The web app against the real stack, for one test file: a `wrangler dev` Worker trusting the local
 * provider, one Chromium, and a folder for screenshots (printed). Registers its own beforeAll/afterAll.
 */
export function useWebApp(what: string, vars: Record<string, string> = {}) {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let browser: Browser;
  let screenshots: string;
  const state = mkdtempSync(join(tmpdir(), 'todo-web-'));
  const gatewayUrl = inject('gatewayUrl');

  beforeAll(async () => {
    worker = await startWorker({
      vars: {
        NEON_LOCAL_GATEWAY: inject('gatewayAddress'),
        DATABASE_URL: inject('databaseUrl'),
        AUTH_ISSUER: gatewayUrl,
        AUTH_JWKS_URL: `${gatewayUrl}${JWKS_PATH}`,
        AUTH_AUDIENCE: LOCAL_AUDIENCE,
        WEB_CLIENT_ID: LOCAL_WEB_CLIENT_ID,
        ...vars,
      },
      persistTo: state,
    });
    browser = await launchChromium();
    screenshots = mkdtempSync(join(tmpdir(), `todo-app-screenshots-${what}-`));
    console.log(`web app screenshots (${what}): ${screenshots}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  const app = {
    gatewayUrl,
    get url() {
      return worker.url;
    },
    get browser() {
      return browser;
    },
    get screenshots() {
      return screenshots;
    },

    /** A token for `sub` from the local issuer (what the provider signs with), with more claims. */
    mint: async (sub: string, claims: Record<string, unknown> = {}): Promise<string> => {
      const res = await fetch(`${gatewayUrl}/issuer/token`, { method: 'POST', body: JSON.stringify({ sub, claims }) });
      return (await res.json<{ token: string }>()).token;
    },

    /** A page in a new context (its own cookies and storage: another person's browser), and what goes wrong on it. */
    open: async (context?: BrowserContext) => {
      const ctx = context ?? (await browser.newContext({ viewport: { width: 1280, height: 800 } }));
      const page = await ctx.newPage();
      return { context: ctx, page, problems: watchProblems(page) };
    },

    signIn: (page: Page, name: string) => signInToWebApp(page, worker.url, name),

    /** Screenshots of the page at phone and desktop widths, with axe run at each. */
    check: async (page: Page, name: string): Promise<void> => {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width < 500 ? 740 : 800 });
        expect(await seriousViolations(page), `${name} at ${width} px`).toEqual([]);
        await page.screenshot({ path: join(screenshots, `${name}-${width}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    },
  };
  return app;
}

/** The texts of the todos on screen, in order (subtasks after their todo). */
export const todoTexts = (page: Page) => page.locator('.todo-list li .text').allTextContents();
