import type { ApiDefinition } from '../../protocol/api.js'
import { parseVersionRange } from '../../protocol/schema.js'
import { UnsupportedVersionError } from '../errors.js'

/** One API's range as a broker's ApiVersions answer lists it. */
export interface BrokerApiRange {
  readonly apiKey: number
  readonly minVersion: number
  readonly maxVersion: number
}

/**
 * The versions one broker and this client both speak, per API. Brokers of
 * different releases answer differently (Kafka 4 dropped the oldest versions
 * of many APIs, KIP-896; older brokers lack the newest), so the table belongs
 * to a connection, never to the client as a whole.
 */
export class ApiVersionTable {
  private readonly ranges = new Map<number, { min: number; max: number }>()

  constructor(
    brokerRanges: readonly BrokerApiRange[],
    private readonly address: string,
  ) {
    for (const r of brokerRanges) this.ranges.set(r.apiKey, { min: r.minVersion, max: r.maxVersion })
  }

  /** The broker's range for an API, or undefined when it does not serve it. */
  brokerRange(api: ApiDefinition): { min: number; max: number } | undefined {
    return this.ranges.get(api.key)
  }

  /** Whether some version of `api` is spoken by both sides. */
  supports(api: ApiDefinition): boolean {
    return this.common(api) !== undefined
  }

  /** The highest version both sides speak; throws UnsupportedVersionError naming the API when there is none. */
  version(api: ApiDefinition): number {
    const v = this.common(api)
    if (v === undefined) {
      throw new UnsupportedVersionError(
        api.name,
        this.address,
        parseVersionRange(api.request.validVersions),
        this.ranges.get(api.key),
      )
    }
    return v
  }

  private common(api: ApiDefinition): number | undefined {
    const broker = this.ranges.get(api.key)
    if (!broker) return undefined
    const ours = parseVersionRange(api.request.validVersions)
    const max = Math.min(ours.max, broker.max)
    return max >= Math.max(ours.min, broker.min) ? max : undefined
  }
}
