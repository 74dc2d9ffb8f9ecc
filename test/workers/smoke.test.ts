import { exports } from 'cloudflare:workers';
import { inject, it, expect } from 'vitest';
it('reaches the worker and sees the injected gateway', async () => {
  const res = await exports.default.fetch('http://x/');
  expect(await res.text()).toBe('ok');
  expect(inject('gatewayAddress')).toMatch(/^127\.0\.0\.1:\d+$/);
});
