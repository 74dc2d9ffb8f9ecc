import { describe, expect, it } from 'vitest';
import { LOCAL_WEB_CLIENT_ID } from '../../../dev/gateway/oidc.ts';
import { browserAvailable, watchProblems } from '../../support/browser.ts';
import { todoTexts, useWebApp } from '../../support/web-app.ts';

const runBrowser = browserAvailable('the web app tests');

describe.runIf(runBrowser)('the web app at /app, in Chromium, against the real stack', () => {
  const app = useWebApp('app');
  const { gatewayUrl, mint, check, signIn, open: openApp } = app;

  it('answers /app and any path under it with the app’s page and CSP, while the docs, the document and the API keep their answers', async () => {
    let page = '';
    for (const path of ['/app', '/app/', '/app/deep/link?x=1', '/app/callback']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self';");
      expect(csp, path).toContain(`connect-src 'self' ${gatewayUrl};`);
      expect(csp, path).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      page = await res.text();
      expect(page, path).toContain('local-todo-app');
    }
    const script = /<script type="module" src="([^"]+)"/.exec(page)![1]!;
    const js = await fetch(`${app.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(js.headers.get('cache-control')).toContain('immutable');
    await js.arrayBuffer();

    const missing = await fetch(`${app.url}/app/assets/missing.js`);
    expect(missing.status, 'a missing built file is not the app page').toBe(404);
    await missing.arrayBuffer();
    const docs = await fetch(`${app.url}/docs`);
    expect(await docs.text()).toContain('<title>Todo API docs</title>');
    const document = await fetch(`${app.url}/openapi.json`);
    expect((await document.json<{ openapi: string }>()).openapi).toMatch(/^3\./);
    const api = await fetch(`${app.url}/todos`);
    expect(api.status, 'the API still asks for a token').toBe(401);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await api.arrayBuffer();
    const lookalike = await fetch(`${app.url}/appendix`);
    expect(lookalike.status, 'only /app and below are the app').toBe(404);
    await lookalike.arrayBuffer();
    const withQuery = await fetch(`${app.url}/app?from=mail`);
    expect(withQuery.status, 'a query string does not hide the app').toBe(200);
    expect(withQuery.headers.get('content-security-policy')).toContain("script-src 'self'");
    await withQuery.arrayBuffer();
    const post = await fetch(`${app.url}/app`, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.arrayBuffer();
  });

  it('alice signs in, adds, edits, checks, deletes with undo, filters; a reload keeps it all and her sign-in', async () => {
    const { context, page, problems } = await openApp();
    await page.goto(`${app.url}/app`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await check(page, 'signed-out');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User name').waitFor();
    await check(page, 'provider-sign-in');
    await page.getByLabel('User name').fill('alice');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    expect(new URL(page.url()).search, 'back on the app, the code gone from the address').toBe('');
    await expect.poll(() => page.getByText('Signed in as alice').count()).toBe(1);
    await check(page, 'empty-list');

    // Add three by Enter, by keyboard only.
    const field = page.getByLabel('New todo');
    for (const text of ['Buy milk', 'Call the plumber', 'Water the plants']) {
      await field.fill(text);
      await field.press('Enter');
      await expect.poll(() => field.inputValue()).toBe('');
    }
    expect(await todoTexts(page)).toEqual(['Water the plants', 'Call the plumber', 'Buy milk']);
    // Focus is visible: Tab from the field reaches Add, drawn with an outline.
    await field.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Add');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');

    // Edit inline: Edit, type, Enter; focus returns to the Edit button.
    await page.getByRole('button', { name: 'Edit: Buy milk' }).click();
    const editor = page.getByLabel('Edit todo');
    await expect.poll(() => editor.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await editor.fill('Buy oat milk');
    await editor.press('Enter');
    await page.getByRole('button', { name: 'Edit: Buy oat milk' }).waitFor();
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')"))
      .toBe('Edit: Buy oat milk');
    // Escape cancels an edit.
    await page.getByRole('button', { name: 'Edit: Water the plants' }).click();
    await page.getByLabel('Edit todo').fill('never saved');
    await page.getByLabel('Edit todo').press('Escape');
    await page.getByRole('button', { name: 'Edit: Water the plants' }).waitFor();

    // Check one with the keyboard (Space on the focused checkbox).
    await page.getByRole('checkbox', { name: 'Call the plumber' }).focus();
    await page.keyboard.press('Space');
    await page.locator('[data-status="saved"]').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Call the plumber' }).isChecked()).toBe(true);

    // Delete with undo: it comes back where it was.
    await page.getByRole('button', { name: 'Delete: Water the plants' }).click();
    expect(await todoTexts(page)).toEqual(['Call the plumber', 'Buy oat milk']);
    await page.getByRole('button', { name: 'Undo' }).click();
    expect(await todoTexts(page)).toEqual(['Water the plants', 'Call the plumber', 'Buy oat milk']);
    // Delete for good: once the undo time is over, the server is told.
    await page.getByRole('button', { name: 'Delete: Buy oat milk' }).click();
    await page.getByRole('button', { name: 'Undo' }).waitFor();
    // The status line says what is happening now, not the undo before it.
    expect(await page.locator('[data-status]').textContent()).toBe('Deleted. It can be undone for a few seconds.');
    await check(page, 'list-undo');
    await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('[data-status="saved"]').waitFor();

    // Filters.
    await page.getByRole('button', { name: /^Done/ }).click();
    expect(await todoTexts(page)).toEqual(['Call the plumber']);
    await page.getByRole('button', { name: /^Active/ }).click();
    expect(await todoTexts(page)).toEqual(['Water the plants']);
    await page.getByRole('button', { name: /^All/ }).click();
    await check(page, 'list');

    // A reload: the same list, and no visit to the provider's sign-in page.
    const authorizations: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/oidc/authorize')) authorizations.push(request.url());
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.locator('[data-status="saved"]').waitFor();
    expect(await todoTexts(page)).toEqual(['Water the plants', 'Call the plumber']);
    expect(await page.getByRole('checkbox', { name: 'Call the plumber' }).isChecked()).toBe(true);
    expect(authorizations).toEqual([]);
    const tokens = await page.evaluate(() => JSON.stringify(localStorage));
    expect(tokens, 'nothing in localStorage').toBe('{}');

    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('bob, in another browser, sees none of alice’s todos, and his own', async () => {
    const { context, page, problems } = await openApp();
    await signIn(page, 'bob');
    expect(await todoTexts(page)).toEqual([]);
    await page.getByLabel('New todo').fill('Bob’s own');
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['Bob’s own']);

    // Signing out ends the tab's session and the provider's: a reload stays signed out, and the provider asks again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/');
    expect(await page.evaluate("sessionStorage.getItem('todo-app.session')"), 'no refresh token left').toBeNull();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User name').waitFor();
    expect(await page.getByRole('button', { name: 'Continue as bob' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a token the API refuses leads to sign-in again, keeping what was on screen', async () => {
    const { context, page, problems } = await openApp();
    await signIn(page, 'carol');
    await page.getByLabel('New todo').fill('First');
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['First']);

    // From now on every API request carries an expired token (as if the provider's had lapsed and
    // renewing gave no better one): the API refuses it.
    const expired = await mint('carol', { exp: 1 });
    await page.route(`${app.url}/todos**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expired}` } }),
    );
    await page.getByRole('button', { name: 'Edit: First' }).click();
    await page.getByLabel('Edit todo').fill('First, edited while signed out');
    await page.getByLabel('Edit todo').press('Enter');
    await page.getByRole('alert').getByText('Your sign-in has ended').waitFor();
    await page.locator('[data-status="signed-out"]').waitFor();
    expect(await page.getByLabel('Edit todo').inputValue(), 'the edit is still on screen').toBe(
      'First, edited while signed out',
    );
    await page.getByRole('button', { name: /^Done/ }).click();
    await check(page, 'signed-out-banner');

    // Sign in again: the provider remembers carol; the screen comes back as it was, and saving works.
    await page.unrouteAll();
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('button', { name: 'Continue as carol' }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.locator('[data-status="saved"]').waitFor();
    expect(await page.getByRole('button', { name: /^Done/ }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: /^All/ }).click();
    expect(await page.getByLabel('Edit todo').inputValue()).toBe('First, edited while signed out');
    await page.getByLabel('Edit todo').press('Enter');
    await page.getByRole('button', { name: 'Edit: First, edited while signed out' }).waitFor();

    // Chromium logs each refused request; nothing else went wrong.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
    await context.close();
  }, 120_000);

  it('someone else’s change in between (412) is said in words, and the typed text is kept', async () => {
    const { context, page, problems } = await openApp();
    await signIn(page, 'dave');
    await page.getByLabel('New todo').fill('Shared');
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['Shared']);
    await page.getByRole('button', { name: 'Edit: Shared' }).click();
    await page.getByLabel('Edit todo').fill('Mine');

    // Another client of dave's changes it meanwhile.
    const token = await mint('dave');
    const list: any = await (await fetch(`${app.url}/todos`, { headers: { authorization: `Bearer ${token}` } })).json();
    const res = await fetch(`${app.url}/todos/${list.items[0].id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Theirs' }),
    });
    expect(res.status).toBe(200);

    await page.getByLabel('Edit todo').press('Enter');
    await page.locator('[data-status="conflict"]').getByText('Their version is shown now').waitFor();
    expect(await page.locator('[data-status="conflict"]').textContent()).toMatch(/someone else changed it/);
    expect(await page.locator('.saved-text').textContent(), 'their text, beside the editor').toContain('Theirs');
    expect(await page.getByLabel('Edit todo').inputValue()).toBe('Mine');
    // Saving again now replaces their version knowingly.
    await page.getByLabel('Edit todo').press('Enter');
    await page.getByRole('button', { name: 'Edit: Mine' }).waitFor();
    expect(problems.filter((p) => !/status of 412/.test(p))).toEqual([]);
    await context.close();
  }, 120_000);

  it('says an outage, a refusal to wait for and being offline in words, keeping the typed text until it is saved', async () => {
    const { context, page, problems } = await openApp();
    await signIn(page, 'frank');
    const field = page.getByLabel('New todo');
    const status = page.getByRole('status').filter({ hasText: /./ }).last();

    // A 503 whose Retry-After is short is waited out and the creation repeated (same Idempotency-Key): one todo.
    let outages = 1;
    let retryAfter = '1';
    const keys: string[] = [];
    await page.route(`${app.url}/todos`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']!);
      if (outages-- <= 0) return route.continue();
      return route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': retryAfter },
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'The database is not answering.',
        }),
      });
    });
    await field.fill('Survives a blip');
    await field.press('Enter');
    await expect.poll(() => todoTexts(page), { timeout: 15_000 }).toEqual(['Survives a blip']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);

    // A long Retry-After is said, and the text stays in the field.
    outages = 1;
    retryAfter = '30';
    await field.fill('Not yet');
    await field.press('Enter');
    await page.locator('[data-status="error"]').waitFor();
    expect(await status.textContent()).toBe(
      'Could not add the todo: the service is busy or briefly down. Try again in 30 seconds.',
    );
    expect(await field.inputValue()).toBe('Not yet');
    await page.unrouteAll();

    // Offline: said, and the text stays; back online, Enter saves it.
    await context.setOffline(true);
    await field.press('Enter');
    await page.locator('[data-status="offline"]').waitFor();
    expect(await status.textContent()).toMatch(/cannot be reached/);
    expect(await field.inputValue()).toBe('Not yet');
    await context.setOffline(false);
    await field.press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual(['Not yet', 'Survives a blip']);
    expect(await field.inputValue()).toBe('');

    expect(problems.filter((p) => !/status of 503|ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows todo text as text, and its CSP blocks an injected inline script', async () => {
    const { context, page, problems } = await openApp();
    await signIn(page, 'mallory');
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await page.getByLabel('New todo').fill(hostile);
    await page.getByLabel('New todo').press('Enter');
    await expect.poll(() => todoTexts(page)).toEqual([hostile]);
    expect(await page.locator('.todo-list img, .todo-list script').count()).toBe(0);

    // Script that reached the DOM anyway (as an XSS would put it there) does not run: Trusted Types and
    // script-src both refuse it.
    await page.evaluate(`{
      const script = document.createElement('script');
      script.append(document.createTextNode('window.__pwned = 3'));
      document.body.append(script);
    }`);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(problems.some((p) => /Content Security Policy|Trusted/i.test(p))).toBe(true);

    // An inline script in the page's own markup (a tampered response, with the Worker's headers kept): blocked too.
    const tampered = await context.newPage();
    const tamperedProblems = watchProblems(tampered);
    await tampered.route(`${app.url}/app`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<head>', '<head><script>window.__pwned = 4</script>');
      await route.fulfill({ response, body });
    });
    await tampered.goto(`${app.url}/app`);
    await tampered.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await tampered.evaluate('window.__pwned')).toBeUndefined();
    expect(tamperedProblems.join('\n')).toMatch(
      /inline script.*Content Security Policy|Content Security Policy.*inline/i,
    );
    await context.close();
  }, 120_000);

  it('an id token minted for another sign-in (nonce) is refused, and no one is signed in', async () => {
    const { context, page, problems } = await openApp();
    await page.goto(`${app.url}/app`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User name').fill('grace');
    // The token endpoint's answer, with its id token replaced by a valid one carrying another nonce.
    const forged = await (
      await fetch(`${gatewayUrl}/issuer/token`, {
        method: 'POST',
        body: JSON.stringify({ sub: 'grace', aud: LOCAL_WEB_CLIENT_ID, claims: { nonce: 'another-sign-in' } }),
      })
    ).json<{ token: string }>();
    await page.route(`${gatewayUrl}/oidc/token`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, id_token: forged.token } });
    });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('could not be finished').waitFor();
    expect(await page.getByText('Signed in as').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a sign-in answer that does not match the request (state) is refused, and no one is signed in', async () => {
    const { context, page, problems } = await openApp();
    await page.goto(`${app.url}/app`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User name').fill('erin');
    // Let the provider answer, but swap the state in the address it sends the browser back to.
    await page.route(`${gatewayUrl}/oidc/authorize`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const back = new URL(response.headers().location!);
      back.searchParams.set('state', 'forged-state');
      await route.fulfill({ response, headers: { ...response.headers(), location: back.href } });
    });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('did not match this sign-in').waitFor();
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
