import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { createTopic, useClusters } from './support/cluster-wire.js'

/** The config and offset admin APIs in the multi-node test cluster: which node serves what. */

const start = useClusters()

describe('test cluster: config and offset administration', () => {
  it('serves IncrementalAlterConfigs on any node, and every node sees the change', async () => {
    const { clients } = await start()
    await createTopic(clients.get(1)!, 'orders', 3)
    const r = await clients.get(2)!.send(Apis.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '60000' }],
        },
      ],
      validateOnly: false,
    })
    expect(r.responses[0].errorCode).toBe(0)
    const described = await clients.get(3)!.send(Apis.DescribeConfigs, 4, {
      resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] }],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(described.results[0].configs[0]).toMatchObject({ value: '60000', configSource: 1 })
  })

  it('serves OffsetDelete only on the group coordinator; the others answer NOT_COORDINATOR', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 'orders', 1)
    const coordinator = cluster.coordinatorOf('billing')
    const body = { groupId: 'billing', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] }
    for (const [nodeId, client] of clients) {
      const r = await client.send(Apis.OffsetDelete, 0, body)
      expect(r.errorCode, `node ${nodeId}`).toBe(
        nodeId === coordinator ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NOT_COORDINATOR,
      )
    }
  })
})
