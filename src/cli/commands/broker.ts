import { type Command, InvalidArgumentError, Option } from 'commander'
import { startBroker } from '../../broker/broker.js'
import type { LogLevel } from '../../broker/logger.js'

function integerArg(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative integer`)
    return Number(value)
  }
}

interface BrokerCommandOptions {
  host: string
  port: number
  dataDir?: string
  partitions: number
  fsync: 'never' | 'interval' | 'always'
  logLevel: LogLevel
  groupInitialRebalanceDelayMs: number
}

/**
 * `sluice broker`: runs the embedded broker in the foreground. Prints
 * `listening on HOST:PORT` on stdout once ready and logs to stderr; on
 * SIGINT or SIGTERM it stops accepting, answers in-flight requests, flushes
 * its logs and exits 0.
 */
export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the embedded Kafka-compatible broker')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerArg('--port'), 9092)
    .option('--data-dir <dir>', 'keep topics and logs on disk in this directory (default: in memory)')
    .option('--partitions <n>', 'partitions of auto-created topics', integerArg('--partitions'), 1)
    .option(
      '--group-initial-rebalance-delay-ms <ms>',
      'wait this long for more members before the first rebalance of a new group',
      integerArg('--group-initial-rebalance-delay-ms'),
      3000,
    )
    .addOption(
      new Option('--fsync <policy>', 'when the disk engine syncs')
        .choices(['never', 'interval', 'always'])
        .default('interval'),
    )
    .addOption(
      new Option('--log-level <level>', 'stderr log level')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .action(async (opts: BrokerCommandOptions) => {
      const broker = await startBroker({
        host: opts.host,
        port: opts.port,
        dataDir: opts.dataDir,
        defaultPartitions: opts.partitions,
        fsync: opts.fsync,
        logger: opts.logLevel,
        groupInitialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs,
      })
      process.stdout.write(`listening on ${broker.bootstrap}\n`)
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) return
        stopping = true
        process.stderr.write(`${signal}: stopping broker\n`)
        broker.close().then(
          () => process.exit(0),
          (err) => {
            process.stderr.write(`error while stopping: ${(err as Error).message}\n`)
            process.exit(1)
          },
        )
      }
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
    })
}
