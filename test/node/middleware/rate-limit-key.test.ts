import { describe, expect, it } from 'vitest';
import { clientKey } from '../../../src/middleware/rate-limit/client-key.ts';

describe('clientKey: what the per-IP rate limit counts a client as', () => {
  it.each(['203.0.113.7', '0.0.0.0', '255.255.255.255', '10.0.0.1'])('keeps the IPv4 address %s as it is', (ip) => {
    expect(clientKey(ip)).toBe(ip);
  });

  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:FFFF:FFFF:FFFF:FFFF', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8::1:2:3:4', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:db8:1:2:3:4:192.0.2.1', '2001:db8:1:2::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('keys the IPv6 address %s by its /64: %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it('gives every address of one /64 the same key, and the next /64 another', () => {
    const keys = new Set(['2001:db8:a:b::1', '2001:db8:a:b:ffff::', '2001:db8:a:b:1:2:3:4'].map(clientKey));
    expect(keys.size).toBe(1);
    expect(clientKey('2001:db8:a:c::1')).not.toBe(clientKey('2001:db8:a:b::1'));
  });

  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '192.0.2.1'],
  ])('keys the IPv4-mapped address %s as the IPv4 address %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it.each([
    'anonymous',
    '',
    '1.2.3',
    '256.1.1.1',
    '1:2:3',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::1',
    'g::1',
    '::ffff:1.2.3.256',
  ])('keeps what is not an IP address as its own key: %j', (text) => {
    expect(clientKey(text)).toBe(text);
  });
});
