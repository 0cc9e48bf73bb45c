import { afterEach, describe, expect, it } from 'vitest'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../broker/support/wire-client.js'
import { type BrokerProcess, spawnBroker } from '../support/broker-process.js'

describe('sluice broker --nodes', () => {
  let broker: BrokerProcess | undefined

  afterEach(() => {
    broker?.child.kill('SIGKILL')
  })

  it('prints every node, serves metadata naming all of them, and exits 0 on SIGTERM', async () => {
    broker = await spawnBroker(['--nodes', '3', '--log-level', 'info'])
    const addresses = broker.bootstrap.split(',')
    expect(addresses).toHaveLength(3)
    for (const a of addresses) expect(a).toMatch(/^127\.0\.0\.1:\d+$/)
    for (const address of addresses) {
      const client = await WireClient.connect(address)
      const meta = await client.send(Apis.Metadata, 12, { topics: null })
      expect(meta.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(addresses)
      await client.close()
    }
    broker.child.kill('SIGTERM')
    expect(await broker.exited).toBe(0)
    expect(broker.stderr()).toMatch(/cluster stopped/)
  })

  it('rejects a bad node count with the option name', async () => {
    await expect(spawnBroker(['--nodes', '0'], 10_000)).rejects.toThrow(/invalid broker option nodes/)
  })
})
