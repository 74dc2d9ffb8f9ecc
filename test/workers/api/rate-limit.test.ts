import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, withSettings, type Reply } from './client.ts';

const PERIOD_MS = 60_000; // TIGHT_RATE_LIMITER's period in vitest.config.ts
const windowNow = () => Math.floor(Date.now() / PERIOD_MS);

describe('rate limiting', () => {
  const tight = withSettings({ RATE_LIMITER: (env as unknown as { TIGHT_RATE_LIMITER: RateLimit }).TIGHT_RATE_LIMITER });
  const as = (ip: string, path: string) => call('GET', path, { headers: { 'cf-connecting-ip': ip }, env: tight });

  // The local limiter counts in fixed windows aligned to the clock's minutes, and starts
  // again at each boundary. A burst that straddles one proves nothing, so it is repeated
  // once as a fresh client: the window it then runs in has just begun.
  async function burstInOneWindow(ip: string, path: string): Promise<Reply[] | undefined> {
    const started = windowNow();
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await as(ip, path));
    return windowNow() === started ? responses : undefined;
  }

  it.each([
    ['/todos?limit=1', '203.0.113.7', '203.0.113.8'],
    ['/health', '203.0.113.17', '203.0.113.18'],
  ])('answers %s with a documented 429 + Retry-After once a client exceeds its limit, and keeps other clients going', async (path, ip, spare) => {
    const responses = (await burstInOneWindow(ip, path)) ?? (await burstInOneWindow(spare, path));
    expect(responses, 'two bursts in a row straddled a minute boundary').toBeDefined();
    expect(responses!.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
    const limited = responses![5]!;
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((await as(`198.51.100.${ip.split('.')[3]}`, path)).status).toBe(200);
  });

  it('limits nothing without the binding', async () => {
    for (let i = 0; i < 5; i++) expect((await call('GET', '/health', { env: withSettings({ RATE_LIMITER: undefined }) })).status).toBe(200);
  });
});
