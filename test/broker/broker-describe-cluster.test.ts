import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { useBrokers } from './support/use-brokers.js'

/** DescribeCluster on a lone broker; the expected answers are Kafka 4.1.1's on one node. */

const brokers = useBrokers()

describe('DescribeCluster', () => {
  it('lists this broker as the only broker and the controller, at every version', async () => {
    const { broker, client } = await brokers.start({ logger: 'silent', clusterId: 'sluice-test-cluster' })
    for (const version of [0, 1, 2]) {
      const r = await client.send(Apis.DescribeCluster, version, {
        includeClusterAuthorizedOperations: false,
      })
      expect(r).toEqual({
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        endpointType: 1,
        clusterId: 'sluice-test-cluster',
        controllerId: 1,
        brokers: [{ brokerId: 1, host: broker.host, port: broker.port, rack: null, isFenced: false }],
        clusterAuthorizedOperations: -2147483648,
      })
    }
  })

  it('reports every cluster operation when asked, there being no authorizer', async () => {
    const { client } = await brokers.start({ logger: 'silent' })
    const r = await client.send(Apis.DescribeCluster, 1, { includeClusterAuthorizedOperations: true })
    expect(r.clusterAuthorizedOperations).toBe(8096)
  })

  it('refuses the controller endpoint type and unknown ones with no brokers', async () => {
    const { client } = await brokers.start({ logger: 'silent' })
    const controllers = await client.send(Apis.DescribeCluster, 1, { endpointType: 2 })
    expect(controllers).toMatchObject({
      errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
      errorMessage:
        'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      clusterId: '',
      controllerId: -1,
      brokers: [],
    })
    const unknown = await client.send(Apis.DescribeCluster, 2, { endpointType: 3 })
    expect([unknown.errorCode, unknown.errorMessage]).toEqual([
      ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      'Unsupported endpoint type 3',
    ])
  })
})
