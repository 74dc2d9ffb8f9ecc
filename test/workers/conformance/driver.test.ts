import { env } from 'cloudflare:workers';
import { beforeAll } from 'vitest';
import { driverConformance } from '../../support/conformance.ts';
import { useTestGateway } from '../../support/driver.ts';

// The Neon driver inside workerd (global fetch and WebSocket), against the gateway.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));
driverConformance(
  () => env.DATABASE_URL,
  () => env.DATABASE_OWNER_URL,
);
