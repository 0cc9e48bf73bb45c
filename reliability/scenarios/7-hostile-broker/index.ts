import { setTimeout as sleep } from 'node:timers/promises'
import { startBroker } from '../../../src/broker/index.js'
import { Kafka } from '../../../src/index.js'
import type { HostileClientConfig, HostileClientResult } from '../../children/hostile-client.js'
import { ClientProcess } from '../../support/client-process.js'
import { MemoryWatch, residentBytes } from '../../support/memory-watch.js'
import {
  check,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  type TargetName,
} from '../../support/scenario.js'
import { FATES, HostileProxy } from './hostile-proxy.js'

/**
 * Scenario 7, hostile broker: a Sluice admin, producer and group consumer
 * (one client process) talk to a fake broker (./hostile-proxy.ts) that
 * damages about half of its 10^5 answers (5,000 short) in every way a byte
 * stream can be wrong. The client must report typed errors, reconnect and
 * carry on, never crash (its process ends with code 0 and a result on
 * SIGTERM), work again once the answers are good, and keep its memory flat
 * (RSS in the last quarter of the storm against RSS once warmed up). The
 * table's columns mean, here: sent = requests the client sent, acked =
 * answers the fake broker handed back (damaged or not); the record columns
 * do not apply (-).
 */

const ANSWERS = { short: 5_000, full: 100_000 }
const LIMIT_MS = { short: 240_000, full: 1_800_000 }
/** Good answers only, after the storm: the client must get back to work on its own in this time. */
const CALM_MS = 8000
/**
 * Warmed up: the highest RSS between these fractions of the answers (a
 * range, not one sample, since the garbage collector saws RSS up and down
 * by tens of MiB). Flat: the last quarter's highest RSS at most GROWTH above it.
 */
const WARM_RANGE = [0.1, 0.35]
const GROWTH = 0.25
const MiB = 1 << 20

interface RssSample {
  readonly answers: number
  readonly rss: number
}

async function run(target: TargetName, options: RunOptions): Promise<ScenarioResult[]> {
  const began = performance.now()
  const goal = options.short ? ANSWERS.short : ANSWERS.full
  const proxy = new HostileProxy(options.seed)
  proxy.hostile = false
  const port = await proxy.listen()
  const broker = await startBroker({ host: '127.0.0.1', port: 0, advertisedPort: port, logger: 'silent' })
  proxy.upstreamPort = broker.port
  const memory = new MemoryWatch()
  let client: ClientProcess<HostileClientResult> | undefined
  const topic = 'hostile'
  try {
    const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logger: 'silent' }).admin()
    await admin.createTopics([{ topic, partitions: 2 }])
    await admin.close()
    proxy.hostile = true

    // HOSTILE_CLIENT_NODE_OPTIONS: node flags for the client only, to look into it (e.g. --heapsnapshot-signal=SIGUSR2)
    client = new ClientProcess<HostileClientResult>(
      'hostile-client',
      {
        bootstrap: `127.0.0.1:${port}`,
        topic,
        groupId: 'hostile-group',
      } satisfies HostileClientConfig,
      process.env.HOSTILE_CLIENT_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.HOSTILE_CLIENT_NODE_OPTIONS }
        : {},
    )
    memory.watch('client', client.pid)
    const samples: RssSample[] = []
    const deadline = performance.now() + (options.short ? LIMIT_MS.short : LIMIT_MS.full)
    let reported = performance.now()
    while (proxy.answers < goal && client.running && performance.now() < deadline) {
      await sleep(250)
      const rss = residentBytes(client.pid)
      if (rss !== undefined) samples.push({ answers: proxy.answers, rss })
      if (performance.now() - reported > (options.short ? 10_000 : 30_000)) {
        reported = performance.now()
        options.log(
          `  ${proxy.answers} answers to ${proxy.requests} requests, ${proxy.accepted} connections, RSS ${((rss ?? 0) / MiB).toFixed(0)} MiB`,
        )
      }
    }
    const stormAnswers = proxy.answers
    const survived = client.running
    proxy.hostile = false
    if (survived) process.kill(client.pid, 'SIGUSR1')
    await sleep(CALM_MS)
    const code = await client.end('SIGTERM')
    const result = client.result

    const warm = Math.max(
      0,
      ...samples
        .filter((s) => s.answers >= goal * WARM_RANGE[0] && s.answers < goal * WARM_RANGE[1])
        .map((s) => s.rss),
    )
    const lastQuarter = samples.filter((s) => s.answers >= goal * 0.75).map((s) => s.rss)
    const lastPeak = Math.max(0, ...lastQuarter)
    const bound = warm * (1 + GROWTH)
    const errors = Object.values(result?.errors ?? {}).reduce((a, b) => a + b, 0)
    const fates = FATES.map((f) => `${f} ${proxy.fates[f]}`).join(', ')
    const named = Object.entries(result?.errors ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')
    return [
      {
        scenario: scenario.id,
        target,
        variant: 'fake server',
        sent: proxy.requests,
        acked: stormAnswers,
        consumed: -1,
        lost: -1,
        duplicated: -1,
        memory: [{ ...memory.figures()[0], boundBytes: bound }],
        checks: [
          check(
            `the client survived ${goal} answers`,
            survived && stormAnswers >= goal,
            `${stormAnswers} answers`,
          ),
          check(
            'the client process ended cleanly with a result (never crashed)',
            code === 0 && result !== undefined,
            `exit ${code}${result ? '' : `: ${client.recentStderr.slice(-1500)}`}`,
          ),
          check('every close finished in time', result?.closedInTime === true),
          check('the client reported errors', errors > 0 && (result?.errors.ProtocolError ?? 0) > 0, named),
          check(
            'every error was a typed client error',
            result?.untyped.length === 0,
            result?.untyped.join(' | '),
          ),
          check(
            'the client reconnected after bad answers',
            proxy.accepted > 10,
            `${proxy.accepted} connections`,
          ),
          check(
            'admin and producer worked again once the answers were good',
            (result?.calmSucceeded.admin ?? 0) > 0 && (result?.calmSucceeded.producer ?? 0) > 0,
            JSON.stringify(result?.calmSucceeded),
          ),
          check(
            `RSS stayed flat: last quarter at most warmed-up + ${GROWTH * 100} %`,
            warm > 0 && lastQuarter.length > 0 && lastPeak <= bound,
            `${(lastPeak / MiB).toFixed(1)} of ${(bound / MiB).toFixed(1)} MiB (warmed up ${(warm / MiB).toFixed(1)})`,
          ),
        ],
        notes: [
          'sent = requests the client sent, acked = answers the fake broker gave back (good or damaged); record columns do not apply',
          `fates: ${fates}`,
          `client errors: ${named}`,
          `operations tried ${JSON.stringify(result?.tried)}, succeeded ${JSON.stringify(result?.succeeded)}, ` +
            `after the calm ${JSON.stringify(result?.calmSucceeded)}; records consumed ${result?.consumed}`,
          `memory: RSS ${(warm / MiB).toFixed(1)} MiB highest between ${WARM_RANGE[0] * 100} and ${WARM_RANGE[1] * 100} % of the answers, ` +
            `${(lastPeak / MiB).toFixed(1)} MiB highest in the last quarter; ${proxy.accepted} client connections`,
        ],
        seconds: (performance.now() - began) / 1000,
      },
    ]
  } finally {
    await client?.end('SIGKILL')
    memory.stop()
    await proxy.close()
    await broker.close()
  }
}

export const scenario: Scenario = {
  id: 'hostile-broker',
  number: 7,
  title: 'a fake broker answering with truncated, oversized, mutated and out-of-order responses',
  targets: ['embedded'],
  run,
}
