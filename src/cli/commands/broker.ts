import { readFileSync } from 'node:fs'
import { type Command, InvalidArgumentError, Option } from 'commander'
import type { UserSpec } from '../../broker/auth/users.js'
import { readUsersFile } from '../../broker/auth/users-file.js'
import { type RunningBroker, startBroker } from '../../broker/broker.js'
import { startCluster } from '../../broker/cluster/start-cluster.js'
import { BrokerConfigError } from '../../broker/config-error.js'
import type { LogLevel } from '../../broker/logger.js'
import { serveBrokerMetrics } from '../metrics-endpoint.js'

function integerArg(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative integer`)
    return Number(value)
  }
}

const UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }

/** Bytes as a plain integer or with a KiB/MiB/GiB suffix (`512MiB`); -1 for none. */
function budgetArg(value: string): number {
  if (value === '-1') return -1
  const match = /^(\d+)(KiB|MiB|GiB)?$/.exec(value)
  if (!match)
    throw new InvalidArgumentError(
      '--memory-budget-bytes must be bytes, e.g. 536870912 or 512MiB, or -1 for none',
    )
  return Number(match[1]) * UNITS[match[2] ?? '']
}

function usersFileArg(path: string): UserSpec[] {
  try {
    return readUsersFile(path)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

function pemFileArg(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(err as Error).message}`)
  }
}

interface BrokerCommandOptions {
  users?: UserSpec[]
  tlsKey?: Buffer
  tlsCert?: Buffer
  tlsCa?: Buffer
  host: string
  port: number
  advertisedHost?: string
  advertisedPort?: number
  dataDir?: string
  partitions: number
  fsync: 'never' | 'interval' | 'always'
  logLevel: LogLevel
  groupInitialRebalanceDelayMs: number
  memoryBudgetBytes?: number
  nodes?: number
  metricsPort?: number
  metricsHost: string
}

function isListenError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
}

/** A lone broker, or with `--nodes` a test cluster, which prints every node's address the same way. */
function startBrokerOrCluster(
  nodes: number | undefined,
  options: Parameters<typeof startBroker>[0],
): Promise<Pick<RunningBroker, 'bootstrap' | 'close' | 'metrics'>> {
  return nodes === undefined ? startBroker(options) : startCluster({ ...options, nodes })
}

/**
 * `sluice broker`: runs the embedded broker in the foreground. Prints
 * `listening on HOST:PORT` on stdout once ready and logs to stderr; on
 * SIGINT or SIGTERM it stops accepting, answers in-flight requests, flushes
 * its logs and exits 0. With `--nodes N` it runs a test cluster of N nodes
 * on consecutive ports over one shared store and prints
 * `listening on HOST:P1,HOST:P2,...`.
 */
export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the embedded Kafka-compatible broker')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerArg('--port'), 9092)
    .option(
      '--advertised-host <host>',
      'host Metadata tells clients to connect to (a proxy in front; default --host)',
    )
    .option(
      '--advertised-port <port>',
      'port Metadata tells clients to connect to (a proxy in front; default the listening port; not with --nodes)',
      integerArg('--advertised-port'),
    )
    .option('--data-dir <dir>', 'keep topics and logs on disk in this directory (default: in memory)')
    .option('--partitions <n>', 'partitions of auto-created topics', integerArg('--partitions'), 1)
    .option(
      '--nodes <n>',
      'run a test cluster of n nodes sharing one store (simulated placement and failover, no replication)',
      integerArg('--nodes'),
    )
    .option(
      '--group-initial-rebalance-delay-ms <ms>',
      'wait this long for more members before the first rebalance of a new group',
      integerArg('--group-initial-rebalance-delay-ms'),
      3000,
    )
    .option(
      '--memory-budget-bytes <bytes>',
      'without --data-dir: most bytes of records kept in memory, oldest released first (e.g. 256MiB; -1 for none; default 512MiB or a quarter of RAM)',
      budgetArg,
    )
    .option(
      '--users <file>',
      'JSON file of SASL users [{"name","password","mechanism"}]: turns authentication on',
      usersFileArg,
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://<metrics-host>:<port>/metrics (0 picks a free port)',
      integerArg('--metrics-port'),
    )
    .option('--metrics-host <host>', 'interface the metrics endpoint listens on', '127.0.0.1')
    .option('--tls-key <file>', 'PEM private key: serve TLS (with --tls-cert)', pemFileArg)
    .option('--tls-cert <file>', 'PEM certificate the broker presents (with --tls-key)', pemFileArg)
    .option('--tls-ca <file>', 'PEM CA client certificates must be signed by: mutual TLS', pemFileArg)
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
    .action(async (opts: BrokerCommandOptions, command: Command) => {
      if ((opts.tlsKey === undefined) !== (opts.tlsCert === undefined)) {
        command.error('error: --tls-key and --tls-cert go together')
      }
      if (opts.tlsCa !== undefined && opts.tlsKey === undefined)
        command.error('error: --tls-ca needs --tls-key and --tls-cert')
      let broker: Pick<RunningBroker, 'bootstrap' | 'close' | 'metrics'>
      try {
        broker = await startBrokerOrCluster(opts.nodes, {
          users: opts.users,
          tls: opts.tlsKey && opts.tlsCert && { key: opts.tlsKey, cert: opts.tlsCert, ca: opts.tlsCa },
          host: opts.host,
          port: opts.port,
          advertisedHost: opts.advertisedHost,
          advertisedPort: opts.advertisedPort,
          dataDir: opts.dataDir,
          defaultPartitions: opts.partitions,
          fsync: opts.fsync,
          logger: opts.logLevel,
          groupInitialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs,
          memoryBudgetBytes: opts.memoryBudgetBytes,
        })
      } catch (err) {
        // a bad option or a port in use is the user's to fix: say what, without a stack trace
        if (err instanceof BrokerConfigError || isListenError(err))
          command.error(`error: ${(err as Error).message}`)
        throw err
      }
      // the broker keeps only derived credentials; do not keep the clear passwords here either
      opts.users = undefined
      process.stdout.write(`listening on ${broker.bootstrap}\n`)
      let metrics: { url: string; close(): Promise<void> } | undefined
      if (opts.metricsPort !== undefined) {
        try {
          metrics = await serveBrokerMetrics(broker, { port: opts.metricsPort, host: opts.metricsHost })
        } catch (err) {
          await broker.close()
          command.error(`error: --metrics-port ${opts.metricsPort}: ${(err as Error).message}`)
        }
        process.stdout.write(`metrics on ${metrics.url}\n`)
      }
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) return
        stopping = true
        process.stderr.write(`${signal}: stopping broker\n`)
        Promise.all([broker.close(), metrics?.close()]).then(
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
