import { closeSync, existsSync, openSync } from 'node:fs'
import { kcatVersion } from '../broker/kcat.js'
import { childReport, type Launch, lastLines, runProcess } from '../support/child-process.js'
import type { BuiltChildren, NodeChildName } from './build-children.js'
import type { ChildConfig, ChildReport } from './children/child-protocol.js'
import type { ClientId, ProducerBenchSettings } from './settings.js'

/**
 * Every producer in the comparison and how to start it. All run with their
 * defaults except acks and idempotence, each in a process of its own; the
 * Node and Java clients time themselves from creating the client to the last
 * acknowledgement (process start-up and module loading left out), kcat is
 * timed from spawn to exit (it starts in milliseconds).
 */

export interface ClientContext {
  settings: ProducerBenchSettings
  built: BuiltChildren
  /** One record value per line: what kcat produces. */
  kcatInput: string
  /** The first values of the same list, which the other clients cycle through. */
  valuesFile: string
}

export type RunOutcome = ChildReport | { error: string }

export interface ClientDefinition {
  id: ClientId
  label: string
  /** Null when it can run here, else why not. */
  unavailable(ctx: ClientContext): string | null
  /** `profileName`: write a V8 CPU profile under that name (Sluice only). */
  run(config: ChildConfig, ctx: ClientContext, profileName?: string): Promise<RunOutcome>
}

function timeoutFor(records: number): number {
  return Math.max(120_000, records / 2)
}

function nodeChild(
  ctx: ClientContext,
  name: NodeChildName,
  config: ChildConfig,
  profileName?: string,
): Launch {
  const dir = ctx.settings.cpuProfileDir
  const profile =
    dir && profileName ? ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', profileName] : []
  return {
    command: process.execPath,
    args: [...profile, ctx.built.node[name], JSON.stringify(config)],
    // kafkajs prints a notice about its v2 partitioner on every start otherwise
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  }
}

async function runLaunch(launch: Launch, records: number): Promise<RunOutcome> {
  return childReport<ChildReport>(await runProcess(launch, timeoutFor(records)))
}

interface SluiceTuning {
  mode: 'send-all' | 'send'
  window: number
  options: Record<string, unknown>
}

/**
 * A Sluice row. Two run on the producer's defaults (the window is sendAll's
 * default maxInFlight, 1000), driven the two ways an application would; the
 * tuned one batches as librdkafka does by default (batch.size 1 MB, hence
 * batchBytes 1 MiB) with a window large enough to fill such batches: with
 * 1000 records in flight no batch can hold more than 1000 records, and the
 * producer waits out linger.ms for every one (measured: ~100k records/s).
 */
function sluice(id: ClientId, label: string, tuning: (ctx: ClientContext) => SluiceTuning): ClientDefinition {
  return {
    id,
    label,
    unavailable: () => null,
    run: (config, ctx, profileName) =>
      runLaunch(
        nodeChild(ctx, 'sluice', { ...config, tuning: { ...tuning(ctx) } }, profileName),
        config.records,
      ),
  }
}

const TIME_BINARY = '/usr/bin/time'
const RUSAGE_LINE = /^PRODUCER_RUSAGE (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/m

/**
 * kcat -P reads one record per line from the file on its stdin, produces
 * them with librdkafka's defaults (linger.ms 5, batch.num.messages 10000,
 * batch.size 1 MB, no compression) and exits once every one is delivered;
 * GNU time reports its peak RSS and CPU as it exits.
 */
async function runKcat(config: ChildConfig, ctx: ClientContext): Promise<RunOutcome> {
  const args = ['-P', '-b', config.bootstrap, '-t', config.topic]
  args.push('-X', `acks=${config.acks === 'all' ? 'all' : '1'}`)
  args.push('-X', `enable.idempotence=${config.idempotent}`)
  const fd = openSync(ctx.kcatInput, 'r')
  try {
    const finished = await runProcess(
      { command: TIME_BINARY, args: ['-f', 'PRODUCER_RUSAGE %M %U %S', 'kcat', ...args], stdinFd: fd },
      timeoutFor(config.records),
    )
    const usage = RUSAGE_LINE.exec(finished.stderrTail)
    const stderr = finished.stderrTail.replace(RUSAGE_LINE, '').trim()
    if (finished.code !== 0 || !usage) {
      return { error: `kcat exited with ${finished.code ?? finished.signal}: ${lastLines(stderr, 6)}` }
    }
    // kcat names each delivery it gave up on; the high watermarks are checked besides
    const failedLines = stderr.split('\n').filter((l) => /fail|error/i.test(l))
    return {
      acknowledged: failedLines.length === 0 ? config.records : 0,
      failed: failedLines.length === 0 ? 0 : config.records,
      firstError: failedLines[0],
      seconds: finished.wallSeconds,
      cpuSeconds: Number(usage[2]) + Number(usage[3]),
      peakRssBytes: Number(usage[1]) * 1024,
      method: `kcat -P -X acks=${config.acks === 'all' ? 'all' : '1'} -X enable.idempotence=${config.idempotent} < file, spawn to exit`,
    }
  } finally {
    closeSync(fd)
  }
}

export const CLIENTS: readonly ClientDefinition[] = [
  sluice('sluice-send-all', 'Sluice sendAll', () => ({ mode: 'send-all', window: 1000, options: {} })),
  sluice('sluice-tuned', 'Sluice sendAll, tuned', (ctx) => ({
    mode: 'send-all',
    window: ctx.settings.tunedWindow,
    options: ctx.settings.tunedOptions,
  })),
  sluice('sluice-send', 'Sluice send (not awaited)', () => ({ mode: 'send', window: 1000, options: {} })),
  {
    id: 'kcat',
    label: 'kcat (librdkafka)',
    unavailable: () => {
      if (!kcatVersion()) return 'kcat is not installed (bash .ci/install-compat-clients)'
      if (!existsSync(TIME_BINARY)) return `${TIME_BINARY} is missing: kcat's memory and CPU cannot be read`
      return null
    },
    run: (config, ctx) => runKcat(config, ctx),
  },
  {
    id: 'java',
    label: 'Java KafkaProducer',
    unavailable: (ctx) => (ctx.built.java ? null : ctx.built.javaMissing),
    run: (config, ctx) => {
      const java = ctx.built.java!
      const args = ['-cp', java.classpath, 'ProducerBench', config.bootstrap, config.topic]
      args.push(String(config.records), config.acks === 'all' ? 'all' : '1', String(config.idempotent))
      args.push(config.valuesFile)
      return runLaunch({ command: java.command, args }, config.records)
    },
  },
  {
    id: 'kafkajs',
    label: 'kafkajs',
    unavailable: () => null,
    run: (config, ctx) => runLaunch(nodeChild(ctx, 'kafkajs', config), config.records),
  },
  {
    id: 'platformatic',
    label: '@platformatic/kafka',
    unavailable: () => null,
    run: (config, ctx) => runLaunch(nodeChild(ctx, 'platformatic', config), config.records),
  },
]
