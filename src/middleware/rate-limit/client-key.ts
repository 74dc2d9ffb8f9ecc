const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const GROUP = /^[0-9a-f]{1,4}$/i;

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
function ipv4Bytes(text: string): number[] | undefined {
  const bytes = IPV4.exec(text)?.slice(1).map(Number);
  return bytes && bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** The eight 16-bit groups of an IPv6 address (compressed `::`, a dotted-quad tail and a `%zone` allowed), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  let rest = text.split('%')[0]!;
  let tail: number[] = [];
  const lastColon = rest.lastIndexOf(':');
  if (lastColon === -1) return undefined;
  if (rest.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4Bytes(rest.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    rest = rest.endsWith('::', lastColon + 1) ? rest.slice(0, lastColon + 1) : rest.slice(0, lastColon);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const [head, after] = [groupsOf(halves[0]!), halves.length === 2 ? groupsOf(halves[1]!) : []];
  if (![...head, ...after].every((g) => GROUP.test(g))) return undefined;
  const given = head.length + after.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...Array<number>(8 - given).fill(0),
    ...after.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}

/**
 * What the per-IP rate limit counts a client as: an IPv4 address as it is; an
 * IPv6 address by its /64 prefix (`2001:db8:0:1::/64`), because one subscriber
 * usually holds a whole /64 and could otherwise take 2^64 buckets; an
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as its IPv4 address. Anything
 * else (not an IP address) is its own key.
 */
export function clientKey(ip: string): string {
  const text = ip.trim();
  if (ipv4Bytes(text)) return text;
  const groups = ipv6Groups(text);
  if (!groups) return text;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
