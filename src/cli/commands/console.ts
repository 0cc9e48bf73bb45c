import type { Command } from 'commander'
import { integerArg } from '../arguments.js'
import { action, UsageError, usageErrorsExitTwo } from '../cli-errors.js'
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js'
import { startConsole } from '../console/server.js'
import { io } from '../io.js'
import { kafkaFrom } from '../kafka-session.js'

interface ConsoleFlags extends ConnectionFlags {
  host: string
  port: number
  pollIntervalMs: number
}

function isListenError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
}

async function runConsole(flags: ConsoleFlags): Promise<void> {
  if (flags.port > 65535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`)
  const kafka = kafkaFrom(flags)
  // a wrong address or password is said at once; the console still serves and shows the error on the page
  const probe = kafka.admin()
  try {
    await probe.describeCluster({ timeoutMs: 5_000 })
  } catch (err) {
    io.stderr.write(`sluice: warning: ${flags.brokers} does not answer yet: ${(err as Error).message}\n`)
  } finally {
    await probe.close()
  }
  let running: Awaited<ReturnType<typeof startConsole>>
  try {
    running = await startConsole({
      kafka,
      host: flags.host,
      port: flags.port,
      pollIntervalMs: flags.pollIntervalMs,
    })
  } catch (err) {
    if (isListenError(err))
      throw new UsageError(
        `cannot listen on ${flags.host}:${flags.port} (${err.code}): pick another --port (0 takes a free one) or --host`,
      )
    throw err
  }
  io.stdout.write(`console on ${running.url} (Kafka at ${flags.brokers}); Ctrl-C stops it\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await running.close()
}

/** `sluice console`: the web console against any Kafka, its live figures polled from the cluster. */
export function registerConsoleCommand(program: Command): void {
  addConnectionOptions(
    usageErrorsExitTwo(
      program
        .command('console')
        .description('serve the web console: brokers, topics, groups with lag, live rates and lag charts'),
    ),
  )
    .option('--host <host>', 'interface to listen on (the console has no login: keep it local)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerArg('--port'), 8080)
    .option(
      '--poll-interval-ms <ms>',
      'how often the live figures are read from the cluster',
      integerArg('--poll-interval-ms', 100),
      1500,
    )
    .action(action(runConsole))
}
