/**
 * One consumer-group member on kafkajs for the group compatibility suite.
 * Usage: node --import tsx kafkajs-member.ts BOOTSTRAP GROUP TOPIC
 * Same JSON lines as the Python members; SIGTERM disconnects cleanly
 * (kafkajs commits what it resolved, then leaves the group).
 *
 * maxWaitTimeInMs is short because kafkajs heartbeats, and so hears of a
 * rebalance, only between fetches, and its disconnect waits for the fetch
 * in flight: with the default 5 s long poll every handover in the
 * scenarios waited up to 5 s for nothing.
 */
import { Kafka, logLevel } from 'kafkajs'

const [bootstrap, group, topic] = process.argv.slice(2)

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const kafka = new Kafka({ brokers: [bootstrap], clientId: 'kafkajs-member', logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({
  groupId: group,
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 500,
})
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  emit({ type: 'assigned', partitions: [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) })
})
consumer.on(consumer.events.REBALANCING, () => emit({ type: 'revoked' }))
await consumer.connect()
await consumer.subscribe({ topics: [topic], fromBeginning: true })
await consumer.run({
  autoCommitInterval: 200,
  eachMessage: async ({ partition, message }) => {
    emit({
      type: 'record',
      partition,
      offset: Number(message.offset),
      value: message.value?.toString() ?? null,
    })
  },
})
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await consumer.disconnect()
  emit({ type: 'closed' })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
setTimeout(() => void stop(), 180_000).unref()
