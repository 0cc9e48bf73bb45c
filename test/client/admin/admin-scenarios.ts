import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { AdminError, InvalidArgumentError, type KafkaError } from '../../../src/index.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { commitAsMember, joinGroupRaw, produceRaw, rawCluster } from '../support/raw-client.js'

/**
 * Every admin call, one test body for each target: `admin.test.ts` runs it
 * against the embedded broker in `npm test`, `admin.kafka.test.ts` against
 * Apache Kafka in `npm run test:kafka`. Names carry a per-run suffix so the
 * tests of one block can share its broker.
 */
export function adminScenarios(targets: readonly TargetName[], brokers: 1 | 3 = 1): void {
  describeEachTarget(
    `admin (${brokers} broker${brokers === 1 ? '' : 's'})`,
    { brokers, targets },
    (target) => {
      const clients = new ClientHarness()
      let raw: Cluster
      const replicationFactor = brokers
      const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`
      const admin = () => clients.admin({ brokers: target().bootstrap })

      beforeAll(() => {
        raw = rawCluster({ brokers: target().bootstrap })
      })
      afterAll(() => raw.close())
      afterEach(() => clients.closeAll())

      it('describes the cluster: every broker, its id and the cluster id', async () => {
        const cluster = await admin().describeCluster()
        expect(cluster.brokers.map((b) => b.nodeId)).toEqual(target().nodes.map((n) => n.nodeId))
        expect(cluster.brokers.map((b) => b.port)).toEqual(target().nodes.map((n) => n.port))
        expect(cluster.clusterId).toMatch(/.+/)
      })

      it('creates, lists, describes and deletes topics', async () => {
        const a = admin()
        const topic = unique('orders')
        const created = await a.createTopics([
          { topic, partitions: 3, replicationFactor, configs: { 'retention.ms': '3600000' } },
        ])
        expect(created).toEqual([
          expect.objectContaining({ topic, created: true, partitions: 3, replicationFactor }),
        ])
        expect(await a.listTopics()).toContain(topic)
        const [described] = await a.describeTopics([topic])
        expect(described.topic).toBe(topic)
        expect(described.internal).toBe(false)
        expect(described.topicId).not.toBe('00000000-0000-0000-0000-000000000000')
        expect(described.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
        for (const p of described.partitions) {
          expect(p.replicas).toHaveLength(replicationFactor)
          expect(p.replicas).toContain(p.leader)
          expect(p.isr).toContain(p.leader)
        }
        await a.deleteTopics([topic])
        expect(await a.listTopics()).not.toContain(topic)
      })

      it('reports a topic that exists already, unless asked to ignore it', async () => {
        const a = admin()
        const topic = unique('twice')
        await a.createTopics([{ topic, partitions: 1, replicationFactor }])
        const error = await a.createTopics([{ topic, partitions: 1, replicationFactor }]).catch((e) => e)
        expect(error).toBeInstanceOf(AdminError)
        expect(error.failures[0].item).toBe(topic)
        expect((error.failures[0].error as KafkaError).type).toBe('TOPIC_ALREADY_EXISTS')
        const again = await a.createTopics([{ topic, partitions: 1, replicationFactor }], {
          ignoreExisting: true,
        })
        expect(again[0].created).toBe(false)
      })

      it('refuses bad arguments before sending anything, and an unknown topic at once', async () => {
        const a = admin()
        await expect(a.createTopics([{ topic: 'bad name!' }])).rejects.toBeInstanceOf(InvalidArgumentError)
        await expect(a.createTopics([{ topic: 'x' }, { topic: 'x' }])).rejects.toThrow(/listed twice/)
        const missing = unique('missing')
        const started = Date.now()
        const error = await a.describeTopics([missing]).catch((e) => e)
        expect(error).toBeInstanceOf(AdminError)
        expect((error.failures[0].error as KafkaError).type).toBe('UNKNOWN_TOPIC_OR_PARTITION')
        // not retried until the 15 s call timeout: Metadata said it does not exist
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(await a.listTopics()).not.toContain(missing)
      })

      it('adds partitions', async () => {
        const a = admin()
        const topic = unique('grow')
        await a.createTopics([{ topic, partitions: 1, replicationFactor }])
        await a.createPartitions([{ topic, count: 4 }])
        const [described] = await a.describeTopics([topic])
        expect(described.partitions).toHaveLength(4)
        expect(described.partitions.every((p) => p.leader >= 0)).toBe(true)
      })

      it('describes and incrementally alters topic configs', async () => {
        const a = admin()
        const topic = unique('configs')
        await a.createTopics([
          { topic, partitions: 1, replicationFactor, configs: { 'retention.ms': '3600000' } },
        ])
        const [before] = await a.describeConfigs([
          { type: 'topic', name: topic, keys: ['retention.ms', 'cleanup.policy'] },
        ])
        expect(before.configs.map((c) => [c.name, c.value, c.source])).toEqual([
          ['cleanup.policy', 'delete', 'default'],
          ['retention.ms', '3600000', 'topic'],
        ])
        await a.incrementalAlterConfigs([
          {
            type: 'topic',
            name: topic,
            configs: [
              { name: 'retention.ms', op: 'delete' },
              { name: 'max.message.bytes', value: '500000' },
            ],
          },
        ])
        const [after] = await a.describeConfigs([{ type: 'topic', name: topic }])
        const byName = new Map(after.configs.map((c) => [c.name, c]))
        expect(byName.get('max.message.bytes')).toMatchObject({ value: '500000', source: 'topic' })
        expect(byName.get('retention.ms')?.source).not.toBe('topic')
        const bad = await a
          .incrementalAlterConfigs([
            { type: 'topic', name: topic, configs: [{ name: 'no.such.config', value: '1' }] },
          ])
          .catch((e) => e)
        expect(bad).toBeInstanceOf(AdminError)
        expect((bad.failures[0].error as KafkaError).type).toBe('INVALID_CONFIG')
      })

      it('describes a broker’s own configs', async () => {
        const nodeId = String(target().nodes[0].nodeId)
        const [broker] = await admin().describeConfigs([
          { type: 'broker', name: nodeId, keys: ['num.partitions'] },
        ])
        expect(broker.configs.map((c) => c.name)).toEqual(['num.partitions'])
      })

      it('lists offsets at the start, the end and by time, and deletes records', async () => {
        const a = admin()
        const topic = unique('offsets')
        await a.createTopics([{ topic, partitions: 2, replicationFactor }])
        const t0 = Date.now() - 60_000
        await produceRaw(raw, topic, 0, [
          { value: 'a', timestamp: t0 },
          { value: 'b', timestamp: t0 + 1000 },
          { value: 'c', timestamp: t0 + 2000 },
        ])
        const listed = await a.listOffsets([
          { topic, partition: 0, at: 'latest' },
          { topic, partition: 1, at: 'latest' },
        ])
        expect(listed.map((o) => o.offset)).toEqual([3n, 0n])
        const [start] = await a.listOffsets([{ topic, partition: 0, at: 'earliest' }])
        expect(start.offset).toBe(0n)
        const [byTime] = await a.listOffsets([{ topic, partition: 0, at: { timestamp: t0 + 500 } }])
        expect(byTime).toMatchObject({ offset: 1n, timestamp: t0 + 1000 })
        const [afterAll] = await a.listOffsets([{ topic, partition: 0, at: { timestamp: t0 + 10_000 } }])
        expect(afterAll.offset).toBe(-1n)
        const [maxTs] = await a.listOffsets([{ topic, partition: 0, at: 'max-timestamp' }])
        expect(maxTs).toMatchObject({ offset: 2n, timestamp: t0 + 2000 })
        const [deleted] = await a.deleteRecords([{ topic, partition: 0, before: 2n }])
        expect(deleted.lowWatermark).toBe(2n)
        const [earliest] = await a.listOffsets([{ topic, partition: 0, at: 'earliest' }])
        expect(earliest.offset).toBe(2n)
        const beyond = await a.listOffsets([{ topic, partition: 7, at: 'latest' }]).catch((e) => e)
        expect(beyond).toBeInstanceOf(AdminError)
      })

      it('describes, lists and measures the lag of a consumer group, then moves and deletes its offsets', async () => {
        const a = admin()
        const topic = unique('lag')
        const group = unique('billing')
        await a.createTopics([{ topic, partitions: 2, replicationFactor }])
        await produceRaw(raw, topic, 0, [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }])
        await produceRaw(raw, topic, 1, [{ value: '5' }])
        const member = await joinGroupRaw(raw, group, [topic], 2)
        await commitAsMember(raw, group, member, topic, { 0: 1n })

        const [described] = await a.describeGroups([group])
        expect(described).toMatchObject({
          groupId: group,
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'range',
        })
        expect(described.members).toHaveLength(1)
        expect(described.members[0].memberId).toBe(member.memberId)
        expect(described.members[0].subscription).toEqual([topic])
        expect(described.members[0].assignment).toEqual([
          { topic, partition: 0 },
          { topic, partition: 1 },
        ])
        expect((await a.listGroups()).map((g) => g.groupId)).toContain(group)

        const lag = await a.lag(group)
        expect(lag.partitions).toEqual([
          { topic, partition: 0, committed: 1n, logEnd: 4n, lag: 3n, memberId: member.memberId },
          { topic, partition: 1, committed: -1n, logEnd: 1n, lag: null, memberId: member.memberId },
        ])
        expect(lag.totalLag).toBe(3n)

        // an active group refuses offsets from outside its generation
        const refused = await a.alterOffsets(group, [{ topic, partition: 0, offset: 0n }]).catch((e) => e)
        expect(refused).toBeInstanceOf(AdminError)
        expect(refused.message).toMatch(/active members/)
        await member.leave()

        await a.alterOffsets(group, [{ topic, partition: 1, offset: 1n, metadata: 'moved by admin' }])
        const committed = await a.fetchOffsets(group)
        expect(committed.map((c) => [c.partition, c.offset, c.metadata])).toEqual([
          [0, 1n, expect.anything()],
          [1, 1n, 'moved by admin'],
        ])
        const reset = await a.resetOffsets(group, { topic, to: 'earliest' })
        expect(reset.map((r) => r.offset)).toEqual([0n, 0n])
        const toEnd = await a.resetOffsets(group, { topic, partitions: [0], to: 'latest' })
        expect(toEnd).toEqual([{ topic, partition: 0, offset: 4n }])
        const asked = await a.fetchOffsets(group, {
          partitions: [
            { topic, partition: 0 },
            { topic, partition: 5 },
          ],
        })
        expect(asked.map((c) => c.offset)).toEqual([4n, -1n])

        await a.deleteOffsets(group, [{ topic, partition: 0 }])
        expect((await a.fetchOffsets(group)).map((c) => c.partition)).toEqual([1])
        await a.deleteGroups([group])
        const gone = await a.deleteGroups([group]).catch((e) => e)
        expect(gone).toBeInstanceOf(AdminError)
        expect((gone.failures[0].error as KafkaError).type).toBe('GROUP_ID_NOT_FOUND')
      })
    },
  )
}
