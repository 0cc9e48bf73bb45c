import { afterEach, expect, it } from 'vitest'
import { type ConsumedRecord, waitFor } from '../groups/support/group-member.js'
import type { CompatTarget } from '../support/broker.js'
import { describeWithClient } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import { failoverClusters, PARTITIONS } from './support/failover-cluster.js'
import { expectEachOnce, expectSpreadLeaders } from './support/failover-scenario.js'

/**
 * kafkajs (in this process) against a 3-node cluster (the embedded test
 * cluster, or Apache Kafka for reference): its admin client
 * sees the three brokers and the leaders, and one idempotent producer and
 * one group consumer carry on while a leader moves, a node stops and comes
 * back, and leadership returns to it. No record is lost or stored twice, and
 * each partition is read at contiguous offsets.
 *
 * kafkajs answers NOT_LEADER_OR_FOLLOWER on a fetch by rejoining its group; a
 * rejoin makes the commits still in flight stale, so records read since the
 * last commit may be delivered again at their same offsets — the
 * at-least-once kafkajs promises, as against Apache Kafka. Waiting for
 * everything to be committed before each change keeps those few.
 *
 * Two kafkajs 2.2.4 weaknesses shape the test, both seen against Apache
 * Kafka too. Each send() writes one partition: kafkajs loses records when one
 * send() spans several leaders and a partition moves to a node that already
 * answered for another (its retry skips brokers that succeeded; kafkajs issue
 * #1303). And the group's coordinator is on a node that stays up: when its
 * coordinator dies, kafkajs keeps heartbeating the dead node until its session
 * times out, and the consumer restart that follows can leave its fetchers
 * spinning without yielding (kafkajs issues #1384, #1387). Coordinator
 * failover is covered by the wire tests.
 */
const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

const BEFORE_CHANGE = 210
const AFTER_CHANGE = 90
/** Records per send(), all to one partition. */
const CHUNK = 30
const WAIT_MS = 40_000

export function kafkajsClusterSuite(target: CompatTarget): void {
  const name = 'kafkajs against a 3-node cluster'
  describeWithClient(target === 'kafka' ? `${name} [kafka]` : name, availability, () => {
    const clusters = failoverClusters(target)
    const closers: (() => Promise<unknown>)[] = []
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {})
    })

    function client(bootstrap: string) {
      const { Kafka, logLevel } = kafkajs!
      return new Kafka({
        clientId: 'sluice-compat-cluster',
        brokers: bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1000,
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
      })
    }

    it('sees three brokers, a controller and partitions led by different nodes', async () => {
      const cluster = await clusters.next()
      const admin = client(cluster.bootstrap).admin()
      await admin.connect()
      closers.push(() => admin.disconnect())
      const described = await admin.describeCluster()
      expect(described.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]).sort()).toEqual(
        cluster.nodes.map((n) => [n.nodeId, n.bootstrap]),
      )
      expect([1, 2, 3]).toContain(described.controller)
      const meta = await admin.fetchTopicMetadata({ topics: [cluster.topic] })
      const partitions = meta.topics[0].partitions
      for (const p of partitions) {
        expect(p.leader).toBe((await cluster.leaderOf(p.partitionId)).leaderId)
        expect(p.replicas).toEqual(await cluster.replicasOf(p.partitionId))
      }
      expect(new Set(partitions.map((p) => p.leader)).size).toBe(PARTITIONS)
    })

    it('produces and consumes across a leader move and a node stopping and coming back, each record once', async () => {
      const running = await clusters.next()
      await expectSpreadLeaders(running)
      const topic = running.topic
      const stopped = (await running.replicasOf(1))[0]
      let groupId = ''
      for (let i = 0; groupId === '' || (await running.coordinatorOf(groupId)) === stopped; i++)
        groupId = `kafkajs-${topic}-${i}`

      const kafka = client(running.bootstrap)
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      })
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 500,
      })
      const admin = kafka.admin()
      closers.push(
        () => producer.disconnect(),
        () => consumer.disconnect(),
        () => admin.disconnect(),
      )
      await Promise.all([producer.connect(), consumer.connect(), admin.connect()])
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      const records: ConsumedRecord[] = []
      // neither an interval nor a threshold: kafkajs commits after every batch
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, offset: Number(message.offset), value: message.value!.toString() })
        },
      })

      const produced: string[] = []
      const perPartition = Array.from({ length: PARTITIONS }, () => 0)
      const send = async (label: string, count: number) => {
        for (let i = 0; i < count; i += CHUNK) {
          const partition = (produced.length / CHUNK) % PARTITIONS
          const values = Array.from({ length: CHUNK }, (_, j) => `${label}-${produced.length + j}`)
          produced.push(...values)
          perPartition[partition] += CHUNK
          await producer.send({
            topic,
            acks: -1,
            messages: values.map((value) => ({ partition, value })),
          })
        }
      }
      const consumed = (what: string) =>
        waitFor(
          () => records.length >= produced.length,
          `kafkajs read ${produced.length} records ${what}`,
          WAIT_MS,
          [],
        )
      /** Resolves once the group has committed everything produced, so a rejoin delivers nothing again. */
      const committedAll = async () => {
        for (;;) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
          const offsets = [...committed.partitions].sort((a, b) => a.partition - b.partition)
          if (offsets.every((p) => Number(p.offset) === perPartition[p.partition])) return
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
      /** The same producer and consumer before and after `change`. */
      const across = async (label: string, change: () => Promise<void> | void) => {
        await send(`${label}-before`, BEFORE_CHANGE)
        await consumed(`before "${label}"`)
        await committedAll()
        await change()
        await send(`${label}-after`, AFTER_CHANGE)
        await consumed(`after "${label}"`)
      }

      await across('move', async () => {
        const leader = (await running.leaderOf(0)).leaderId
        await running.moveLeader(0, (await running.replicasOf(0)).find((r) => r !== leader)!)
      })
      await across('stop', () => running.stopNode(stopped))
      await across('start', () => running.startNode(stopped))
      await across('elect', async () => {
        expect(await running.electPreferredLeaders()).toBeGreaterThan(0)
        expect((await running.leaderOf(1)).leaderId).toBe(stopped)
      })
      expect(new Set(records.map((r) => r.partition)).size).toBe(PARTITIONS)
      const { rereads } = expectEachOnce(records, produced, { rereadsAllowed: true })
      // a rejoin re-delivers at most what was read since the last commit
      expect(rereads).toBeLessThan(produced.length / 4)
    }, 90_000)
  })
}
