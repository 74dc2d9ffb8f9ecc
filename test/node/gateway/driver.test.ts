import { beforeAll, inject } from 'vitest';
import { driverConformance } from '../../support/conformance.ts';
import { useTestGateway } from '../../support/driver.ts';

// The Neon driver on Node (ws for WebSockets), against the gateway.
beforeAll(() => useTestGateway(inject('gatewayAddress')));
driverConformance(
  () => inject('databaseUrl'),
  () => inject('ownerUrl'),
);
