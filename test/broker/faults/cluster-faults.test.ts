import { afterEach, describe, expect, it } from 'vitest'
import { FaultArgumentError, type RunningCluster, startCluster } from '../../../src/broker/index.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { WireClient } from '../support/wire-client.js'
import { settled } from '../support/wire-helpers.js'

/**
 * Fault injection on a test cluster: one set of controls for every node,
 * `hold` taking a node id, and the other controls limited to a node on request.
 */

let cluster: RunningCluster | undefined
const clients: WireClient[] = []

async function connectTo(nodeId: number): Promise<WireClient> {
  const node = cluster!.nodes.find((n) => n.nodeId === nodeId)!
  const client = await WireClient.connect(node.bootstrap)
  clients.push(client)
  return client
}

function apiVersions(client: WireClient) {
  return client.send(Apis.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await cluster?.close()
  cluster = undefined
})

describe('fault injection on a test cluster', () => {
  it('is off unless asked for', async () => {
    cluster = await startCluster({ nodes: 2, port: 0, logger: 'silent' })
    expect(() => cluster!.faults).toThrow(/faultInjection: true/)
  })

  it('holds one node while the others serve, and releases it', async () => {
    cluster = await startCluster({ nodes: 3, port: 0, logger: 'silent', faultInjection: true })
    expect(() => cluster!.faults.hold()).toThrow(FaultArgumentError)
    expect(() => cluster!.faults.hold()).toThrow(/name the node: this cluster has nodes 1, 2, 3/)
    const hold = cluster.faults.hold(2)
    const toTwo = await connectTo(2)
    const unanswered = apiVersions(toTwo)
    unanswered.catch(() => {})
    await hold.whenFired()
    expect((await apiVersions(await connectTo(1))).errorCode).toBe(0)
    expect((await apiVersions(await connectTo(3))).errorCode).toBe(0)
    expect(await settled(unanswered)).toBe(false)

    cluster.faults.release(2)
    await expect(unanswered).rejects.toThrow(/closed/)
    expect((await apiVersions(await connectTo(2))).errorCode).toBe(0)
  })

  it('limits a failure to the node named', async () => {
    cluster = await startCluster({ nodes: 3, port: 0, logger: 'silent', faultInjection: true })
    const fault = cluster.faults.failNext('ApiVersions', 'UNKNOWN_SERVER_ERROR', { nodeId: 3 })
    expect((await apiVersions(await connectTo(1))).errorCode).toBe(0)
    expect((await apiVersions(await connectTo(2))).errorCode).toBe(0)
    expect(fault.fired).toBe(0)
    expect((await apiVersions(await connectTo(3))).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
    expect(fault.fired).toBe(1)
  })
})
