import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';

// A Worker deployed before its DATABASE_URL secret exists (README: "Deploying") must say so, not hang or 503.
describe('deployed without DATABASE_URL', () => {
  const bare = { ...env, DATABASE_URL: undefined as unknown as string };

  for (const path of ['/health', '/todos']) {
    it(`answers ${path} with a 500 problem naming the missing secret`, async () => {
      const res = await app.request(path, {}, bare);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json<{ detail: string }>()).detail).toContain('the secret DATABASE_URL is not set');
    });
  }

  // The OpenAPI document is a static asset, served whatever the Worker's secrets.
  it('still serves the docs page', async () => {
    expect((await app.request('/docs', {}, bare)).status).toBe(200);
  });
});
