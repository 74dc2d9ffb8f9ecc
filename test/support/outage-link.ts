import { inject } from 'vitest';
import type { OutageProxyOptions } from './outage-proxy.ts';

/**
 * A private outage proxy in front of the test stack's gateway, from a test in
 * workerd (see test/setup/outage-control.ts): point NEON_LOCAL_GATEWAY at
 * `address`, then take the database `down()` and bring it back `up()`.
 */
export async function openOutageLink(options: OutageProxyOptions = {}) {
  const control = inject('outageControlUrl');
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${control}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`outage control: ${method} ${path} -> ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  const { id, address } = (await send('POST', '/proxies', options)) as { id: string; address: string };
  return {
    address,
    down: () => send('POST', `/proxies/${id}/down`),
    up: () => send('POST', `/proxies/${id}/up`),
    close: () => send('DELETE', `/proxies/${id}`),
  };
}
