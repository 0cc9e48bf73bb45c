/**
 * One consumer-group member on @platformatic/kafka for the group
 * compatibility suite. Usage: node --import tsx platformatic-member.ts BOOTSTRAP GROUP TOPIC
 * Same JSON lines as the Python members; SIGTERM closes the stream and the
 * consumer (which leaves the group). Its only assignor is "roundrobin".
 *
 * maxWaitTime is short on purpose. @platformatic/kafka (1.35) hands out the
 * records of a fetch that was parked before a rebalance, also for partitions
 * the rebalance took away, where the Java client and librdkafka drop them:
 * with the default 5 s long poll, records produced just after the group
 * settled came back from that stale fetch as well as from the new owner
 * (each member that lost a partition re-delivered its 100 records). A
 * stale fetch now ends within the scenarios' settle pause, before anything
 * is produced.
 */
import { Consumer } from '@platformatic/kafka'

const [bootstrap, group, topic] = process.argv.slice(2)

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const consumer = new Consumer({
  groupId: group,
  clientId: 'platformatic-member',
  bootstrapBrokers: [bootstrap],
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  maxWaitTime: 500,
})
consumer.on('consumer:group:join', (e: { assignments: { topic: string; partitions: number[] }[] }) => {
  const mine = e.assignments.find((a) => a.topic === topic)?.partitions ?? []
  emit({ type: 'assigned', partitions: [...mine].sort((a, b) => a - b) })
})
consumer.on('consumer:group:rebalance', () => emit({ type: 'revoked' }))
const stream = await consumer.consume({
  topics: [topic],
  mode: 'committed',
  fallbackMode: 'earliest',
  autocommit: 200,
})
stream.on('data', (m) => {
  emit({ type: 'record', partition: m.partition, offset: Number(m.offset), value: m.value.toString() })
})
stream.on('error', (err) => process.stderr.write(`stream error: ${String(err)}\n`))
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await stream.close()
  await consumer.close()
  emit({ type: 'closed' })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
setTimeout(() => void stop(), 180_000).unref()
