import { type Command, InvalidArgumentError, Option } from 'commander'
import type { KafkaOptions } from '../../client/index.js'
import { type MetricsServer, Registry, serveMetrics } from '../../metrics/index.js'
import { addConnectionOptions, type ConnectionFlags, kafkaOptions } from '../connection-options.js'
import { startConsole } from '../console/server.js'
import { type DemoRun, startDemo } from '../demo/demo.js'
import { listenForKeys } from '../demo/demo-keys.js'
import { DEMO_DEFAULTS, DemoOptionError, type DemoOptions, OVERFLOWS } from '../demo/demo-options.js'
import { type DemoSummary, formatSummary } from '../demo/demo-summary.js'
import { TerminalView, type ViewContext } from '../demo/terminal-view.js'

function numberArg(name: string, { integer = false, min = 0 } = {}) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(
        `${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, got "${value}"`,
      )
    return n
  }
}

const UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }

function bytesArg(name: string) {
  return (value: string): number => {
    const match = /^(\d+)(KiB|MiB|GiB)?$/.exec(value)
    if (!match || Number(match[1]) === 0)
      throw new InvalidArgumentError(`${name} must be a positive number of bytes, e.g. 4194304 or 4MiB`)
    return Number(match[1]) * UNITS[match[2] ?? '']
  }
}

interface DemoFlags extends Omit<ConnectionFlags, 'brokers'> {
  brokers?: string
  topic: string
  partitions: number
  rate: number
  handlerMs: number
  concurrency: number
  consumerBudgetBytes: number
  producerBufferBytes: number
  consumers: number
  overflow: DemoOptions['overflow']
  customers: number
  seed: number
  duration?: number
  failAt?: number
  failFor: number
  drainTimeout: number
  console: boolean
  consoleHost: string
  consolePort: number
  metricsPort?: number
  jsonSummary?: boolean
}

/** The first console port tried; taken, a free one is used instead. */
const CONSOLE_PORT = 8080

async function serveConsole(
  run: DemoRun,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> } | string> {
  const options = { kafka: run.kafka, feed: run.feed, host }
  try {
    return await startConsole({ ...options, port })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' && port === CONSOLE_PORT) return startConsole({ ...options, port: 0 })
    return `no web console: ${(err as Error).message}`
  }
}

async function runDemo(flags: DemoFlags, command: Command): Promise<void> {
  const out = process.stdout
  const stdin = process.stdin
  const interactive = out.isTTY === true && stdin.isTTY === true
  const metricsRegistry = flags.metricsPort === undefined ? undefined : new Registry()
  let connection: Omit<KafkaOptions, 'brokers'> | undefined
  if (flags.brokers !== undefined) {
    try {
      connection = {
        ...kafkaOptions({ ...flags, brokers: flags.brokers }),
        clientId: flags.clientId ?? 'sluice-demo',
      }
    } catch (err) {
      command.error(`error: ${(err as Error).message}`)
    }
  }
  let run: DemoRun
  try {
    run = await startDemo(
      {
        brokers: flags.brokers,
        topic: flags.topic,
        partitions: flags.partitions,
        rate: flags.rate,
        handlerMs: flags.handlerMs,
        concurrency: flags.concurrency,
        consumerBudgetBytes: flags.consumerBudgetBytes,
        producerBufferBytes: flags.producerBufferBytes,
        consumers: flags.consumers,
        overflow: flags.overflow,
        customers: flags.customers,
        seed: flags.seed,
        durationSeconds: flags.duration,
        failAtSeconds: flags.failAt,
        failForSeconds: flags.failFor,
        drainTimeoutSeconds: flags.drainTimeout,
      },
      { metricsRegistry, kafkaOptions: connection },
    )
  } catch (err) {
    if (err instanceof DemoOptionError) command.error(`error: ${err.message}`)
    command.error(`error: the demo could not start: ${(err as Error).message}`)
  }

  let restoreKeys: () => void = () => {}
  const restoreTerminal = () => {
    restoreKeys()
    if (out.isTTY) out.write('\x1b[?25h')
  }
  // whatever ends the process, the terminal is given back in cooked mode with its cursor
  process.once('exit', restoreTerminal)

  const view = new TerminalView(out)
  let notice: string | undefined
  let consoleUrl: string | undefined
  let closeConsole: () => Promise<void> = async () => {}
  if (flags.console) {
    const served = await serveConsole(run, flags.consoleHost, flags.consolePort)
    if (typeof served === 'string') process.stderr.write(`sluice: ${served}\n`)
    else {
      consoleUrl = served.url
      closeConsole = () => served.close()
    }
  }
  let metrics: MetricsServer | undefined
  if (metricsRegistry && flags.metricsPort !== undefined) {
    try {
      metrics = await serveMetrics({
        registry: metricsRegistry,
        port: flags.metricsPort,
        host: flags.consoleHost,
      })
    } catch (err) {
      await closeConsole()
      await run.stop()
      command.error(`error: --metrics-port ${flags.metricsPort}: ${(err as Error).message}`)
    }
  }
  const context = (): ViewContext => ({
    bootstrap: run.bootstrap,
    topic: run.topic,
    groupId: run.groupId,
    consoleUrl,
    metricsUrl: metrics?.url,
    keys: interactive,
    notice,
  })
  if (!out.isTTY) {
    out.write(`demo on ${run.bootstrap}: topic ${run.topic}, group ${run.groupId}\n`)
    if (consoleUrl) out.write(`console on ${consoleUrl}\n`)
    if (metrics) out.write(`metrics on ${metrics.url}\n`)
  } else out.write('\x1b[?25l')
  const unsubscribe = run.feed.subscribe((snapshot) => view.draw(snapshot, context()))

  let quitting = false
  const quit = (why: string) => {
    if (quitting) {
      // a second quit while draining: leave now, with what the ledger cannot vouch for unchecked
      restoreTerminal()
      process.stderr.write(`sluice: ${why} again: leaving without waiting for the drain\n`)
      process.exit(130)
    }
    quitting = true
    notice = `${why}: stopping the producer, the consumers finish what was acknowledged, at full speed...`
    void run.stop()
  }
  if (interactive) {
    restoreKeys = listenForKeys(stdin, (action) => {
      if (action === 'quit') quit('quit')
      else notice = run.act(action)
    })
  }
  process.on('SIGINT', () => quit('SIGINT'))
  process.on('SIGTERM', () => quit('SIGTERM'))

  let summary: DemoSummary
  try {
    summary = await run.finished
  } finally {
    unsubscribe()
    restoreTerminal()
    await closeConsole()
    await metrics?.close()
  }
  view.release()
  out.write(flags.jsonSummary ? `${JSON.stringify(summary)}\n` : `\n${formatSummary(summary)}`)
  process.exit(summary.ok ? 0 : 1)
}

/**
 * `sluice demo`: a fast producer and a slow consumer group on the embedded
 * broker (or any Kafka), with a live view, keys that change the run, and a
 * summary checked against the demo's own ledger: exit code 0 only when no
 * acknowledged record was lost.
 */
export function registerDemoCommand(program: Command): void {
  const d = DEMO_DEFAULTS
  const command = addConnectionOptions(program.command('demo'))
  // the shared --brokers defaults to 127.0.0.1:9092; the demo without it starts a broker of its own
  const brokers = command.options.find((o) => o.long === '--brokers')!
  brokers.defaultValue = undefined
  brokers.description = 'run against this Kafka (host:port,...) instead of an embedded broker'
  command
    .description('watch Sluice keep memory bounded and lose nothing: a fast producer, a slow consumer, live')
    .option('--topic <name>', 'topic of order events', d.topic)
    .option(
      '--partitions <n>',
      'partitions of the topic',
      numberArg('--partitions', { integer: true, min: 1 }),
      d.partitions,
    )
    .option('--rate <n>', 'records produced per second', numberArg('--rate'), d.rate)
    .option(
      '--handler-ms <ms>',
      'milliseconds the handler takes per record',
      numberArg('--handler-ms'),
      d.handlerMs,
    )
    .option(
      '--concurrency <n>',
      'records handled at once per consumer (one per key)',
      numberArg('--concurrency', { integer: true, min: 1 }),
      d.concurrency,
    )
    .option(
      '--consumer-budget-bytes <bytes>',
      "each consumer's buffer budget (e.g. 4MiB)",
      bytesArg('--consumer-budget-bytes'),
      d.consumerBudgetBytes,
    )
    .option(
      '--producer-buffer-bytes <bytes>',
      "the producer's buffer for unacknowledged records (e.g. 8MiB)",
      bytesArg('--producer-buffer-bytes'),
      d.producerBufferBytes,
    )
    .option(
      '--consumers <n>',
      'consumer group members at the start',
      numberArg('--consumers', { integer: true, min: 1 }),
      d.consumers,
    )
    .addOption(
      new Option('--overflow <policy>', 'what a full consumer buffer does')
        .choices(OVERFLOWS)
        .default(d.overflow),
    )
    .option(
      '--customers <n>',
      'distinct customers (record keys)',
      numberArg('--customers', { integer: true, min: 1 }),
      d.customers,
    )
    .option(
      '--seed <n>',
      'seed of the order generator (same seed, same orders)',
      numberArg('--seed', { integer: true }),
      d.seed,
    )
    .option(
      '--duration <s>',
      'stop after this many seconds (default: run until q or Ctrl-C)',
      numberArg('--duration'),
    )
    .option('--fail-at <s>', 'make the handler fail from this second of the run', numberArg('--fail-at'))
    .option('--fail-for <s>', 'for this many seconds', numberArg('--fail-for'), d.failForSeconds)
    .option(
      '--drain-timeout <s>',
      'when stopping, how long the consumers may take to finish what was acknowledged',
      numberArg('--drain-timeout'),
      d.drainTimeoutSeconds,
    )
    .option('--console-host <host>', 'interface the web console and the metrics listen on', '127.0.0.1')
    .option(
      '--console-port <port>',
      `web console port (0: a free one; ${CONSOLE_PORT} falls back to a free one when taken)`,
      numberArg('--console-port', { integer: true }),
      CONSOLE_PORT,
    )
    .option('--no-console', 'do not serve the web console')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics of the producer, the consumers and the embedded broker on this port (0: a free one)',
      numberArg('--metrics-port', { integer: true }),
    )
    .option('--json-summary', 'print the summary as one JSON line')
    .action((flags: DemoFlags, command: Command) => {
      // commander stored the shared default before it was taken away above
      if (command.getOptionValueSource('brokers') === 'default') flags.brokers = undefined
      return runDemo(flags, command)
    })
}
