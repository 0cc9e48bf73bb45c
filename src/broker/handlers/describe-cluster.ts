/**
 * DescribeCluster (60), versions 0-2.
 * - The live nodes with the addresses clients use, the cluster id, and as
 *   controller the first live node: a KRaft broker reports a live broker
 *   there, since clients cannot reach the quorum controller (Kafka 4.1
 *   answers the same on one node). No racks.
 * - v1+: only endpoint type 1 (brokers) is served; 2 (controllers) answers
 *   MISMATCHED_ENDPOINT_TYPE, anything else UNSUPPORTED_ENDPOINT_TYPE, each
 *   with Kafka's message and no brokers.
 * - v2+: includeFencedBrokers adds the stopped nodes of a test cluster,
 *   marked fenced, as Kafka lists brokers that shut down.
 * - includeClusterAuthorizedOperations: every operation (no authorizer).
 * - Any node serves it.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { ALL_CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js'
import { defineHandler } from './handler.js'

const BROKERS = 1
const CONTROLLERS = 2

export const describeClusterHandler = defineHandler({
  api: Apis.DescribeCluster,
  minVersion: 0,
  maxVersion: 2,
  handle(body, { broker }) {
    if (body.endpointType !== BROKERS) {
      const mismatched = body.endpointType === CONTROLLERS
      return {
        throttleTimeMs: 0,
        errorCode: mismatched ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: mismatched
          ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
          : `Unsupported endpoint type ${body.endpointType}`,
        clusterId: '',
        brokers: [],
      }
    }
    const { cluster } = broker
    const live = cluster.liveNodes().map((n) => ({ ...n, isFenced: false }))
    const fenced = body.includeFencedBrokers
      ? cluster.fencedNodes().map((n) => ({ ...n, isFenced: true }))
      : []
    const brokers = [...live, ...fenced]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map((n) => ({ brokerId: n.nodeId, host: n.host, port: n.port, rack: null, isFenced: n.isFenced }))
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKERS,
      clusterId: broker.clusterId,
      controllerId: cluster.controllerId(),
      brokers,
      clusterAuthorizedOperations: body.includeClusterAuthorizedOperations
        ? ALL_CLUSTER_OPERATIONS
        : OPERATIONS_NOT_REQUESTED,
    }
  },
})
