import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { type Command, Option } from 'commander'
import type { Acks, CompressionName, ProducerRecord } from '../../client/index.js'
import { integerArg, keyValueArg, positiveNumberArg } from '../arguments.js'
import { action, EXIT_FAILURE, UsageError, usageErrorsExitTwo } from '../cli-errors.js'
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js'
import { io } from '../io.js'
import { kafkaFrom } from '../kafka-session.js'
import { printJson } from '../output/json.js'
import { lineToRecord, recordBytes } from '../produce/line-records.js'
import { Progress } from '../progress.js'
import { unescapeSeparator } from '../separator.js'

interface ProduceFlags extends ConnectionFlags {
  file?: string
  keySeparator?: string
  header?: [string, string][]
  headerSeparator?: string
  partition?: number
  acks: Acks
  compression: CompressionName
  rate?: number
  lingerMs?: number
  count?: number
  json?: boolean
}

/** The first errors are printed as they come; after that only counted, so a dead broker does not flood the terminal. */
const ERRORS_SHOWN = 5

function openInput(file: string | undefined): { input: Readable; totalBytes: number } {
  if (file === undefined) return { input: io.stdin as Readable, totalBytes: 0 }
  let size: number
  try {
    size = statSync(file).size
  } catch (err) {
    throw new UsageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`)
  }
  return { input: createReadStream(file), totalBytes: size }
}

async function produce(topic: string, flags: ProduceFlags): Promise<void> {
  const format = {
    keySeparator: flags.keySeparator === undefined ? undefined : unescapeSeparator(flags.keySeparator),
    headerSeparator:
      flags.headerSeparator === undefined ? undefined : unescapeSeparator(flags.headerSeparator),
    headers: flags.header ?? [],
    partition: flags.partition,
  }
  const kafka = kafkaFrom(flags)
  const producer = kafka.producer({
    acks: flags.acks,
    compression: flags.compression,
    ...(flags.lingerMs !== undefined && { lingerMs: flags.lingerMs }),
    ...(flags.rate !== undefined && { rate: { recordsPerSecond: flags.rate } }),
  })
  const { input, totalBytes } = openInput(flags.file)
  // a file's size, or --count, is a known total; stdin without --count has none (no bar)
  const progress =
    flags.count !== undefined ? new Progress(flags.count, 'records') : new Progress(totalBytes, 'bytes')
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  // Ctrl-C stops reading; what was read is still sent and acknowledged before the summary
  let stopped = false
  const onSigint = () => {
    stopped = true
    lines.close()
  }
  process.once('SIGINT', onSigint)
  let readBytes = 0
  let lineNumber = 0
  let records = 0
  async function* lineRecords(): AsyncGenerator<ProducerRecord> {
    for await (const line of lines) {
      lineNumber++
      readBytes += Buffer.byteLength(line) + 1
      if (line === '') continue
      yield lineToRecord(line, format, lineNumber)
      records++
      if (flags.count !== undefined && records >= flags.count) break
      if (stopped) break
    }
  }
  const started = performance.now()
  let sent = 0
  let bytes = 0
  let errors = 0
  try {
    // sendAll reads a line only while fewer than maxInFlight records are unacknowledged: stdin is paced by the producer
    for await (const result of producer.sendAll(lineRecords(), { topic })) {
      if (result.error) {
        errors++
        if (errors <= ERRORS_SHOWN)
          io.stderr.write(`sluice: record ${sent + errors}: ${result.error.message}\n`)
      } else {
        sent++
        bytes += recordBytes(result.record)
      }
      progress.update(flags.count !== undefined ? sent + errors : readBytes)
    }
  } finally {
    progress.stop()
    process.off('SIGINT', onSigint)
    lines.close()
    input.destroy()
    await producer.close()
  }
  const seconds = (performance.now() - started) / 1000
  const summary = {
    topic,
    records: sent,
    bytes,
    errors,
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: seconds > 0 ? Math.round(sent / seconds) : sent,
    bytesPerSecond: seconds > 0 ? Math.round(bytes / seconds) : bytes,
  }
  if (flags.json) printJson(summary)
  else
    io.stderr.write(
      `produced ${sent} records (${bytes} bytes) to ${topic} in ${summary.seconds} s: ` +
        `${summary.recordsPerSecond} records/s, ${summary.bytesPerSecond} bytes/s, ${errors} errors\n`,
    )
  if (errors > 0) process.exitCode = EXIT_FAILURE
}

/** `sluice produce <topic>`: one record per line of stdin or a file. */
export function registerProduceCommand(program: Command): void {
  addConnectionOptions(
    usageErrorsExitTwo(
      program
        .command('produce')
        .description('produce one record per line of stdin (or --file); prints a summary on stderr')
        .argument('<topic>'),
    ),
  )
    .option('-f, --file <path>', 'read lines from this file instead of stdin')
    .option('-K, --key-separator <s>', 'the key is the text before the first <s> of a line (\\t for tab)')
    .option('-H, --header <key=value>', 'a header on every record (repeatable)', keyValueArg('--header'))
    .option(
      '--header-separator <s>',
      'each line starts with its headers, k=v pairs separated by commas, ended by <s>',
    )
    .option('-p, --partition <n>', 'send every record to this partition', integerArg('--partition'))
    .addOption(
      new Option('--acks <acks>', 'acknowledgement to wait for')
        .choices(['all', 'leader', 'none'])
        .default('all'),
    )
    .addOption(
      new Option('-z, --compression <codec>', 'batch compression')
        .choices(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
        .default('none'),
    )
    .option('--rate <records/s>', 'send at most this many records per second', positiveNumberArg('--rate'))
    .option(
      '--linger-ms <ms>',
      'how long a batch waits for more records (default 5)',
      integerArg('--linger-ms'),
    )
    .option('-n, --count <n>', 'stop after n records (empty lines are skipped)', integerArg('--count', 1))
    .option(
      '--json',
      'print the summary as JSON on stdout: { topic, records, bytes, errors, seconds, recordsPerSecond, bytesPerSecond }',
    )
    .action(action(produce))
}
