import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { call, withSettings, type Reply } from './client.ts';

// The tight limiters of vitest.config.ts: 3 requests per period, one per period the binding offers.
const limiters = env as unknown as { TIGHT_RATE_LIMITER: RateLimit; TIGHT_10S_RATE_LIMITER: RateLimit };

describe('rate limiting', () => {
  // Each answer is checked against the served document (call), 429s and 500s included.
  const request = (ip: string, bindings: Partial<Env>, path = '/todos?limit=1') =>
    call('GET', path, { headers: { 'cf-connecting-ip': ip }, env: withSettings(bindings) });

  // The local limiter counts in fixed windows aligned to the clock, and starts again at
  // each boundary. A burst that straddles one proves nothing, so it is repeated once as a
  // fresh client: the window it then runs in has just begun.
  // `ip` may name the client's address for each request of the burst (one client of many addresses).
  async function burstInOneWindow(
    ip: string | ((i: number) => string),
    periodSeconds: number,
    bindings: Partial<Env>,
    path?: string,
  ): Promise<Reply[] | undefined> {
    const windowNow = () => Math.floor(Date.now() / (periodSeconds * 1000));
    const started = windowNow();
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await request(typeof ip === 'string' ? ip : ip(i), bindings, path));
    return windowNow() === started ? responses : undefined;
  }
  async function limitedBurst(
    ips: [string | ((i: number) => string), string | ((i: number) => string)],
    periodSeconds: number,
    bindings: Partial<Env>,
    path?: string,
  ): Promise<Reply[]> {
    const responses =
      (await burstInOneWindow(ips[0], periodSeconds, bindings, path)) ??
      (await burstInOneWindow(ips[1], periodSeconds, bindings, path));
    expect(responses, 'two bursts in a row straddled a window boundary').toBeDefined();
    return responses!;
  }

  it.each([
    ['/todos?limit=1', '203.0.113.7', '203.0.113.8'],
    ['/health', '203.0.113.37', '203.0.113.38'],
  ])(
    'answers %s with a documented 429 + Retry-After once a client exceeds its limit, and keeps other clients going',
    async (path, ip, spare) => {
      const tight = { RATE_LIMITER: limiters.TIGHT_RATE_LIMITER };
      expect(env.RATE_LIMIT_PERIOD_SECONDS, 'wrangler.jsonc vars').toBe('60');
      const responses = await limitedBurst([ip, spare], 60, tight, path);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
      const limited = responses[5]!;
      expect(limited.headers.get('retry-after')).toBe('60');
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      expect((await request(`198.51.100.${ip.split('.')[3]}`, tight, path)).status).toBe(200);
    },
  );

  // One subscriber holds a whole /64: keyed by the full address, it would have 2^64 buckets.
  it('counts every address of one IPv6 /64 as one client, and another /64 apart', async () => {
    const tight = { RATE_LIMITER: limiters.TIGHT_RATE_LIMITER };
    const responses = await limitedBurst(
      [(i) => `2001:db8:64:1:${i}::${i + 1}`, (i) => `2001:0db8:0064:0002:${i}:0:0:${i + 1}`],
      60,
      tight,
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
    expect((await request('2001:db8:64:3::1', tight)).status).toBe(200);
  });

  it('takes Retry-After from RATE_LIMIT_PERIOD_SECONDS (a 10 s limiter says 10)', async () => {
    const bindings = { RATE_LIMITER: limiters.TIGHT_10S_RATE_LIMITER, RATE_LIMIT_PERIOD_SECONDS: '10' };
    const responses = await limitedBurst(['203.0.113.17', '203.0.113.18'], 10, bindings);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
    expect(responses[3]!.headers.get('retry-after')).toBe('10');
    expect((responses[3]!.body as { detail: string }).detail).toContain('wait 10 s');
  });

  it('says 60 when RATE_LIMIT_PERIOD_SECONDS is unset', async () => {
    const bindings = { RATE_LIMITER: limiters.TIGHT_RATE_LIMITER, RATE_LIMIT_PERIOD_SECONDS: undefined };
    const responses = await limitedBurst(['203.0.113.27', '203.0.113.28'], 60, bindings);
    expect(responses[3]!.headers.get('retry-after')).toBe('60');
  });

  for (const bad of ['abc', '0', '-5', '1.5', '60s', '1e3']) {
    it(`answers a 500 problem naming the setting for RATE_LIMIT_PERIOD_SECONDS=${JSON.stringify(bad)}, on the first request`, async () => {
      const res = await request('192.0.2.1', { RATE_LIMIT_PERIOD_SECONDS: bad });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((res.body as { detail: string }).detail).toMatch(
        /^The server is misconfigured: check RATE_LIMIT_PERIOD_SECONDS;/,
      );
    });
  }

  it('limits nothing without the binding', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call('GET', '/health', { env: withSettings({ RATE_LIMITER: undefined }) });
      expect(res.status).toBe(200);
    }
  });
});
