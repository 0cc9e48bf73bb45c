// A tour of the admin client against the embedded broker: topics,
// partitions, configs, offsets, records and a consumer group's lag.
// Run from the repository root:  npx tsx examples/client/admin-tour.ts
// Point it at any Kafka instead:  npx tsx examples/client/admin-tour.ts 127.0.0.1:9092
import { startBroker } from '../../src/broker/index.js'
import { AdminError, Kafka } from '../../src/index.js'

const external = process.argv[2]
const broker = external ? undefined : await startBroker({ port: 0, logger: 'warn' })
const kafka = new Kafka({ brokers: external ?? broker!.bootstrap, clientId: 'admin-tour' })
const admin = kafka.admin()

try {
  const cluster = await admin.describeCluster()
  console.log(
    `cluster ${cluster.clusterId}: brokers ${cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ')}`,
  )

  const topic = `tour-${Date.now()}`
  await admin.createTopics([{ topic, partitions: 3, configs: { 'retention.ms': String(24 * 3600_000) } }])
  await admin.createPartitions([{ topic, count: 4 }])
  const [described] = await admin.describeTopics([topic])
  for (const p of described.partitions) {
    console.log(`${topic}[${p.partition}] leader ${p.leader} replicas ${p.replicas} isr ${p.isr}`)
  }

  await admin.incrementalAlterConfigs([
    { type: 'topic', name: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }] },
  ])
  const [configs] = await admin.describeConfigs([
    { type: 'topic', name: topic, keys: ['cleanup.policy', 'retention.ms'] },
  ])
  for (const c of configs.configs) console.log(`${c.name} = ${c.value} (${c.source})`)

  const ends = await admin.listOffsets(
    described.partitions.map((p) => ({ topic, partition: p.partition, at: 'latest' })),
  )
  console.log(`high watermarks: ${ends.map((e) => e.offset).join(', ')}`)

  // a group's offsets can be set while it has no members, then measured
  const group = `${topic}-readers`
  await admin.alterOffsets(group, [{ topic, partition: 0, offset: 0n }])
  const lag = await admin.lag(group)
  console.log(`group ${group} (${lag.state}): total lag ${lag.totalLag}`)
  console.log(`groups: ${(await admin.listGroups()).map((g) => g.groupId).join(', ')}`)

  await admin.deleteGroups([group])
  await admin.deleteTopics([topic])
  try {
    await admin.describeTopics([topic])
  } catch (error) {
    if (!(error instanceof AdminError)) throw error
    console.log(`after deleteTopics: ${error.failures[0].error.message.split(':')[0]}`)
  }
} finally {
  await admin.close()
  await broker?.close()
}
