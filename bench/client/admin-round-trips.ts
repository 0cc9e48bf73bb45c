import { Admin as PlatformaticAdmin } from '@platformatic/kafka'
import { Kafka as KafkaJs, logLevel } from 'kafkajs'
import type { RunningBroker } from '../../src/broker/index.js'
import { Kafka } from '../../src/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatBytes, formatSi, type Table } from '../support/table.js'

/**
 * The client core's request path, side by side with kafkajs' and
 * @platformatic/kafka's admin clients on the same embedded broker: one
 * Metadata round trip (a topic of 8 partitions), one DescribeConfigs, and
 * 64 DescribeGroups at once, which only a client that pipelines requests
 * on one connection answers in about one round trip.
 */

const TOPIC = 'bench-admin'
const PARTITIONS = 8
const GROUP = 'bench-admin-group'
const CONCURRENT = 64

export interface AdminClients {
  sluice: ReturnType<Kafka['admin']>
  kafkajs: ReturnType<KafkaJs['admin']>
  platformatic: PlatformaticAdmin
  close(): Promise<void>
}

export async function connectClients(broker: RunningBroker): Promise<AdminClients> {
  const sluice = new Kafka({ brokers: broker.bootstrap, clientId: 'bench', logger: 'silent' }).admin()
  const kafkajs = new KafkaJs({
    brokers: [broker.bootstrap],
    clientId: 'bench',
    logLevel: logLevel.NOTHING,
  }).admin()
  const platformatic = new PlatformaticAdmin({ clientId: 'bench', bootstrapBrokers: [broker.bootstrap] })
  await sluice.createTopics([{ topic: TOPIC, partitions: PARTITIONS }], { ignoreExisting: true })
  await kafkajs.connect()
  return {
    sluice,
    kafkajs,
    platformatic,
    async close() {
      await Promise.allSettled([sluice.close(), kafkajs.disconnect(), platformatic.close()])
    },
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench/client: ${what}`)
}

export async function benchAdminRoundTrips(clients: AdminClients, options: MeasureOptions): Promise<Table> {
  const { sluice, kafkajs, platformatic } = clients
  const metadata = `Metadata, 1 topic of ${PARTITIONS} partitions`
  const configs = 'DescribeConfigs, 1 topic'
  const many = `${CONCURRENT} DescribeGroups at once`
  const groups = Array.from({ length: CONCURRENT }, () => GROUP)
  const cases: BenchCase[] = [
    { group: metadata, name: 'Sluice admin.describeTopics', fn: () => sluice.describeTopics([TOPIC]) },
    {
      group: metadata,
      name: 'kafkajs admin.fetchTopicMetadata',
      fn: () => kafkajs.fetchTopicMetadata({ topics: [TOPIC] }),
    },
    {
      group: metadata,
      name: '@platformatic/kafka admin.metadata (forceUpdate)',
      fn: () => platformatic.metadata({ topics: [TOPIC], forceUpdate: true }),
    },
    {
      group: configs,
      name: 'Sluice admin.describeConfigs',
      fn: () => sluice.describeConfigs([{ type: 'topic', name: TOPIC }]),
    },
    {
      group: configs,
      name: 'kafkajs admin.describeConfigs',
      fn: () => kafkajs.describeConfigs({ resources: [{ type: 2, name: TOPIC }], includeSynonyms: false }),
    },
    {
      group: configs,
      name: '@platformatic/kafka admin.describeConfigs',
      fn: () => platformatic.describeConfigs({ resources: [{ resourceType: 2, resourceName: TOPIC }] }),
    },
    {
      group: many,
      name: 'Sluice admin.describeGroups',
      fn: () => Promise.all(groups.map((g) => sluice.describeGroups([g]))),
    },
    {
      group: many,
      name: 'kafkajs admin.describeGroups',
      fn: () => Promise.all(groups.map((g) => kafkajs.describeGroups([g]))),
    },
    {
      group: many,
      name: '@platformatic/kafka admin.describeGroups',
      fn: () => Promise.all(groups.map((g) => platformatic.describeGroups({ groups: [g] }))),
    },
  ]
  const [described] = await sluice.describeTopics([TOPIC])
  check(described.partitions.length === PARTITIONS, 'Sluice saw the wrong partition count')
  const theirs = await kafkajs.fetchTopicMetadata({ topics: [TOPIC] })
  check(theirs.topics[0].partitions.length === PARTITIONS, 'kafkajs saw the wrong partition count')
  const results = await runComparison(cases, options)
  return {
    title: 'Admin round trips against the embedded broker (one client each, connected beforehand)',
    columns: [
      { header: 'request' },
      { header: 'client' },
      { header: 'calls/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.group,
      r.bench.name,
      formatSi(r.measurement.opsPerSecond),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      `one call of the last group is ${CONCURRENT} describeGroups started together and awaited together.`,
      'The broker runs in this process, so each rate includes its share of the work; it is the same for every client.',
      `RSS of the process after the run: ${formatBytes(process.memoryUsage().rss)} (all three clients and the broker).`,
    ],
  }
}
