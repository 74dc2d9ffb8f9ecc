// What the tests' `env` and `exports` from 'cloudflare:workers' hold: this Worker's bindings and its main module.
import type { Env as WorkerEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** Tests only (vitest.config.ts): the tables' owner's URL, past row-level security while no owner is set. */
      DATABASE_OWNER_URL: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index.ts');
    }
  }
}
export {};
