import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { TestProject } from 'vitest/node';
import { localUrl, startStack, type Backend } from '../../dev/stack.ts';
import { SUPERUSER } from '../../dev/upstreams/postgres.ts';
import { neon } from '@neondatabase/serverless';
import { applyMigrations } from '../../dev/migrations.ts';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import { SCRATCH_SCHEMA } from '../support/driver.ts';
import { startOutageControl } from './outage-control.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: Backend;
    gatewayUrl: string;
    gatewayAddress: string;
    /** The Worker's DATABASE_URL: its login role, pooled; row-level security applies. */
    databaseUrl: string;
    /** The tables' owner, direct: migrations, and tests that set up or inspect rows of any owner. */
    ownerUrl: string;
    /**
     * The Postgres upstream's superuser, direct: for tests that make roles (only a superuser may give
     * BYPASSRLS). '' on the embedded upstream, whose superuser cannot log in through the gateway.
     */
    superuserUrl: string;
    /** host:port of a TCP server that accepts connections and never answers (deadline tests). */
    blackholeAddress: string;
    /** Where tests in workerd get outage proxies in front of the gateway (test/support/outage-link.ts). */
    outageControlUrl: string;
  }
}

/** Starts one local database stack for the whole run (the upstream named by TEST_UPSTREAM) and migrates it. */
export default async function setup(project: TestProject) {
  const backend = (process.env.TEST_UPSTREAM ?? 'embedded') as Backend;
  const stack = await startStack({ backend, port: 0, dataDir: 'memory' });
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
  useLocalGateway(stack.gatewayAddress);
  await neon(stack.ownerUrl).query(`create schema if not exists ${SCRATCH_SCHEMA}`);
  project.provide('backend', stack.backend);
  project.provide('gatewayUrl', stack.gatewayUrl);
  project.provide('gatewayAddress', stack.gatewayAddress);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('ownerUrl', stack.ownerUrl);
  project.provide('superuserUrl', stack.backend === 'postgres' ? localUrl(SUPERUSER, 'direct') : '');
  const held = new Set<Socket>();
  const blackhole = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  project.provide('blackholeAddress', `127.0.0.1:${(blackhole.address() as AddressInfo).port}`);
  const outages = await startOutageControl(stack.gatewayAddress);
  project.provide('outageControlUrl', outages.url);
  return async () => {
    await outages.stop();
    for (const socket of held) socket.destroy();
    blackhole.close();
    await stack.stop();
  };
}
