/**
 * One consumer-group member on the Sluice consumer, for groups that mix it
 * with other clients. Usage:
 *   node --import tsx sluice-member.ts BOOTSTRAP GROUP TOPIC ASSIGNOR
 * The same JSON lines as test/compat/groups/clients/confluent_member.py
 * (assigned with everything held, revoked with what was given up, leader,
 * record, closed); SIGTERM closes the consumer, which drains, commits and
 * leaves the group.
 */
import { type AssignorName, Kafka } from '../../../../src/index.js'

const [bootstrap, group, topic, assignor] = process.argv.slice(2)

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const consumer = new Kafka({ brokers: [bootstrap], clientId: 'sluice-member', logger: 'warn' }).consumer({
  groupId: group,
  topics: [topic],
  assignors: [assignor as AssignorName],
  fromBeginning: true,
  // the same group settings as the other members of these tests
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  commitIntervalMs: 200,
})

const held = () => consumer.assignment().map((tp) => tp.partition)
consumer.on('rebalance', (e) => {
  if (e.type === 'assigned') emit({ type: 'assigned', partitions: held().sort((a, b) => a - b) })
  else emit({ type: 'revoked', partitions: e.partitions.map((tp) => tp.partition).sort((a, b) => a - b) })
})

consumer.on('join', (e) => {
  if (e.leader) emit({ type: 'leader' })
})

const running = consumer.run((m) => {
  emit({
    type: 'record',
    partition: m.partition,
    offset: Number(m.offset),
    value: m.value?.toString() ?? null,
  })
})

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await consumer.close()
  await running
  emit({ type: 'closed' })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
setTimeout(() => void stop(), 180_000).unref()
running.catch((error) => {
  process.stderr.write(`consumer failed: ${(error as Error).stack}\n`)
  process.exit(1)
})
