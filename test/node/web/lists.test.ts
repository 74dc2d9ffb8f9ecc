import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../../support/browser.ts';
import { todoTexts, useWebApp } from '../../support/web-app.ts';

const runBrowser = browserAvailable('the web app’s lists tests');

describe.runIf(runBrowser)('the web app’s lists, order, due dates, notes and subtasks, in Chromium', () => {
  const app = useWebApp('lists');
  const { check, signIn, open, mint } = app;

  const listNames = (page: Page) => page.locator('.lists .list-name').allTextContents();
  const row = (page: Page, text: string) =>
    page.locator('.todo-list li').filter({ has: page.locator(':scope > .row .text', { hasText: text }) });
  /** Counts the PATCHes of todos the page sends while `run` runs. */
  async function patchesDuring(page: Page, run: () => Promise<void>): Promise<string[]> {
    const bodies: string[] = [];
    const seen = (request: { method(): string; url(): string; postData(): string | null }) => {
      if (request.method() === 'PATCH' && /\/todos\//.test(request.url())) bodies.push(request.postData() ?? '');
    };
    page.on('request', seen);
    await run();
    await page.locator('[data-status="saved"]').waitFor();
    page.off('request', seen);
    return bodies;
  }
  /** The API's own answer, as the user (another client of theirs). */
  async function api(user: string, path: string, init: RequestInit = {}) {
    const token = await mint(user);
    const res = await fetch(`${app.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await res.text();
    // The tests read what they expect of the API's JSON; a 204 has no body.
    const body: any = text ? JSON.parse(text) : undefined;
    return { status: res.status, body };
  }

  it('alice makes a list with three todos, reorders them by drag and by keyboard, sets a due date, a note and a subtask; a reload keeps it all', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'alice');
    expect(await listNames(page)).toEqual(['Tasks']);
    // The default list is always there, and cannot be deleted: it has no Delete button.
    expect(await page.getByRole('button', { name: 'Delete: Tasks' }).count()).toBe(0);
    await check(page, 'lists-default');

    // A new list, by Enter: it is shown at once, and the address names it.
    await page.getByLabel('New list').fill('Groceries');
    await page.getByLabel('New list').press('Enter');
    await page.getByRole('heading', { name: 'Groceries', level: 2 }).waitFor();
    expect(await listNames(page)).toEqual(['Tasks', 'Groceries']);
    expect(await page.getByLabel('New list').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: 'Groceries', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(new URL(page.url()).pathname).toMatch(/^\/app\/lists\/[0-9a-f-]{36}$/);

    const field = page.getByLabel('New todo');
    for (const text of ['Milk', 'Eggs', 'Bread']) {
      await field.fill(text);
      await field.press('Enter');
      await expect.poll(() => field.inputValue()).toBe('');
    }
    expect(await todoTexts(page), 'new todos at the top').toEqual(['Bread', 'Eggs', 'Milk']);

    // Drag Milk (by its handle) onto the top half of Bread: first. One PATCH, with a position.
    const dragged = await patchesDuring(page, () =>
      row(page, 'Milk')
        .locator('.handle')
        .first()
        .dragTo(row(page, 'Bread').locator(':scope > .row'), { targetPosition: { x: 200, y: 3 } }),
    );
    await expect.poll(() => todoTexts(page)).toEqual(['Milk', 'Bread', 'Eggs']);
    expect(dragged).toHaveLength(1);
    expect(JSON.parse(dragged[0]!)).toEqual({ position: expect.any(String) });

    // Alt+↑ on Eggs (its checkbox focused): one place up, and the focus stays on it.
    const eggs = page.getByRole('checkbox', { name: 'Eggs' });
    await eggs.focus();
    const keyed = await patchesDuring(page, () => page.keyboard.press('Alt+ArrowUp'));
    await expect.poll(() => todoTexts(page)).toEqual(['Milk', 'Eggs', 'Bread']);
    expect(keyed).toHaveLength(1);
    expect(await eggs.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // Alt+↓ at the bottom does nothing.
    await page.getByRole('checkbox', { name: 'Bread' }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await todoTexts(page)).toEqual(['Milk', 'Eggs', 'Bread']);

    // Milk's details: a note, a due date (a date), a subtask.
    await page.getByRole('button', { name: 'Details: Milk' }).click();
    expect(await page.getByRole('button', { name: 'Details: Milk' }).getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Notes').fill('Oat, not cow’s');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await page.locator('[data-status="saved"]').waitFor();
    await page.getByLabel('Date', { exact: true }).fill('2026-12-24');
    await page.getByLabel('Date', { exact: true }).press('Enter');
    await row(page, 'Milk').locator('.due').first().waitFor();
    await page.getByLabel('New subtask').fill('Check the date');
    await page.getByLabel('New subtask').press('Enter');
    await row(page, 'Milk').locator('.subtasks .text', { hasText: 'Check the date' }).waitFor();
    expect(await page.getByLabel('New subtask').inputValue()).toBe('');
    // Eggs gets a date and a time: sent with the browser's offset.
    await page.getByRole('button', { name: 'Details: Eggs' }).click();
    await page.getByLabel('Date', { exact: true }).fill('2026-12-24');
    await page.getByLabel('Time (optional)').fill('18:30');
    await page.getByLabel('Time (optional)').press('Enter');
    await row(page, 'Eggs').locator('.due').first().waitFor();
    await page.locator('[data-status="saved"]').waitFor();
    await check(page, 'list-details');
    await page.getByRole('button', { name: 'Details: Eggs' }).click();
    await check(page, 'list');

    // What the API has: the same order, the fields as sent.
    const listId = new URL(page.url()).pathname.split('/').at(-1)!;
    const top = await api('alice', `/todos?listId=${listId}`);
    expect(top.body.items.map((t: { text: string }) => t.text)).toEqual(['Milk', 'Eggs', 'Bread']);
    const [milk, eggsTodo] = top.body.items;
    expect(milk).toMatchObject({ notes: 'Oat, not cow’s', due: '2026-12-24' });
    expect(eggsTodo.due).toMatch(/^2026-12-24T18:30:00[+-]\d{2}:\d{2}$/);
    const subs = await api('alice', `/todos?listId=${listId}&subtasks=true`);
    expect(subs.body.items).toMatchObject([{ text: 'Check the date', parentId: milk.id }]);

    // A reload: the same list, order, fields and subtask; still signed in, without the provider's page.
    const authorizations: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/oidc/authorize')) authorizations.push(request.url());
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Groceries', level: 2 }).waitFor();
    await page.locator('[data-status="saved"]').waitFor();
    expect(await todoTexts(page)).toEqual(['Milk', 'Check the date', 'Eggs', 'Bread']);
    expect(await row(page, 'Milk').locator('.due').first().textContent()).toMatch(/Dec/);
    await page.getByRole('button', { name: 'Details: Milk' }).click();
    expect(await page.getByLabel('Notes').inputValue()).toBe('Oat, not cow’s');
    expect(await page.getByLabel('Date', { exact: true }).inputValue()).toBe('2026-12-24');
    expect(authorizations).toEqual([]);
    expect(await page.getByText('Signed in as alice').count()).toBe(1);

    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('lists are renamed, reordered by keyboard and by drag, and deleted after a confirmation; bob sees none of them', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'alice-2');
    for (const title of ['Home', 'Work']) {
      await page.getByLabel('New list').fill(title);
      await page.getByLabel('New list').press('Enter');
      await page.getByRole('heading', { name: title, level: 2 }).waitFor();
    }
    expect(await listNames(page)).toEqual(['Tasks', 'Home', 'Work']);

    // Rename, by keyboard: Escape cancels, Enter saves, focus back on Rename.
    await page.getByRole('button', { name: 'Rename: Home' }).click();
    await page.getByLabel('List title').fill('Never');
    await page.getByLabel('List title').press('Escape');
    await page.getByRole('button', { name: 'Rename: Home' }).click();
    await page.getByLabel('List title').fill('House');
    // Another client of hers renames it meanwhile: a 412 in words, her title kept; saving again replaces theirs.
    const home = (await api('alice-2', '/lists')).body.items.find((l: { title: string }) => l.title === 'Home');
    const theirs = await api('alice-2', `/lists/${home.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ title: 'Cottage' }),
    });
    expect(theirs.status).toBe(200);
    await page.getByLabel('List title').press('Enter');
    await page.locator('[data-status="conflict"]').getByText('someone else changed it meanwhile').waitFor();
    expect(await page.getByLabel('List title').inputValue()).toBe('House');
    await page.getByLabel('List title').press('Enter');
    await page.getByRole('button', { name: 'Rename: House' }).waitFor();
    expect(await listNames(page)).toEqual(['Tasks', 'House', 'Work']);

    // Alt+↑ on Work: before House. Drag Tasks below Work: last.
    await page.getByRole('button', { name: 'Work', exact: true }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => listNames(page)).toEqual(['Tasks', 'Work', 'House']);
    await page
      .locator('.list-row', { hasText: 'Tasks' })
      .locator('.handle')
      .dragTo(page.locator('.list-row', { hasText: 'House' }), { targetPosition: { x: 20, y: 30 } });
    await expect.poll(() => listNames(page)).toEqual(['Work', 'House', 'Tasks']);
    await page.locator('[data-status="saved"]').waitFor();
    const lists = await api('alice-2', '/lists');
    expect(lists.body.items.map((l: { title: string }) => l.title)).toEqual(['Work', 'House', 'Tasks']);

    // Delete asks first; Cancel keeps the list; Delete list deletes it and its todos.
    await page.getByRole('button', { name: 'Work', exact: true }).click();
    await page.getByLabel('New todo').fill('Report');
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['Report']);
    await page.getByRole('button', { name: 'Delete: Work' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the list “Work”?' });
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await check(page, 'confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await listNames(page)).toEqual(['Work', 'House', 'Tasks']);
    await page.getByRole('button', { name: 'Delete: Work' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await listNames(page)).toEqual(['Work', 'House', 'Tasks']);
    await page.getByRole('button', { name: 'Delete: Work' }).click();
    await dialog.getByRole('button', { name: 'Delete list' }).click();
    await expect.poll(() => listNames(page)).toEqual(['House', 'Tasks']);
    await page.getByRole('heading', { name: 'Tasks', level: 2 }).waitFor();
    // Focus goes to the list shown.
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Tasks');
    const remaining = await api('alice-2', '/lists');
    expect(remaining.body.items.map((l: { title: string }) => l.title)).toEqual(['House', 'Tasks']);
    expect(problems.filter((p) => !/status of 412/.test(p))).toEqual([]);

    // Bob, in another browser: his default list only.
    const bob = await open();
    await signIn(bob.page, 'bob-2');
    expect(await listNames(bob.page)).toEqual(['Tasks']);
    expect(await todoTexts(bob.page)).toEqual([]);
    // Alice's list's address shows him his own list, saying that one is not there.
    await bob.page.goto(page.url().replace(/\/app\/.*$/, `/app/lists/${lists.body.items[1].id}`));
    await bob.page.getByRole('heading', { name: 'Tasks', level: 2 }).waitFor();
    await bob.page.locator('[data-status="conflict"]').getByText('not there').waitFor();
    expect(await listNames(bob.page)).toEqual(['Tasks']);
    expect(bob.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await bob.context.close();
    await context.close();
  }, 240_000);

  it('says in words when a list vanished, when the quota is reached, and when the sign-in ended, keeping what was typed and the list shown', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'erin');
    await page.getByLabel('New list').fill('Trip');
    await page.getByLabel('New list').press('Enter');
    await page.getByRole('heading', { name: 'Trip', level: 2 }).waitFor();
    const tripId = new URL(page.url()).pathname.split('/').at(-1)!;

    // The quota of lists: the API's words, and the title stays in the field.
    await page.route(`${app.url}/lists`, (route) =>
      route.request().method() !== 'POST'
        ? route.continue()
        : route.fulfill({
            status: 409,
            contentType: 'application/problem+json',
            json: {
              type: 'about:blank',
              title: 'Conflict',
              status: 409,
              detail:
                'This would exceed your quota of 1000 lists: you have 1000, and this adds 1. Nothing was written.',
            },
          }),
    );
    await page.getByLabel('New list').fill('One too many');
    await page.getByLabel('New list').press('Enter');
    await page.locator('[data-status="error"]').getByText('quota of 1000 lists').waitFor();
    expect(await page.getByLabel('New list').inputValue()).toBe('One too many');
    await page.unrouteAll();

    // Another client deletes the list shown: adding to it says so, shows the default list, and keeps the text.
    const gone = await api('erin', `/lists/${tripId}`, { method: 'DELETE' });
    expect(gone.status === 204 || gone.status === 200).toBe(true);
    await page.getByLabel('New todo').fill('Passport');
    await page.getByLabel('New todo').press('Enter');
    await page.locator('[data-status="conflict"]').getByText('“Trip” was deleted elsewhere').waitFor();
    await page.getByRole('heading', { name: 'Tasks', level: 2 }).waitFor();
    expect(await listNames(page)).toEqual(['Tasks']);
    expect(await page.getByLabel('New todo').inputValue()).toBe('Passport');
    await check(page, 'list-vanished');

    // A refused token: sign in again; the list shown and the typed text come back.
    await page.getByLabel('New list').fill('Camping');
    await page.getByLabel('New list').press('Enter');
    await page.getByRole('heading', { name: 'Camping', level: 2 }).waitFor();
    await page.getByLabel('New todo').fill('Tent');
    const expired = await mint('erin', { exp: 1 });
    await page.route(`${app.url}/todos**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expired}` } }),
    );
    await page.getByLabel('New todo').press('Enter');
    await page.getByRole('alert').getByText('Your sign-in has ended').waitFor();
    await page.unrouteAll();
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('button', { name: 'Continue as erin' }).click();
    await page.getByRole('heading', { name: 'Camping', level: 2 }).waitFor();
    await page.locator('[data-status="saved"]').waitFor();
    expect(await page.getByLabel('New todo').inputValue()).toBe('Tent');
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['Tent']);

    expect(problems.filter((p) => !/status of (401|404|409)/.test(p))).toEqual([]);
    await context.close();
  }, 240_000);
});
