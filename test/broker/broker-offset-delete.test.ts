import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeSubscription } from '../../src/protocol/consumer-protocol.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { useBrokers } from './support/use-brokers.js'
import type { WireClient } from './support/wire-client.js'
import { createTopic, joinAlone } from './support/wire-helpers.js'

/** OffsetDelete over the wire; the expected answers are Kafka 4.1.1's to the same requests. */

const brokers = useBrokers({ logger: 'silent', autoCreateTopics: false, groupInitialRebalanceDelayMs: 0 })

async function commit(client: WireClient, groupId: string, member = { generationId: -1, memberId: '' }) {
  const r = await client.send(Apis.OffsetCommit, 8, {
    groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: null,
    topics: ['orders', 'audit'].map((name) => ({
      name,
      partitions: [0, 1].map((partitionIndex) => ({
        partitionIndex,
        committedOffset: 5n,
        committedLeaderEpoch: -1,
        committedMetadata: '',
      })),
    })),
  })
  expect(r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0, 0, 0])
}

async function committed(client: WireClient, groupId: string): Promise<string[]> {
  const r = await client.send(Apis.OffsetFetch, 8, {
    groups: [{ groupId, topics: null }],
    requireStable: false,
  })
  return r.groupIds[0].topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`)).sort()
}

function deleteOffsets(client: WireClient, groupId: string, topics: Record<string, number[]>) {
  return client.send(Apis.OffsetDelete, 0, {
    groupId,
    topics: Object.entries(topics).map(([name, partitions]) => ({
      name,
      partitions: partitions.map((partitionIndex) => ({ partitionIndex })),
    })),
  })
}

describe('OffsetDelete', () => {
  it('deletes the named partitions of an empty group; unknown partitions come first', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders', 2)
    await createTopic(client, 'audit', 2)
    await commit(client, 'billing')
    const r = await deleteOffsets(client, 'billing', { orders: [0, 1], nope: [0], audit: [7] })
    expect(r).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        {
          name: 'nope',
          partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }],
        },
        {
          name: 'audit',
          partitions: [{ partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }],
        },
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 0 },
          ],
        },
      ],
    })
    expect(await committed(client, 'billing')).toEqual(['audit-0', 'audit-1'])
    // nothing left to delete is still NONE
    expect((await deleteOffsets(client, 'billing', { orders: [0] })).topics[0].partitions[0].errorCode).toBe(
      0,
    )
  })

  it('answers GROUP_ID_NOT_FOUND for an unknown group, with no partitions', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders')
    expect(await deleteOffsets(client, 'nobody', { orders: [0], nope: [0] })).toEqual({
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      throttleTimeMs: 0,
      topics: [],
    })
  })

  it('keeps the offsets of topics an active consumer subscribes to and deletes the others', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders', 2)
    await createTopic(client, 'audit', 2)
    const subscription = encodeSubscription({ topics: ['orders'] }, 1)
    const member = await joinAlone(client, 'billing', { type: 'consumer', metadata: subscription })
    await commit(client, 'billing', member)
    const r = await deleteOffsets(client, 'billing', { orders: [0, 1], audit: [0] })
    expect(r.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC },
          { partitionIndex: 1, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC },
        ],
      },
      { name: 'audit', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ])
    expect(await committed(client, 'billing')).toEqual(['audit-1', 'orders-0', 'orders-1'])

    // once the member has left, the group is Empty and everything may go
    await client.send(Apis.LeaveGroup, 4, {
      groupId: 'billing',
      members: [{ memberId: member.memberId, groupInstanceId: null }],
    })
    expect((await deleteOffsets(client, 'billing', { orders: [0, 1] })).topics[0].partitions).toEqual([
      { partitionIndex: 0, errorCode: 0 },
      { partitionIndex: 1, errorCode: 0 },
    ])
    expect(await committed(client, 'billing')).toEqual(['audit-1'])
  })

  it('refuses a non-consumer group with members (NON_EMPTY_GROUP), and treats unreadable subscriptions as subscribed', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'audit', 2)
    await joinAlone(client, 'workers', { type: 'connect', metadata: Buffer.from('whatever') })
    expect(await deleteOffsets(client, 'workers', { audit: [0] })).toEqual({
      errorCode: ErrorCode.NON_EMPTY_GROUP,
      throttleTimeMs: 0,
      topics: [],
    })
    await joinAlone(client, 'odd', { type: 'consumer', metadata: Buffer.from('not a subscription') })
    const r = await deleteOffsets(client, 'odd', { audit: [0] })
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC)
  })

  it('records the deletion in the group log, so it survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-offset-delete-'))
    brokers.defer(async () => rmSync(dataDir, { recursive: true, force: true }))
    const options = { logger: 'silent' as const, autoCreateTopics: false, dataDir }
    const first = await brokers.start(options)
    await createTopic(first.client, 'orders', 2)
    await createTopic(first.client, 'audit', 2)
    await commit(first.client, 'billing')
    await deleteOffsets(first.client, 'billing', { orders: [1], audit: [0, 1] })
    await first.client.close()
    await first.broker.close()
    const second = await brokers.start(options)
    expect(await committed(second.client, 'billing')).toEqual(['orders-0'])
  })
})
