import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../../src/index.ts';

afterEach(() => vi.restoreAllMocks());

const detailOf = async (res: Response) => (await res.json<{ detail: string }>()).detail;

describe('settings', () => {
  it.each([
    ['DB_TIMEOUT_MS', '5s', /DB_TIMEOUT_MS must be a whole number of milliseconds/],
    ['DB_TIMEOUT_MS', '0', /DB_TIMEOUT_MS must be a whole number of milliseconds/],
    ['DB_TIMEOUT_MS', '-1', /DB_TIMEOUT_MS must be a whole number of milliseconds/],
    ['CORS_ORIGINS', 'no-scheme.test', /CORS_ORIGINS must be \* or comma-separated origins/],
    ['CORS_ORIGINS', 'https://a.example/path', /CORS_ORIGINS must be \* or comma-separated origins/],
    ['API_TOKENS', ' , ', /API_TOKENS is set but names no token/],
    ['API_TOKENS', 'deploybot:', /API_TOKENS the entry named deploybot has no token/],
    ['AUTH_ISSUER', 'https://team.cloudflareaccess.com', /AUTH_AUDIENCE must be set for a Cloudflare Access issuer/],
  ])(
    'refuses %s=%j with a 500 that names the setting, on every route, and logs what is wrong; neither holds the value',
    async (name, value, message) => {
      const logged: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
      // Another misconfiguration first, so that this one is news to the isolate's log.
      await app.request('/health', {}, { ...env, DB_TIMEOUT_MS: 'never', CORS_ORIGINS: 'nowhere' });
      for (const path of ['/todos', '/health']) {
        const res = await app.request(path, {}, { ...env, [name]: value });
        expect(res.status).toBe(500);
        const detail = await detailOf(res);
        const setting = message.source.split(' ')[0]!;
        expect(detail).toMatch(/^The server is misconfigured: check [A-Z_, ]+; the Worker's log says what is wrong\.$/);
        expect(detail).toContain(setting);
        if (value.trim().length > 2) expect(detail).not.toContain(value.replace(/:$/, ''));
      }
      expect(logged.join('\n')).toMatch(message);
      if (value.trim().length > 2) expect(logged.join('\n')).not.toContain(value);
    },
  );

  it('takes the defaults when a setting is unset or empty, and applies a changed value at once', async () => {
    for (const DB_TIMEOUT_MS of [undefined, '', '2500'])
      expect((await app.request('/health', {}, { ...env, DB_TIMEOUT_MS })).status).toBe(200);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await app.request('/health', {}, { ...env, DB_TIMEOUT_MS: 'soon' })).status).toBe(500);
    expect((await app.request('/health', {}, { ...env, DB_TIMEOUT_MS: '2500' })).status).toBe(200);
  });

  it('applies CORS_ORIGINS: a listed origin is allowed, another is not', async () => {
    const origins = { ...env, CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' };
    const allowed = await app.request('/health', { headers: { origin: 'https://admin.example.com' } }, origins);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    const other = await app.request('/health', { headers: { origin: 'https://evil.example' } }, origins);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
