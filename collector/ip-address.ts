import { isIP } from 'node:net'
import { Address6 } from 'ip-address'
import { setBounded } from './bounded-map.js'

const IPV4_MAPPED = new Address6('::ffff:0:0/96')

/**
 * An IPv4-mapped IPv6 address is the IPv4 address it carries, however it is written
 * (::ffff:203.0.113.10, ::ffff:cb00:710a): otherwise truncation would keep only its /48, `::`,
 * and every such client would share one rate-limit bucket.
 */
export function normalizeIp(address: string | undefined): string | null {
  // A zone id (fe80::1%eth0) names an interface of the sender, and PostgreSQL's inet refuses it.
  if (!address || address.includes('%')) return null
  const version = isIP(address)
  if (version !== 6) return version === 4 ? address : null
  const ipv6 = new Address6(address)
  return ipv6.isInSubnet(IPV4_MAPPED) ? ipv6.to4().correctForm() : address.toLowerCase()
}

/** The first address of the IPv6 network of the given prefix length, in its shortest form. */
function ipv6Network(address: string, prefix: number) {
  return new Address6(`${address}/${prefix}`).startAddress().correctForm()
}

/**
 * What is stored when IP truncation is on: the last IPv4 octet zeroed, IPv6 cut to its /48.
 * Expects a normalized address.
 */
export function truncateIp(address: string) {
  if (isIP(address) === 4) return address.replace(/\.\d+$/, '.0')
  return ipv6Network(address, 48)
}

/**
 * The rate-limit bucket of a client address: IPv4 as itself, IPv6 by its /64, since one host
 * commonly holds a whole /64 and could otherwise rotate through it.
 */
export function clientBucket(address: string) {
  const known = buckets.get(address)
  if (known !== undefined) return known

  const bucket = bucketOf(address)
  // Longer text is no address (a trusted proxy's odd X-Forwarded-For): not worth keeping.
  if (address.length <= ADDRESS_LONGEST) setBounded(buckets, address, bucket, BUCKETS_KEPT)
  return bucket
}

/**
 * Parsing an IPv6 address twice with ip-address costs about 10 µs, on every request of such a
 * client: the answers are kept, as many as the per-address limit keeps keys, oldest first out.
 */
const BUCKETS_KEPT = 10_000
/** The longest textual IPv6 address, an IPv4-mapped one with a zone left out. */
const ADDRESS_LONGEST = 45
const buckets = new Map<string, string>()

function bucketOf(address: string) {
  const normalized = normalizeIp(address)
  if (normalized === null) return address
  return isIP(normalized) === 6 ? ipv6Network(normalized, 64) : normalized
}
