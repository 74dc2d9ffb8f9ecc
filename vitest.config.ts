import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// One run = one upstream (TEST_UPSTREAM, started once by global setup);
// `npm test` (dev/test.ts) runs this once per upstream available on the machine.
export default defineConfig({
  test: {
    globalSetup: ['test/setup/global-stack.ts'],
    // The Worker's one-line-per-request JSON logs are asserted where they matter, not echoed.
    onConsoleLog: (log) => !log.startsWith('{"ts":'),
    projects: [
      {
        // On Node: the gateway, the launchers, the CLIs, pure functions.
        test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        // Inside workerd: the Worker (src/index.ts) against the stack started by global setup.
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                DATABASE_URL: inject('databaseUrl'),
                NEON_LOCAL_GATEWAY: inject('gatewayAddress'),
              },
              // Every test file shares one client key: lift the limit, and keep tight ones for the tests of limiting
              // (both periods the binding offers, so Retry-After is seen to follow RATE_LIMIT_PERIOD_SECONDS).
              ratelimits: {
                RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                TIGHT_RATE_LIMITER: { simple: { limit: 3, period: 60 } },
                TIGHT_10S_RATE_LIMITER: { simple: { limit: 3, period: 10 } },
              },
            },
          })),
        ],
        test: { name: 'workers', include: ['test/workers/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
