import { isIP } from 'node:net'

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address it carries. */
export function normalizeIp(address: string | undefined): string | null {
  if (!address) return null
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const plain = mapped ? mapped[1] : address
  return isIP(plain) === 0 ? null : plain.toLowerCase()
}
