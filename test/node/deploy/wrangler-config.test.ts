import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRawWranglerConfig, WRANGLER_CONFIG } from '../../../dev/wrangler-config.ts';

// wrangler's own reader, so the test sees the file as a deploy does.
const config = readRawWranglerConfig();

describe(WRANGLER_CONFIG, () => {
  it("names wrangler's schema, so editors check and complete it", () => {
    expect(config.$schema).toBe('./node_modules/wrangler/config-schema.json');
    expect(existsSync(config.$schema as string)).toBe(true);
  });

  it('keeps logs in Workers Logs, traces requests and uploads source maps', () => {
    expect(config.observability).toEqual({
      enabled: true,
      head_sampling_rate: 1,
      traces: { enabled: true, head_sampling_rate: 1 },
    });
    expect(config.upload_source_maps).toBe(true);
    expect(config.workers_dev).toBe(true);
    // Assets first, but the web app's pages (not its hashed files) run the Worker: /app/... falls back to the app.
    expect(config.assets).toEqual({
      directory: './public',
      binding: 'ASSETS',
      run_worker_first: ['/app', '/app/*', '!/app/assets/*'],
    });
  });

  it("tells a limited client to wait exactly the rate limits' period (per IP, per owner and per owner's imports share it)", () => {
    for (const scope of [config, config.env!.staging!]) {
      expect(scope.ratelimits!.map((r) => r.name)).toEqual([
        'RATE_LIMITER',
        'OWNER_RATE_LIMITER',
        'IMPORT_RATE_LIMITER',
      ]);
      for (const limit of scope.ratelimits!)
        expect(scope.vars!.RATE_LIMIT_PERIOD_SECONDS).toBe(String(limit.simple.period));
    }
  });

  // An environment inherits neither vars nor bindings: one left out would be missing from the staging Worker.
  it("limits an owner's imports far below its requests", () => {
    const limitOf = (name: string) => config.ratelimits!.find((r) => r.name === name)!.simple.limit;
    expect(limitOf('IMPORT_RATE_LIMITER')).toBeLessThan(limitOf('OWNER_RATE_LIMITER') / 100);
  });

  it('repeats every var and rate limit in staging, with counters of its own', () => {
    const staging = config.env!.staging!;
    expect(staging.vars).toEqual(config.vars);
    const withoutNamespace = (limits: typeof config.ratelimits) => limits!.map(({ namespace_id: _, ...rest }) => rest);
    expect(withoutNamespace(staging.ratelimits)).toEqual(withoutNamespace(config.ratelimits));
    const production = new Set(config.ratelimits!.map((r) => r.namespace_id));
    for (const limit of staging.ratelimits!) expect(production.has(limit.namespace_id), limit.name).toBe(false);
  });

  it("builds the docs assets and the Worker's Neon driver before every build, and leaves placement off with both choices shown", () => {
    expect((config.build as { command: string }).command).toBe(
      'node dev/copy-assets.mjs && node dev/worker-driver.mjs',
    );
    expect(config.alias).toMatchObject({ '@neondatabase/serverless': './.build/neon-serverless.mjs' });
    expect(config.placement).toBeUndefined();
    const text = readFileSync(WRANGLER_CONFIG, 'utf8');
    expect(text).toMatch(/^\s*\/\/\s+"placement": \{ "region": "aws:/m);
    expect(text).toMatch(/^\s*\/\/\s+"placement": \{ "mode": "smart" \}/m);
  });
});
