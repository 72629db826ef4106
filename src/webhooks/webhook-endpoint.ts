import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../common/errors/domain-error.js';

/** Ranges a webhook may never reach: private, loopback, link-local, shared, multicast, reserved. */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
] as const)
  FORBIDDEN.addSubnet(net, bits, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export interface EndpointPolicy {
  allowedHosts: string[];
  allowLoopback: boolean;
}

const refuse = (message: string) =>
  new DomainError('WEBHOOK_URL_REFUSED', message, { errors: [{ field: 'url', messages: [message] }] });

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const isLoopback = (address: string) => LOOPBACK.check(address, family(address));

function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some((a) =>
    a.startsWith('*.') ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : host === a,
  );
}

/** Checks a receiver URL's form: https on an allowlisted host (http on loopback only when configured). */
export function checkEndpointUrl(raw: string, policy: EndpointPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('url must be an absolute https URL');
  }
  if (url.username || url.password) throw refuse('url must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopbackHost = host === 'localhost' || (isIP(host) > 0 && isLoopback(host));
  if (policy.allowLoopback && loopbackHost) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('url must be https');
    return url;
  }
  if (url.protocol !== 'https:') throw refuse('url must be https');
  if (!hostAllowed(host, policy.allowedHosts)) throw refuse('the host is not in WEBHOOK_ALLOWED_HOSTS');
  return url;
}

/**
 * Resolves the host and refuses any address in a forbidden range (checked again at every
 * delivery, so a DNS change cannot point an allowed name inward). Returns the address to
 * connect to: the one checked.
 */
export async function resolveEndpoint(url: URL, policy: EndpointPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : ((await lookup(host, { all: true, verbatim: true }).catch(() => {
        throw refuse('the host does not resolve');
      })) as { address: string; family: 4 | 6 }[]);
  if (!addresses.length) throw refuse('the host does not resolve');
  for (const a of addresses) {
    if (policy.allowLoopback && isLoopback(a.address)) continue;
    if (FORBIDDEN.check(a.address, family(a.address))) throw refuse('the host resolves to an internal address');
  }
  return addresses[0]!;
}
