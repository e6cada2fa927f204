import net from 'node:net';

/**
 * Addresses a webhook may never reach unless the operator allows private targets: everything
 * that is not the public internet. 169.254.169.254 (cloud metadata) is link-local, Alibaba's
 * 100.100.100.200 is CGNAT and AWS's fd00:ec2::254 is unique-local, so the ranges cover them.
 */
const forbiddenV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const forbiddenV6: readonly (readonly [string, number])[] = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: hides an IPv4 address we cannot check
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const blockList = new net.BlockList();
for (const [address, prefix] of forbiddenV4) blockList.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of forbiddenV6) blockList.addSubnet(address, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (which may end in dotted IPv4). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function ipv4From(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * The IPv4 address an IPv6 address carries, for the translation prefixes a host may reach
 * IPv4 through: NAT64 (64:ff9b::/96, what DNS64 answers on IPv6-only hosts) and 6to4 (2002::/16).
 * IPv4-mapped addresses (::ffff:a.b.c.d) are matched by the block list itself.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4From(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return ipv4From(g[1] ?? 0, g[2] ?? 0);
  return undefined;
}

/** True when `address` (an IP literal, IPv6 with or without brackets) is not on the public internet. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.startsWith('[') ? address.slice(1, -1) : address;
  const family = net.isIP(bare);
  if (family === 4) return blockList.check(bare, 'ipv4');
  if (family !== 6) return true;
  if (blockList.check(bare, 'ipv6')) return true;
  const inner = embeddedIpv4(bare);
  return inner !== undefined && blockList.check(inner, 'ipv4');
}

/**
 * Raised when a webhook target is, or resolves to, an address it may not reach. The message
 * (which the bank sees in its delivery list) leaves the address out: it would tell the bank what
 * Parley's resolver answers for names inside the operator's network.
 */
export class ForbiddenAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_FORBIDDEN';
  /** The refused address, for the operator's logs only. */
  readonly address: string;
  constructor(host: string, address: string) {
    super(`Refused to connect: ${host} is or resolves to an address that is not public.`);
    this.name = 'ForbiddenAddressError';
    this.address = address;
  }
}
