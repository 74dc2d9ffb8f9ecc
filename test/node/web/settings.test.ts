import { describe, expect, it } from 'vitest';
import { parseWebAppSettings } from '../../../src/web-app/settings.ts';
import { webAppCsp } from '../../../src/web-app/serve.ts';

describe('the web app settings', () => {
  it('leaves sign-in unset without WEB_CLIENT_ID', () => {
    expect(parseWebAppSettings({ AUTH_ISSUER: 'https://id.example' })).toEqual({
      ok: true,
      config: null,
      connectOrigins: [],
    });
  });

  it('gives the app its issuer, client id and scopes, and the CSP the issuer origin', () => {
    expect(
      parseWebAppSettings({
        AUTH_ISSUER: 'https://tenant.eu.auth0.com/',
        WEB_CLIENT_ID: 'abc123',
        WEB_AUTH_AUDIENCE: 'https://todo.example',
      }),
    ).toEqual({
      ok: true,
      config: {
        issuer: 'https://tenant.eu.auth0.com/',
        clientId: 'abc123',
        scope: 'openid offline_access',
        audience: 'https://todo.example',
      },
      connectOrigins: ['https://tenant.eu.auth0.com'],
    });
  });

  it.each([
    [{ WEB_CLIENT_ID: 'app' }, 'AUTH_ISSUER'],
    [{ WEB_CLIENT_ID: 'app', AUTH_ISSUER: 'http://id.example' }, 'AUTH_ISSUER'],
    [{ WEB_CLIENT_ID: 'app', AUTH_ISSUER: 'not a url' }, 'AUTH_ISSUER'],
    [{ WEB_CLIENT_ID: 'a b', AUTH_ISSUER: 'https://id.example' }, 'WEB_CLIENT_ID'],
    [{ WEB_CLIENT_ID: 'app', AUTH_ISSUER: 'https://id.example', WEB_SCOPE: 'profile' }, 'WEB_SCOPE'],
    [{ WEB_CLIENT_ID: 'app', AUTH_ISSUER: 'https://id.example', WEB_AUTH_AUDIENCE: 'a b' }, 'WEB_AUTH_AUDIENCE'],
  ])('names the bad setting in %j, never its value', (env, setting) => {
    const result = parseWebAppSettings(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.setting)).toContain(setting);
    for (const value of Object.values(env)) expect(JSON.stringify(result.problems)).not.toContain(`"${value}"`);
  });
});

describe('the web app CSP', () => {
  it('allows no inline script, and fetches only to the API and the identity provider', () => {
    const csp = webAppCsp(['https://id.example']);
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe');
    expect(directives['connect-src']).toEqual(["'self'", 'https://id.example']);
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['require-trusted-types-for']).toEqual(["'script'"]);
  });
});
