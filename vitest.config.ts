import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { writeWorkerDriver } from './dev/worker-driver.mjs';

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
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Inside workerd: the Worker (src/index.ts) against the stack started by global setup.
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: {
              bindings: {
                DATABASE_URL: inject('databaseUrl'),
                // Not a Worker setting: the tables' owner, for tests that set up or inspect rows of any owner.
                DATABASE_OWNER_URL: inject('ownerUrl'),
                NEON_LOCAL_GATEWAY: inject('gatewayAddress'),
                // Most files test the API, not identity: anonymous callers act as `anonymous` (auth tests override).
                AUTH_ANONYMOUS: 'on',
              },
              // Every test file shares one client key: lift the limit, and keep a tight one for the test of limiting.
              // Miniflare keeps counters per namespace_id (required since miniflare 5), so the tight one has its own.
              ratelimits: {
                RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } },
                OWNER_RATE_LIMITER: { namespace_id: '1003', simple: { limit: 1_000_000, period: 60 } },
                IMPORT_RATE_LIMITER: { namespace_id: '1005', simple: { limit: 1_000_000, period: 60 } },
                TIGHT_RATE_LIMITER: { namespace_id: '1002', simple: { limit: 3, period: 60 } },
                TIGHT_10S_RATE_LIMITER: { namespace_id: '1004', simple: { limit: 3, period: 10 } },
              },
            },
          })),
        ],
        // As in the deployed bundle (wrangler.jsonc `alias`): the routing of @hono/zod-openapi without its generator,
        // and the Neon driver as the Worker's build takes it (dev/worker-driver.mjs).
        resolve: {
          alias: {
            '@hono/zod-openapi': fileURLToPath(new URL('./src/vendor/zod-openapi.ts', import.meta.url)),
            '@neondatabase/serverless': writeWorkerDriver(),
          },
        },
        test: { name: 'workers', include: ['test/workers/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
