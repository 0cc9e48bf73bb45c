import { expect, it } from 'vitest'
import { requestMetadata } from './metadata-probe.js'
import { describeEachTarget } from './targets.js'

/**
 * describeEachTarget: the same body runs against the embedded broker and
 * Apache Kafka, and both answer it alike: Metadata lists every node at the
 * address the target reports, and a stopped node leaves Metadata and comes
 * back on its port.
 */

describeEachTarget('a target with one broker', {}, (target) => {
  it('lists its one broker at its bootstrap address', async () => {
    const metadata = await requestMetadata(target().host, target().port)
    expect(metadata.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([target().bootstrap])
    expect(target().nodes.map((n) => n.running)).toEqual([true])
  })
})

describeEachTarget('a target with three brokers', { brokers: 3 }, (target) => {
  const listed = async (askNode: number) => {
    const node = target().nodes.find((n) => n.nodeId === askNode)!
    const metadata = await requestMetadata(node.host, node.port)
    return metadata.brokers.map((b) => b.nodeId).sort()
  }

  it('lists every node from every node', async () => {
    expect(target().bootstrap.split(',')).toEqual(target().nodes.map((n) => n.bootstrap))
    for (const node of target().nodes) expect(await listed(node.nodeId)).toEqual([1, 2, 3])
  })

  it('drops a stopped node from Metadata and lists it again once started', async () => {
    const port = target().nodes[1].port
    await target().stopNode(2)
    expect(target().nodes[1].running).toBe(false)
    // Kafka's controlled shutdown fences the node before the JVM exits; the embedded cluster at once
    expect(await listed(1)).toEqual([1, 3])
    await target().startNode(2)
    expect(target().nodes[1].port).toBe(port)
    // the embedded cluster lists a node as soon as it listens; Kafka once the controller unfenced it (startNode waits for that)
    expect(await listed(2)).toEqual([1, 2, 3])
  })
})
