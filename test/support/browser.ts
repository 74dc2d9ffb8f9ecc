import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../../dev/chromium.ts';
import { onCi } from '../../dev/ci.ts';

export { launchChromium } from '../../dev/chromium.ts';

/** Locally a machine without Chromium skips the browser tests (and says so); on CI they must run, and fail without it. */
export function browserAvailable(what: string): boolean {
  const run = existsSync(CHROMIUM) || onCi();
  if (!run) console.warn(`skipping ${what}: no Chromium at ${CHROMIUM} (apt-get install chromium); CI installs it`);
  return run;
}

/** Collects what a page reports as going wrong: console errors and uncaught exceptions. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
