import { isIP } from 'node:net'
import { Address4, Address6 } from 'ip-address'
import { normalizeIp } from './ip-address.js'

/** Loopback, private (RFC 1918, unique local) and link-local networks: where proxies live. */
const PRIVATE_V4 = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']
  .map((network) => new Address4(network))
const PRIVATE_V6 = ['::1/128', 'fc00::/7', 'fe80::/10'].map((network) => new Address6(network))

export function isPrivateAddress(raw: string) {
  const address = normalizeIp(raw)
  if (!address) return false
  if (isIP(address) === 4) return PRIVATE_V4.some((network) => new Address4(address).isInSubnet(network))
  return PRIVATE_V6.some((network) => new Address6(address).isInSubnet(network))
}

type TrustFunction = (address: string, hop: number) => boolean

/**
 * Fastify's trustProxy for TRUST_PROXY. Addresses and networks go to Fastify as they are. A
 * hop count N trusts the N nearest hops, but only when the nearest one (the socket's peer) has
 * a loopback or private address: Fastify itself now ignores bare hop counts, because a client
 * that reaches the collector directly could otherwise write its own X-Forwarded-For. A proxy
 * with a public address must be listed by address.
 */
export function fastifyTrustProxy(setting: boolean | number | string[]): boolean | string[] | TrustFunction {
  if (typeof setting !== 'number') return setting
  const hops = setting
  return (address, hop) => hop < hops && (hop > 0 || isPrivateAddress(address))
}
