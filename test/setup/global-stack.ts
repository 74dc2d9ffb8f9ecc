import type { TestProject } from 'vitest/node';
import { startStack, type Backend } from '../../dev/stack.ts';
import { applyMigrations } from '../../dev/migrations.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: Backend;
    gatewayUrl: string;
    gatewayAddress: string;
    databaseUrl: string;
    directUrl: string;
  }
}

/** Starts one local database stack for the whole run (the upstream named by TEST_UPSTREAM) and migrates it. */
export default async function setup(project: TestProject) {
  const backend = (process.env.TEST_UPSTREAM ?? 'embedded') as Backend;
  const stack = await startStack({ backend, port: 0, dataDir: 'memory' });
  await applyMigrations(stack.directUrl, { localGateway: stack.gatewayAddress });
  project.provide('backend', stack.backend);
  project.provide('gatewayUrl', stack.gatewayUrl);
  project.provide('gatewayAddress', stack.gatewayAddress);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('directUrl', stack.directUrl);
  return () => stack.stop();
}
