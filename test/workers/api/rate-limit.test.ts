import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../../src/index.ts';

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a client exceeds its limit, and keeps other clients going', async () => {
    const tight = { ...env, RATE_LIMITER: (env as unknown as { TIGHT_RATE_LIMITER: RateLimit }).TIGHT_RATE_LIMITER };
    const as = (ip: string) => app.request('/todos?limit=1', { headers: { 'cf-connecting-ip': ip } }, tight);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await as('203.0.113.7')).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await as('203.0.113.7');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((await as('198.51.100.9')).status).toBe(200);
  });

  it('limits nothing without the binding', async () => {
    for (let i = 0; i < 5; i++) expect((await app.request('/health', {}, { ...env, RATE_LIMITER: undefined })).status).toBe(200);
  });
});
