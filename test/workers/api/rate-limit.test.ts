import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';

const PERIOD_MS = 60_000; // TIGHT_RATE_LIMITER's period in vitest.config.ts
const windowNow = () => Math.floor(Date.now() / PERIOD_MS);

describe('rate limiting', () => {
  const tight = { ...env, RATE_LIMITER: (env as unknown as { TIGHT_RATE_LIMITER: RateLimit }).TIGHT_RATE_LIMITER };
  const as = (ip: string) => app.request('/todos?limit=1', { headers: { 'cf-connecting-ip': ip } }, tight);

  // The local limiter counts in fixed windows aligned to the clock's minutes, and starts
  // again at each boundary. A burst that straddles one proves nothing, so it is repeated
  // once as a fresh client: the window it then runs in has just begun.
  async function burstInOneWindow(ip: string): Promise<Response[] | undefined> {
    const started = windowNow();
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await as(ip));
    return windowNow() === started ? responses : undefined;
  }

  it('answers 429 with Retry-After once a client exceeds its limit, and keeps other clients going', async () => {
    const responses = (await burstInOneWindow('203.0.113.7')) ?? (await burstInOneWindow('203.0.113.8'));
    expect(responses, 'two bursts in a row straddled a minute boundary').toBeDefined();
    const statuses = responses!.map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const limited = responses![5]!;
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((await as('198.51.100.9')).status).toBe(200);
  });

  it('limits nothing without the binding', async () => {
    for (let i = 0; i < 5; i++) expect((await app.request('/health', {}, { ...env, RATE_LIMITER: undefined })).status).toBe(200);
  });
});
