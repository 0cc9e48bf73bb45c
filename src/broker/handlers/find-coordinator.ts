/**
 * FindCoordinator (10), versions 0-4.
 * - Key type 0 (group): the node coordinating the group, at its advertised
 *   address — this node for a lone broker; in a test cluster the leader of
 *   the group's simulated `__consumer_offsets` partition, whichever node is
 *   asked. Before the coordinator has loaded its state (and after it
 *   stopped, or while no node is up) COORDINATOR_NOT_AVAILABLE, which
 *   clients retry.
 * - Key type 1 (transaction): there is no transaction coordinator, so the
 *   answer is COORDINATOR_NOT_AVAILABLE, what Kafka says while it has none.
 * - Any other key type: INVALID_REQUEST.
 * - v0-3 ask for one key; v4 asks for several and gets one entry per key (KIP-699).
 * - Advertised from v0 also because librdkafka reads the ApiVersions list as
 *   a broker age: it enables LZ4 only against brokers that list
 *   FindCoordinator v0, and otherwise sends lz4 batches uncompressed.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { BrokerContext } from '../broker-context.js'
import { defineHandler } from './handler.js'

const GROUP_KEY = 0
const TRANSACTION_KEY = 1

interface Answer {
  errorCode: number
  errorMessage: string | null
  nodeId: number
  host: string
  port: number
}

export const findCoordinatorHandler = defineHandler({
  api: Apis.FindCoordinator,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker, version }) {
    if (version >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: body.coordinatorKeys.map((key) => ({ key, ...answer(broker, body.keyType, key) })),
      }
    }
    return { throttleTimeMs: 0, ...answer(broker, body.keyType, body.key) }
  },
})

function answer(broker: BrokerContext, keyType: number, key: string): Answer {
  if (keyType === TRANSACTION_KEY) {
    return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'this broker does not support transactions')
  }
  if (keyType !== GROUP_KEY)
    return failed(ErrorCode.INVALID_REQUEST, `unknown coordinator key type ${keyType}`)
  if (broker.groups.status !== 'active') {
    return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the group coordinator is not serving yet')
  }
  const coordinatorId = broker.cluster.coordinatorOf(key)
  const node = broker.cluster.liveNodes().find((n) => n.nodeId === coordinatorId)
  if (!node) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no node can coordinate this group now')
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    nodeId: node.nodeId,
    host: node.host,
    port: node.port,
  }
}

function failed(errorCode: number, errorMessage: string): Answer {
  return { errorCode, errorMessage, nodeId: -1, host: '', port: -1 }
}
