/** Where a broker listens, as the client dials it. */
export interface BrokerAddress {
  readonly host: string
  readonly port: number
}

/** `host:port`, with IPv6 hosts in brackets, the form errors and logs show. */
export function formatAddress(address: BrokerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/**
 * Parses `host:port` or `[ipv6]:port`. Returns the reason instead of
 * throwing so that option validation can name the key it came from.
 */
export function parseAddress(text: string): BrokerAddress | string {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text)
  const plain = /^([^:[\]\s]+):(\d+)$/.exec(text)
  const match = bracketed ?? plain
  if (!match) return `"${text}" is not host:port (IPv6 hosts go in brackets: [::1]:9092)`
  const port = Number(match[2])
  if (port < 1 || port > 65535) return `port ${match[2]} of "${text}" is outside 1-65535`
  return { host: match[1], port }
}
