import { type Command, Option } from 'commander'
import type { Consumer, ConsumerMessage, SeekTarget, TopicPartition } from '../../client/index.js'
import { collect, dateTimeArg, integerArg, type OffsetTarget, offsetTargetArg } from '../arguments.js'
import { action, EXIT_FAILURE, UsageError, usageErrorsExitTwo } from '../cli-errors.js'
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js'
import { formatRecord, type OutputFormat } from '../consume/record-format.js'
import { io } from '../io.js'
import { kafkaFrom } from '../kafka-session.js'
import { Progress } from '../progress.js'
import { unescapeSeparator } from '../separator.js'

interface ConsumeFlags extends ConnectionFlags {
  group?: string
  partition?: string[]
  from?: OffsetTarget
  fromTime?: number
  count?: number
  format: OutputFormat
  keySeparator?: string
  timeoutMs?: number
}

/** Handlers finish at once (a write to stdout), so revoked or closing partitions need little time to drain. */
const DRAIN_MS = 1000

function partitionNumbers(values: readonly string[] | undefined): number[] | undefined {
  return values?.flatMap((v) =>
    v.split(',').map((p) => {
      if (!/^\d+$/.test(p.trim())) throw new UsageError(`--partition must be partition numbers, got "${v}"`)
      return Number(p)
    }),
  )
}

/** Every partition of the topics (or the ones asked for), from metadata. */
async function partitionsOf(
  flags: ConsumeFlags,
  topics: readonly string[],
  wanted: readonly number[] | undefined,
): Promise<TopicPartition[]> {
  const admin = kafkaFrom(flags).admin()
  try {
    const described = await admin.describeTopics(topics)
    const all = described.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })),
    )
    if (wanted === undefined) return all
    for (const p of wanted)
      for (const t of described)
        if (!t.partitions.some((x) => x.partition === p))
          throw new UsageError(`--partition ${p}: topic ${t.topic} has no such partition`)
    return all.filter((tp) => wanted.includes(tp.partition))
  } finally {
    await admin.close()
  }
}

/** Writes to stdout, waiting while the pipe is full: a slow reader slows the consumer, which pauses fetching. */
function write(chunk: Buffer | string): Promise<void> | undefined {
  if (io.stdout.write(chunk)) return undefined
  return new Promise((resolve) => io.stdout.once('drain', resolve))
}

async function consume(topics: string[], flags: ConsumeFlags): Promise<void> {
  const wanted = partitionNumbers(flags.partition)
  if (flags.group !== undefined && wanted !== undefined)
    throw new UsageError('--partition reads without a group: leave out --group, or --partition')
  if (flags.from !== undefined && flags.fromTime !== undefined)
    throw new UsageError('give --from or --from-time, not both')
  const keySeparator = flags.keySeparator === undefined ? undefined : unescapeSeparator(flags.keySeparator)
  const partitions = await partitionsOf(flags, topics, wanted)
  const start: SeekTarget | undefined =
    flags.fromTime !== undefined
      ? { timestamp: flags.fromTime }
      : typeof flags.from === 'bigint'
        ? flags.from
        : undefined
  const consumer: Consumer = kafkaFrom(flags).consumer({
    ...(flags.group !== undefined ? { groupId: flags.group, topics } : {}),
    // where a partition without a committed offset starts (without a group: every partition)
    autoOffsetReset: flags.from === 'earliest' ? 'earliest' : 'latest',
    revokeDrainMs: DRAIN_MS,
  })
  if (flags.group === undefined) consumer.assign(partitions)
  // with a group, an explicit --from overrides the committed offsets of the partitions this member gets
  if (flags.group !== undefined && flags.from !== undefined && typeof flags.from !== 'bigint')
    for (const tp of partitions) await consumer.seek({ ...tp, to: flags.from })
  if (start !== undefined) for (const tp of partitions) await consumer.seek({ ...tp, to: start })

  const progress = flags.count !== undefined ? new Progress(flags.count, 'records') : undefined
  let consumed = 0
  let closing = false
  const stop = () => {
    if (closing) return
    closing = true
    if (idle) clearTimeout(idle)
    // paused partitions start no more records, so none past --count runs (and holds up the close)
    consumer.pause(consumer.assignment())
    void consumer.close()
  }
  let idle: NodeJS.Timeout | undefined
  const armIdle = () => {
    if (flags.timeoutMs === undefined || closing) return
    if (idle) clearTimeout(idle)
    idle = setTimeout(stop, flags.timeoutMs)
  }
  consumer.on('rebalance', armIdle)
  const onSigint = () => {
    if (closing) process.exit(130) // a second Ctrl-C does not wait for the close
    stop()
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', stop)
  // `sluice consume ... | head`: the reader went away, which is a normal end
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') stop()
  }
  io.stdout.on('error', onOutputError)
  armIdle()
  try {
    await consumer.run((message) => {
      // records past --count that started before the close are left unfinished, so never committed
      if (closing) return new Promise<void>(() => {})
      consumed++
      progress?.update(consumed)
      if (flags.count !== undefined && consumed >= flags.count) stop()
      else armIdle()
      return write(formatRecord(message as ConsumerMessage<Buffer, Buffer>, flags.format, keySeparator))
    })
  } catch (err) {
    progress?.stop()
    throw err
  } finally {
    if (idle) clearTimeout(idle)
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', stop)
    io.stdout.off('error', onOutputError)
  }
  progress?.stop()
  io.stderr.write(`consumed ${consumed} records\n`)
  if (flags.count !== undefined && consumed < flags.count && flags.timeoutMs !== undefined)
    process.exitCode = EXIT_FAILURE
}

/** `sluice consume <topic...>`: prints records on stdout, one per line. */
export function registerConsumeCommand(program: Command): void {
  addConnectionOptions(
    usageErrorsExitTwo(
      program
        .command('consume')
        .description('print records of topics on stdout, one per line (a summary goes to stderr)')
        .argument('<topic...>'),
    ),
  )
    .option(
      '-g, --group <id>',
      'consume in this group and commit offsets (default: no group, every partition)',
    )
    .option('-p, --partition <n,...>', 'without a group: only these partitions', collect)
    .option(
      '--from <position>',
      "beginning, end or an offset; with a group it overrides the committed offsets (default: the group's committed offsets, else end)",
      offsetTargetArg('--from', {
        beginning: 'earliest',
        earliest: 'earliest',
        end: 'latest',
        latest: 'latest',
      }),
    )
    .option(
      '--from-time <iso>',
      'start at the first record at or after this time',
      dateTimeArg('--from-time'),
    )
    .option('-n, --count <n>', 'exit after n records', integerArg('--count', 1))
    .addOption(
      new Option('--format <format>', 'text: the value; json: one object per line; raw: the value bytes')
        .choices(['text', 'json', 'raw'])
        .default('text'),
    )
    .option('-K, --key-separator <s>', 'text format: print the key, <s>, then the value (\\t for tab)')
    .option('--timeout-ms <ms>', 'exit when no record came for this long', integerArg('--timeout-ms', 1))
    .action(action(consume))
}
