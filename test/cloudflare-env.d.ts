// What the tests' `env` and `exports` from 'cloudflare:workers' hold: this Worker's bindings and its main module.
import type { Env as WorkerEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import('../src/index.ts');
    }
  }
}
export {};
