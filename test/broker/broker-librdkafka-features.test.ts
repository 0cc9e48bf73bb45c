import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from './support/wire-client.js'

/**
 * librdkafka (kcat, confluent-kafka and most non-Java clients) does not ask
 * a broker what it can do: it infers features from the API versions listed
 * in ApiVersions, and quietly does without a feature whose marker versions
 * are missing. An lz4 producer against a broker that did not list
 * FindCoordinator v0 sent every batch uncompressed, and nothing failed.
 * Each feature below must stay enabled: the API and version range
 * librdkafka 2.x looks for, which must overlap what the broker advertises.
 */
const FEATURE_MARKERS: { feature: string; needs: [api: string, key: number, min: number, max: number][] }[] =
  [
    // message format v2 (record batches with headers)
    {
      feature: 'MsgVer2',
      needs: [
        ['Produce', 0, 3, 3],
        ['Fetch', 1, 4, 4],
      ],
    },
    // lz4 is tied to the API that shipped with it in Kafka 0.8.2
    { feature: 'LZ4', needs: [['FindCoordinator', 10, 0, 0]] },
    {
      feature: 'ZSTD',
      needs: [
        ['Produce', 0, 7, 7],
        ['Fetch', 1, 10, 10],
      ],
    },
    // ListOffsets by timestamp, for offsets_for_times and kcat -Q
    { feature: 'OffsetTime', needs: [['ListOffsets', 2, 1, 1]] },
    { feature: 'ApiVersion', needs: [['ApiVersions', 18, 0, 0]] },
  ]

describe('embedded broker: the API versions librdkafka reads as features', () => {
  let broker: RunningBroker
  let client: WireClient

  beforeEach(async () => {
    broker = await startBroker({ port: 0, logger: 'silent' })
    client = await WireClient.connect(broker.bootstrap)
  })
  afterEach(async () => {
    await client.close()
    await broker.close()
  })

  it.each(FEATURE_MARKERS)('keeps librdkafka feature $feature enabled', async ({ needs }) => {
    // librdkafka asks with ApiVersions v3 first
    const versions = await client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    })
    const byKey = new Map(versions.apiKeys.map((k) => [k.apiKey, k]))
    for (const [api, key, min, max] of needs) {
      const advertised = byKey.get(key)
      expect(advertised, `${api} (${key}) is not advertised`).toBeDefined()
      const overlaps = advertised!.minVersion <= max && min <= advertised!.maxVersion
      expect(
        overlaps,
        `${api} ${advertised!.minVersion}-${advertised!.maxVersion} misses ${min}-${max}`,
      ).toBe(true)
    }
  })
})
