import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium that reaches nothing but what it is pointed at (no updates, no background traffic). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`this needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Signs `name` in to the web app at `appUrl` through the local OpenID provider's page (`npm run dev`'s),
 * and resolves once the signed-in list has loaded.
 */
export async function signInToWebApp(page: Page, appUrl: string, name: string): Promise<void> {
  await page.goto(`${appUrl}/app`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('User name').fill(name);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  await page.locator('[data-status="saved"]').waitFor();
}
