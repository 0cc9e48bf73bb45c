import { describe, expect, it } from 'vitest'
import { BrokerConfigError, FaultArgumentError } from '../../../src/broker/index.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { useBrokers } from '../support/use-brokers.js'
import type { WireClient } from '../support/wire-client.js'
import { createTopic, produce, settled, storedValues } from '../support/wire-helpers.js'

/**
 * The test-only fault controls on `running.faults`, each exercised over the
 * wire: failing requests whole or for one partition, delaying responses,
 * closing the connection after a request was applied, holding a node
 * unreachable, clearing, and the refusals of bad arguments and of a broker
 * started without `faultInjection`.
 */

const { start, connect } = useBrokers({ faultInjection: true })

function metadata(client: WireClient, topic: string) {
  return client.send(Apis.Metadata, 12, {
    topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }],
    allowAutoTopicCreation: false,
  })
}

function apiVersions(client: WireClient) {
  return client.send(Apis.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
}

describe('fault injection is off by default', () => {
  it('has no controls and changes nothing', async () => {
    const { broker, client } = await start({})
    expect(() => broker.faults).toThrow(/faultInjection: true/)
    await createTopic(client, 'plain')
    expect(await produce(client, 'plain', { 0: ['a'] })).toEqual([{ index: 0, errorCode: 0, baseOffset: 0n }])
  })

  it('takes only true or false', async () => {
    await expect(start({ faultInjection: 'yes' as never })).rejects.toThrow(BrokerConfigError)
    await expect(start({ faultInjection: 1 as never })).rejects.toThrow(
      /faultInjection: must be true or false/,
    )
  })
})

describe('failNext', () => {
  it('fails one partition of a produce and serves the others', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'orders', 3)
    const fault = broker.faults.failNext('Produce', 'NOT_LEADER_OR_FOLLOWER', {
      topic: 'orders',
      partition: 1,
    })
    expect(await produce(client, 'orders', { 0: ['a0'], 1: ['a1'], 2: ['a2'] })).toEqual([
      { index: 0, errorCode: 0, baseOffset: 0n },
      { index: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n },
      { index: 2, errorCode: 0, baseOffset: 0n },
    ])
    expect(await storedValues(client, 'orders', 0)).toEqual(['a0'])
    expect(await storedValues(client, 'orders', 1)).toEqual([])
    expect(await storedValues(client, 'orders', 2)).toEqual(['a2'])
    expect(fault).toMatchObject({ fired: 1, remaining: 0, active: false })
    // used up: the retry goes through
    expect(await produce(client, 'orders', { 1: ['a1'] })).toEqual([
      { index: 1, errorCode: 0, baseOffset: 0n },
    ])
    expect(broker.faults.fired.failNext).toBe(1)
  })

  it('counts once per request, however many partitions it covers, and then stops', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'orders', 2)
    const fault = broker.faults.failNext('Produce', ErrorCode.LEADER_NOT_AVAILABLE, {
      topic: 'orders',
      times: 2,
    })
    const both = { 0: ['x'], 1: ['y'] }
    const failedTwice = [
      { index: 0, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, baseOffset: -1n },
      { index: 1, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, baseOffset: -1n },
    ]
    expect(await produce(client, 'orders', both)).toEqual(failedTwice)
    expect(fault).toMatchObject({ fired: 1, remaining: 1 })
    expect(await produce(client, 'orders', both)).toEqual(failedTwice)
    expect(fault).toMatchObject({ fired: 2, remaining: 0, active: false })
    expect(await produce(client, 'orders', both)).toEqual([
      { index: 0, errorCode: 0, baseOffset: 0n },
      { index: 1, errorCode: 0, baseOffset: 0n },
    ])
  })

  it('fails one partition of a fetch, the others return their records', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'reads', 2)
    await produce(client, 'reads', { 0: ['r0'], 1: ['r1'] })
    broker.faults.failNext('Fetch', 'NOT_LEADER_OR_FOLLOWER', { topic: 'reads', partition: 0 })
    const r = await client.send(Apis.Fetch, 12, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'reads',
          partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 })),
        },
      ],
    })
    const [p0, p1] = r.responses[0].partitions
    expect(p0.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    expect(p0.records?.length ?? 0).toBe(0)
    expect(p1.errorCode).toBe(0)
    expect(p1.records?.length).toBeGreaterThan(0)
  })

  it('fails a whole produce without storing anything', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'orders', 2)
    broker.faults.failNext('Produce', 'REQUEST_TIMED_OUT')
    expect(await produce(client, 'orders', { 0: ['a'], 1: ['b'] })).toEqual([
      { index: 0, errorCode: ErrorCode.REQUEST_TIMED_OUT, baseOffset: -1n },
      { index: 1, errorCode: ErrorCode.REQUEST_TIMED_OUT, baseOffset: -1n },
    ])
    expect(await storedValues(client, 'orders', 0)).toEqual([])
    expect(await storedValues(client, 'orders', 1)).toEqual([])
  })

  it('answers Metadata, FindCoordinator and JoinGroup with the code at their top level', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'known')
    broker.faults.failNext(Apis.Metadata.key, 'LEADER_NOT_AVAILABLE')
    const failed = await metadata(client, 'known')
    expect(failed.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['known', ErrorCode.LEADER_NOT_AVAILABLE],
    ])
    expect((await metadata(client, 'known')).topics[0].errorCode).toBe(0)

    broker.faults.failNext('FindCoordinator', 'COORDINATOR_NOT_AVAILABLE', { times: 2 })
    const v3 = await client.send(Apis.FindCoordinator, 3, { key: 'g', keyType: 0 })
    expect(v3).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 })
    const v4 = await client.send(Apis.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g'] })
    expect(v4.coordinators).toMatchObject([{ key: 'g', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }])
    expect((await client.send(Apis.FindCoordinator, 3, { key: 'g', keyType: 0 })).errorCode).toBe(0)

    broker.faults.failNext('JoinGroup', 'COORDINATOR_LOAD_IN_PROGRESS')
    const join = await client.send(Apis.JoinGroup, 5, {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    })
    expect(join).toMatchObject({
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      generationId: -1,
      memberId: '',
    })
    // not applied: the group was never created
    const groups = await client.send(Apis.ListGroups, 3, {})
    expect(groups.groups).toEqual([])
    expect(broker.faults.fired.failNext).toBe(4)
  })

  it('is limited to one node when given its id', async () => {
    const { broker, client } = await start({ faultInjection: true, nodeId: 7 })
    const fault = broker.faults.failNext('ApiVersions', 'UNKNOWN_SERVER_ERROR', { nodeId: 7 })
    expect((await apiVersions(client)).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
    expect(fault.fired).toBe(1)
  })
})

describe('delayResponses', () => {
  it('holds a response back and keeps later ones on the connection behind it', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'slow')
    // long enough never to expire in the test: cancelling sends it
    const fault = broker.faults.delayResponses(60_000, { api: 'Metadata', times: 1 })
    const order: string[] = []
    const first = metadata(client, 'slow').then(() => order.push('Metadata'))
    const second = apiVersions(client).then(() => order.push('ApiVersions'))
    await fault.whenFired()
    expect(await settled(first)).toBe(false)
    // another connection is not held up
    expect((await apiVersions(await connect(broker))).errorCode).toBe(0)
    expect(await settled(second)).toBe(false)
    fault.cancel()
    await Promise.all([first, second])
    expect(order).toEqual(['Metadata', 'ApiVersions'])
    expect(fault.fired).toBe(1)
  })

  it('delays every API until cleared, then none', async () => {
    const { broker, client } = await start()
    const fault = broker.faults.delayResponses(5)
    await apiVersions(client)
    await createTopic(client, 'later')
    expect(fault).toMatchObject({ fired: 2, remaining: Number.POSITIVE_INFINITY, active: true })
    broker.faults.clear()
    await apiVersions(client)
    expect(fault).toMatchObject({ fired: 2, active: false })
    expect(broker.faults.fired.delayResponses).toBe(2)
  })
})

describe('closeAfterHandling', () => {
  it('applies the produce, loses the answer and closes the connection', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'lossy', 2)
    const fault = broker.faults.closeAfterHandling('Produce', { topic: 'lossy', partition: 0 })
    // a request not naming the partition is answered and leaves the fault armed
    expect(await produce(client, 'lossy', { 1: ['p1'] })).toEqual([
      { index: 1, errorCode: 0, baseOffset: 0n },
    ])
    expect(fault.fired).toBe(0)
    await expect(produce(client, 'lossy', { 0: ['p0'] })).rejects.toThrow(/closed/)
    expect(client.closed).toBe(true)
    expect(fault).toMatchObject({ fired: 1, active: false })
    const again = await connect(broker)
    expect(await storedValues(again, 'lossy', 0)).toEqual(['p0'])
  })

  it('closes only after an append the predicate accepts', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'picky')
    const seen: unknown[] = []
    broker.faults.closeAfterHandling('Produce', {
      when: (batch) => {
        seen.push(batch)
        return batch.recordCount === 2
      },
    })
    expect(await produce(client, 'picky', { 0: ['one'] })).toEqual([
      { index: 0, errorCode: 0, baseOffset: 0n },
    ])
    await expect(produce(client, 'picky', { 0: ['two', 'three'] })).rejects.toThrow(/closed/)
    expect(seen).toEqual([
      {
        topic: 'picky',
        partition: 0,
        baseOffset: 0,
        recordCount: 1,
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
      },
      {
        topic: 'picky',
        partition: 0,
        baseOffset: 1,
        recordCount: 2,
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
      },
    ])
    expect(await storedValues(await connect(broker), 'picky', 0)).toEqual(['one', 'two', 'three'])
  })

  it('works for any API: a created topic exists though the answer was lost', async () => {
    const { broker, client } = await start()
    broker.faults.closeAfterHandling('CreateTopics')
    await expect(createTopic(client, 'made')).rejects.toThrow(/closed/)
    expect((await metadata(await connect(broker), 'made')).topics[0].errorCode).toBe(0)
  })
})

describe('hold', () => {
  it('leaves a node unanswered, accepting connections, until released', async () => {
    const { broker, client } = await start()
    await createTopic(client, 'cut')
    const hold = broker.faults.hold()
    const unanswered = produce(client, 'cut', { 0: ['never'] })
    unanswered.catch(() => {})
    await hold.whenFired()
    expect(await settled(unanswered)).toBe(false)
    // a new connection is accepted, and not served either
    const late = await connect(broker)
    const lateAsk = apiVersions(late)
    lateAsk.catch(() => {})
    await hold.whenFired(2)
    expect(await settled(lateAsk)).toBe(false)

    broker.faults.release()
    // the connections that waited are closed; their requests were never applied
    await expect(unanswered).rejects.toThrow(/closed/)
    await expect(lateAsk).rejects.toThrow(/closed/)
    const fresh = await connect(broker)
    expect((await apiVersions(fresh)).errorCode).toBe(0)
    expect(await storedValues(fresh, 'cut', 0)).toEqual([])
    expect(hold).toMatchObject({ fired: 2, active: false })
    expect(broker.faults.fired.hold).toBe(2)
  })

  it('returns the same hold for a held node, and a connection that sent nothing carries on', async () => {
    const { broker, client } = await start()
    const hold = broker.faults.hold()
    expect(broker.faults.hold()).toBe(hold)
    hold.cancel()
    expect((await apiVersions(client)).errorCode).toBe(0)
  })
})

describe('clear', () => {
  it('cancels every control; the totals stay', async () => {
    const { broker, client } = await start()
    const fail = broker.faults.failNext('ApiVersions', 'UNKNOWN_SERVER_ERROR', {
      times: Number.POSITIVE_INFINITY,
    })
    const close = broker.faults.closeAfterHandling('Metadata', { times: 3 })
    const delay = broker.faults.delayResponses(60_000, { api: 'ListGroups' })
    expect((await apiVersions(client)).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
    const hold = broker.faults.hold()
    broker.faults.clear()
    for (const fault of [fail, close, delay, hold]) expect(fault.active).toBe(false)
    expect((await apiVersions(client)).errorCode).toBe(0)
    expect((await metadata(client, 'x')).topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await client.send(Apis.ListGroups, 3, {})).errorCode).toBe(0)
    expect(broker.faults.fired).toEqual({ failNext: 1, delayResponses: 0, closeAfterHandling: 0, hold: 0 })
  })
})

describe('bad arguments', () => {
  it('are refused with the control and the reason', async () => {
    const { broker } = await start()
    const f = broker.faults
    const refusals: [() => unknown, RegExp][] = [
      [() => f.failNext('Prodcue' as never, 6), /failNext: Prodcue is not an API this broker serves/],
      [() => f.failNext(99, 6), /99 is not an API/],
      [() => f.failNext('Produce', 0), /NONE/],
      [() => f.failNext('Produce', 'NOT_AN_ERROR' as never), /not a Kafka error code/],
      [() => f.failNext('Produce', 9999), /not a Kafka error code/],
      [() => f.failNext('Produce', 6, { times: 0 }), /times must be a positive integer/],
      [() => f.failNext('Produce', 6, { times: 1.5 }), /times must be/],
      [() => f.failNext('Metadata', 6, { topic: 't' }), /apply only to APIs whose requests name partitions/],
      [() => f.failNext('Produce', 6, { partition: 1 }), /partition needs a topic/],
      [() => f.failNext('Produce', 6, { topic: 't', partition: -1 }), /partition must be an integer/],
      [() => f.failNext('Produce', 6, { nodeId: 99 }), /nodeId 99 is not a node here \(1\)/],
      [() => f.failNext('Produce', 6, { partitions: [1] } as never), /unknown option partitions/],
      [() => f.delayResponses(-1), /delayResponses: ms must be an integer/],
      [() => f.delayResponses(10, { api: 'Nope' as never }), /Nope is not an API/],
      [() => f.closeAfterHandling('Fetch', { when: () => true }), /Produce only/],
      [() => f.closeAfterHandling('Produce', { when: 'yes' as never }), /when must be a function/],
      [() => f.hold(5), /hold: nodeId 5 is not a node here/],
      [() => f.release(5), /release: nodeId 5/],
    ]
    for (const [call, message] of refusals) {
      expect(call).toThrow(FaultArgumentError)
      expect(call).toThrow(message)
    }
    await expect(f.failNext('Produce', 6).whenFired(0)).rejects.toThrow(/count must be a positive integer/)
    // nothing half-registered: only that last, valid fault exists
    expect(f.fired).toEqual({ failNext: 0, delayResponses: 0, closeAfterHandling: 0, hold: 0 })
  })
})
