import type { Upstream } from '../../dev/gateway/types.ts';

/** A gateway upstream that is never asked: for tests of the gateway's endpoints that need no database. */
export const noDatabase: Upstream = {
  backend: 'embedded',
  openStream: () => {
    throw new Error('no database in this test');
  },
  pgTarget: () => {
    throw new Error('no database in this test');
  },
  stop: async () => undefined,
};
