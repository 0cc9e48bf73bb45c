import type { Command } from 'commander'
import type { Admin, TopicDescription } from '../../client/index.js'
import { collect, integerArg, keyValueArg } from '../arguments.js'
import { action, UsageError, usageErrorsExitTwo } from '../cli-errors.js'
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js'
import { io } from '../io.js'
import { withAdmin } from '../kafka-session.js'
import { printJson } from '../output/json.js'
import { renderTable } from '../output/table.js'

interface JsonFlag {
  json?: boolean
}

/** Configs set on the topic itself (not defaults), as a map. */
async function topicConfigs(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, Record<string, string | null>>> {
  const described = await admin.describeConfigs(topics.map((name) => ({ type: 'topic' as const, name })))
  return new Map(
    described.map((r) => [
      r.name,
      Object.fromEntries(r.configs.filter((c) => c.source === 'topic').map((c) => [c.name, c.value])),
    ]),
  )
}

async function listTopics(flags: ConnectionFlags & JsonFlag & { internal?: boolean }): Promise<void> {
  const rows = await withAdmin(flags, async (admin) => {
    const names = await admin.listTopics({ includeInternal: flags.internal })
    const described = names.length === 0 ? [] : await admin.describeTopics(names)
    return described.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      internal: t.internal,
    }))
  })
  if (flags.json) return printJson(rows)
  io.stdout.write(
    renderTable(
      ['TOPIC', 'PARTITIONS', 'REPLICATION'],
      rows.map((r) => [r.topic, r.partitions, r.replicationFactor]),
    ),
  )
}

interface CreateFlags extends ConnectionFlags, JsonFlag {
  partitions?: number
  replicationFactor?: number
  config?: [string, string][]
  ifNotExists?: boolean
}

async function createTopic(topic: string, flags: CreateFlags): Promise<void> {
  const [created] = await withAdmin(flags, (admin) =>
    admin.createTopics(
      [
        {
          topic,
          partitions: flags.partitions,
          replicationFactor: flags.replicationFactor,
          configs: flags.config && Object.fromEntries(flags.config),
        },
      ],
      { ignoreExisting: flags.ifNotExists },
    ),
  )
  if (flags.json) return printJson(created)
  io.stdout.write(
    created.created
      ? `created topic ${topic}: ${created.partitions} partitions, replication factor ${created.replicationFactor}\n`
      : `topic ${topic} exists already\n`,
  )
}

async function deleteTopics(topics: string[], flags: ConnectionFlags): Promise<void> {
  await withAdmin(flags, (admin) => admin.deleteTopics(topics))
  for (const topic of topics) io.stdout.write(`deleted topic ${topic}\n`)
}

/** The describe output: what metadata says of each partition, and where its log starts and ends. */
async function describeTopics(topics: string[], flags: ConnectionFlags & JsonFlag): Promise<void> {
  const described = await withAdmin(flags, async (admin) => {
    const descriptions = await admin.describeTopics(topics)
    const queries = descriptions.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })),
    )
    const [earliest, latest, configs] = await Promise.all([
      admin.listOffsets(queries.map((q) => ({ ...q, at: 'earliest' as const }))),
      admin.listOffsets(queries.map((q) => ({ ...q, at: 'latest' as const }))),
      topicConfigs(admin, topics),
    ])
    const offset = (list: typeof earliest, t: TopicDescription, partition: number) =>
      list.find((o) => o.topic === t.topic && o.partition === partition)?.offset ?? -1n
    return descriptions.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      internal: t.internal,
      configs: configs.get(t.topic) ?? {},
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicas,
        isr: p.isr,
        offline: p.offline,
        earliestOffset: offset(earliest, t, p.partition),
        latestOffset: offset(latest, t, p.partition),
      })),
    }))
  })
  if (flags.json) return printJson(described)
  for (const t of described) {
    const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`)
    io.stdout.write(
      `topic ${t.topic}  id ${t.topicId}  partitions ${t.partitions.length}` +
        `${configs.length > 0 ? `  configs ${configs.join(',')}` : ''}\n`,
    )
    io.stdout.write(
      renderTable(
        ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'RECORDS'],
        t.partitions.map((p) => [
          p.partition,
          p.leader,
          p.replicas.join(','),
          p.isr.join(','),
          p.earliestOffset,
          p.latestOffset,
          p.latestOffset - p.earliestOffset,
        ]),
      ),
    )
  }
}

interface AlterFlags extends ConnectionFlags, JsonFlag {
  set?: [string, string][]
  delete?: string[]
}

async function alterConfig(topic: string, flags: AlterFlags): Promise<void> {
  const changes = [
    ...(flags.set ?? []).map(([name, value]) => ({ name, value, op: 'set' as const })),
    ...(flags.delete ?? []).map((name) => ({ name, op: 'delete' as const })),
  ]
  if (changes.length === 0) throw new UsageError('alter-config needs --set key=value or --delete key')
  const configs = await withAdmin(flags, async (admin) => {
    await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, configs: changes }])
    return (await topicConfigs(admin, [topic])).get(topic) ?? {}
  })
  if (flags.json) return printJson({ topic, configs })
  io.stdout.write(`altered topic ${topic}; its own configs now:\n`)
  io.stdout.write(renderTable(['CONFIG', 'VALUE'], Object.entries(configs)))
}

/** `sluice topics list|create|delete|describe|alter-config`. */
export function registerTopicsCommand(program: Command): void {
  const topics = usageErrorsExitTwo(
    program.command('topics').description('list, create, delete, describe and configure topics'),
  )
  addConnectionOptions(
    topics.command('list').description('list the topics with their partition count and replication factor'),
  )
    .option('--internal', 'include internal topics (__consumer_offsets, ...)')
    .option('--json', 'print JSON: [{ topic, partitions, replicationFactor, internal }]')
    .action(action(listTopics))
  addConnectionOptions(topics.command('create').description('create a topic').argument('<topic>'))
    .option(
      '-p, --partitions <n>',
      "partitions (default: the broker's num.partitions)",
      integerArg('--partitions', 1),
    )
    .option(
      '-r, --replication-factor <n>',
      "replicas of each partition (default: the broker's default.replication.factor)",
      integerArg('--replication-factor', 1),
    )
    .option(
      '-c, --config <key=value>',
      'a topic config, e.g. retention.ms=3600000 (repeatable)',
      keyValueArg('--config'),
    )
    .option('--if-not-exists', 'an existing topic is not an error')
    .option('--json', 'print JSON: { topic, created, topicId, partitions, replicationFactor }')
    .action(action(createTopic))
  addConnectionOptions(
    topics.command('delete').description('delete topics and their records').argument('<topic...>'),
  ).action(action(deleteTopics))
  addConnectionOptions(
    topics
      .command('describe')
      .description('partitions with leader, replicas, in-sync replicas and offsets; configs set on the topic')
      .argument('<topic...>'),
  )
    .option('--json', 'print JSON: [{ topic, topicId, internal, configs, partitions: [...] }]')
    .action(action(describeTopics))
  addConnectionOptions(
    topics
      .command('alter-config')
      .description('set or delete topic configs (incremental: others stay)')
      .argument('<topic>'),
  )
    .option('--set <key=value>', 'set a config (repeatable)', keyValueArg('--set'))
    .option('--delete <key>', 'remove a config, back to its default (repeatable)', collect)
    .option('--json', 'print JSON: { topic, configs }')
    .action(action(alterConfig))
}
