import { BlockList, isIP } from 'node:net';

/** Who a request comes from: the socket address, or an X-Forwarded-For entry vouched for by trusted proxies. */
export type ClientAddressOf = (socketAddress: string | undefined, forwardedFor: string | undefined) => string;

/**
 * `transport.trustProxy`: 0 believes no proxy (the socket address is the client). A number N
 * trusts N proxies in front of the server: the client is the N-th address counting back from the
 * socket through X-Forwarded-For. A list trusts those addresses/ranges: walking back from the
 * socket, the first address not in the list is the client. Entries a client wrote itself are left
 * of what the trusted proxies appended, so they are never reached.
 */
export function createClientAddressOf(trustProxy: number | readonly string[]): ClientAddressOf {
  if (trustProxy === 0 || (Array.isArray(trustProxy) && trustProxy.length === 0)) return (socket) => normalize(socket ?? 'unknown');
  if (typeof trustProxy === 'number') {
    return (socket, forwardedFor) => {
      const chain = hops(socket, forwardedFor);
      return chain[Math.max(0, chain.length - 1 - trustProxy)]!;
    };
  }
  const trusted = blockListOf(trustProxy as readonly string[]);
  return (socket, forwardedFor) => {
    const chain = hops(socket, forwardedFor);
    let index = chain.length - 1;
    while (index > 0 && isTrusted(trusted, chain[index]!)) index -= 1;
    return chain[index]!;
  };
}

/** X-Forwarded-For entries, oldest first, then the socket address. */
function hops(socket: string | undefined, forwardedFor: string | undefined): string[] {
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((entry) => normalize(entry.trim()))
    .filter(Boolean);
  return [...forwarded, normalize(socket ?? 'unknown')];
}

/** `::ffff:127.0.0.1` -> `127.0.0.1`; `[::1]` -> `::1`. */
function normalize(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(bare) ? bare.slice(7) : bare;
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.trim().split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
