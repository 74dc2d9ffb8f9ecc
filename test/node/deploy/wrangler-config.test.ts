import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// wrangler's own reader, so the test sees the file as a deploy does (tables, not lines).
// eslint-disable-next-line @typescript-eslint/unbound-method -- a plain function of a CommonJS module
const { experimental_readRawConfig } = createRequire(import.meta.url)('wrangler') as {
  experimental_readRawConfig(args: { config: string }): { rawConfig: Record<string, any> };
};
const config = experimental_readRawConfig({ config: 'wrangler.toml' }).rawConfig;

describe('wrangler.toml', () => {
  it('keeps logs in Workers Logs and uploads source maps', () => {
    expect(config.observability).toEqual({ enabled: true, head_sampling_rate: 1 });
    expect(config.upload_source_maps).toBe(true);
  });

  it('has its top-level keys at the top level (not swallowed by [assets])', () => {
    expect(config.workers_dev).toBe(true);
    expect(config.assets).toEqual({ directory: './public' });
  });

  it("tells a limited client to wait exactly the rate limits' period (per IP and per owner share it)", () => {
    expect((config.ratelimits as { name: string }[]).map((r) => r.name)).toEqual([
      'RATE_LIMITER',
      'OWNER_RATE_LIMITER',
    ]);
    for (const limit of config.ratelimits as { simple: { period: number } }[]) {
      expect(config.vars.RATE_LIMIT_PERIOD_SECONDS).toBe(String(limit.simple.period));
    }
  });

  it('builds the docs assets before every build, and leaves placement off with both choices shown', () => {
    expect(config.build.command).toBe('node dev/copy-swagger-ui.mjs');
    expect(config.placement).toBeUndefined();
    const text = readFileSync('wrangler.toml', 'utf8');
    expect(text).toMatch(/^#\s+\[placement\]\n#\s+region = "aws:/m);
    expect(text).toMatch(/^#\s+mode = "smart"/m);
  });
});
