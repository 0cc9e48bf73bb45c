// A consumer group reading orders in key order with 32 handlers at once, a
// byte budget, retries and a dead-letter topic, against the embedded broker.
// Run from the repository root:  npx tsx examples/client/consumer-key-order.ts
import { startBroker } from '../../src/broker/index.js'
import { Kafka } from '../../src/index.js'

const broker = await startBroker({ port: 0, logger: 'warn', groupInitialRebalanceDelayMs: 0 })
const kafka = new Kafka({ brokers: broker.bootstrap, clientId: 'billing', logger: 'warn' })
const admin = kafka.admin()
await admin.createTopics([{ topic: 'orders', partitions: 3 }])

const producer = kafka.producer({ lingerMs: 5 })
const orders = Array.from({ length: 5000 }, (_, i) => ({
  topic: 'orders',
  key: `account-${i % 100}`,
  value: JSON.stringify({ order: i, cents: (i * 37) % 1000 }),
}))
for await (const r of producer.sendAll(orders, { maxInFlight: 1000 })) if (r.error) throw r.error

const consumer = kafka.consumer({
  groupId: 'billing',
  topics: ['orders'],
  fromBeginning: true,
  ordering: 'key', // one account's orders in order; accounts side by side
  concurrency: 32,
  maxBufferedBytes: 8 << 20, // fetching pauses before the buffers pass 8 MiB
  valueDeserializer: 'json',
  attempts: 3,
  onFailure: 'dead-letter',
  deadLetterTopic: 'orders-dlq',
})
const totals = new Map<string, number>()
let processed = 0
const running = consumer.run(async (message) => {
  const { order, cents } = message.value as { order: number; cents: number }
  // a record that fails three times goes to orders-dlq and its offset counts as done
  if (order === 1234) throw new Error('order 1234 cannot be billed')
  await new Promise((resolve) => setTimeout(resolve, 1)) // the "work"
  totals.set(String(message.key), (totals.get(String(message.key)) ?? 0) + cents)
  processed++
})
while (processed < 4999) await new Promise((resolve) => setTimeout(resolve, 50))
const m = consumer.metrics()
console.log(
  `processed ${m.processed}, dead-lettered ${m.deadLettered}, retries ${m.retries}, accounts ${totals.size}`,
)
await consumer.close() // drains what runs, commits, leaves the group
await running
const lag = await admin.lag('billing')
console.log(`committed lag after close: ${lag.totalLag}`)
await producer.close()
await admin.close()
await broker.close()
