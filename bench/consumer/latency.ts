import type { BrokerTarget } from '../support/brokers.js'
import { childReport, runProcess, startProcess } from '../support/child-process.js'
import { median } from '../support/stats.js'
import { formatBytes, formatInteger, printTable } from '../support/table.js'
import { PARTITIONS, TopicSupply } from '../support/topics.js'
import type { BuiltChildren, NodeChildName } from './build-children.js'
import type {
  LatencyConsumerConfig,
  LatencyConsumerReport,
  PacedProducerConfig,
  PacedProducerReport,
} from './children/latency-protocol.js'
import { READY_LINE } from './children/latency-protocol.js'
import { nodeChild } from './node-child.js'
import { progress, progressDone } from './progress.js'
import { type ConsumerBenchSettings, profileFor } from './settings.js'

/**
 * Part 4: end-to-end latency. Each library's producer sends `latencyRate`
 * records a second in bursts every millisecond (acks all; Sluice with
 * linger 5 ms) into a fresh 3-partition topic, and the same library's
 * consumer, in another process that joined its group first, notes for
 * every record the time from the send (written into the value) to its
 * handler. The first WARMUP_MS of records are read but not measured (JIT,
 * first fetches, connections). Every record must arrive, once, in order.
 */

const WARMUP_MS = 2000
const GOAL_P99_MS = 5
const GOAL_P999_MS = 20

interface LatencyClient {
  label: string
  child: NodeChildName
}

const LATENCY_CLIENTS: readonly LatencyClient[] = [
  { label: 'Sluice', child: 'latency-sluice' },
  { label: 'kafkajs', child: 'latency-kafkajs' },
  { label: '@platformatic/kafka', child: 'latency-platformatic' },
]

interface LatencyRun {
  consumer: LatencyConsumerReport
  producer: PacedProducerReport
}

type Outcome = LatencyRun | { error: string }

let groups = 0

async function runLatency(
  target: BrokerTarget,
  built: BuiltChildren,
  client: LatencyClient,
  topics: TopicSupply,
  settings: ConsumerBenchSettings,
  round: number,
): Promise<Outcome> {
  const topic = await topics.fresh()
  const consumerConfig: LatencyConsumerConfig = {
    role: 'consumer',
    bootstrap: target.bootstrap,
    topic,
    partitions: PARTITIONS,
    groupId: `bench-consumer-latency-${++groups}-${Date.now().toString(36)}`,
  }
  const durationMs = settings.latencySeconds * 1000
  const profile =
    client.child === 'latency-sluice' ? profileFor(settings, `latency-${target.id}-run${round}`) : undefined
  const consumer = startProcess(nodeChild(built, client.child, consumerConfig, profile), durationMs + 300_000)
  try {
    await consumer.line(READY_LINE)
    const producerConfig: PacedProducerConfig = {
      role: 'producer',
      bootstrap: target.bootstrap,
      topic,
      rate: settings.latencyRate,
      warmupMs: WARMUP_MS,
      durationMs,
    }
    const producer = childReport<PacedProducerReport>(
      await runProcess(nodeChild(built, client.child, producerConfig), durationMs + 300_000),
    )
    if ('error' in producer) {
      consumer.stdin?.write('stop\n')
      return { error: `producer: ${producer.error}` }
    }
    consumer.stdin?.write(`expect ${producer.acknowledged}\n`)
    const report = childReport<LatencyConsumerReport>(await consumer.finished)
    if ('error' in report) return { error: `consumer: ${report.error}` }
    const ends = await topics.stored(topic)
    const problems: string[] = []
    if (producer.failed > 0) problems.push(`${producer.failed} sends failed (first: ${producer.firstError})`)
    if (report.counted !== producer.acknowledged)
      problems.push(`handled ${report.counted} of ${producer.acknowledged} acknowledged`)
    if (report.gaps > 0) problems.push(`${report.gaps} records out of sequence (first: ${report.firstGap})`)
    if (report.perPartition.join() !== ends.join())
      problems.push(`read up to ${report.perPartition.join(', ')}, the topic ends at ${ends.join(', ')}`)
    return problems.length > 0 ? { error: problems.join('; ') } : { consumer: report, producer }
  } finally {
    consumer.kill('SIGKILL')
    await topics.remove(topic).catch(() => {})
  }
}

function ms(value: number): string {
  return `${value.toFixed(value >= 100 ? 0 : 2)} ms`
}

export async function latencyPart(
  target: BrokerTarget,
  built: BuiltChildren,
  settings: ConsumerBenchSettings,
): Promise<void> {
  const topics = new TopicSupply(target.bootstrap, 'bench-consumer-latency')
  const outcomes = new Map<LatencyClient, Outcome[]>(LATENCY_CLIENTS.map((c) => [c, []]))
  try {
    for (let round = 1; round <= settings.runs; round++) {
      for (const client of LATENCY_CLIENTS) {
        progress(`${target.id}: latency, run ${round} of ${settings.runs}: ${client.label}`)
        const outcome = await runLatency(target, built, client, topics, settings, round)
        outcomes.get(client)!.push(outcome)
        if (settings.verbose || 'error' in outcome) {
          progressDone()
          const l = 'error' in outcome ? null : outcome.consumer.latency
          console.error(
            `  ${target.id} latency run ${round}, ${client.label}: ${l ? `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, p99.9 ${ms(l.p999)}, max ${ms(l.max)}` : `FAILED: ${(outcome as { error: string }).error}`}`,
          )
        }
      }
    }
  } finally {
    progressDone()
    await topics.close()
  }
  const notes: string[] = []
  const rows = LATENCY_CLIENTS.map((client) => {
    const all = outcomes.get(client)!
    const ok = all.filter((o): o is LatencyRun => !('error' in o))
    for (const o of all) if ('error' in o) notes.push(`FAILED ${client.label}: ${o.error}`)
    if (ok.length === 0)
      return [client.label, 'failed', '', '', '', '', '', '', '', '', '', `0/${all.length}`]
    const pick = (f: (r: LatencyRun) => number) => median(ok.map(f))
    notes.push(`${client.label}: producer ${ok[0].producer.method}; consumer ${ok[0].consumer.method}`)
    const skipped = Math.max(...ok.map((r) => r.producer.skipped ?? 0))
    if (skipped > 0)
      notes.push(
        `${client.label}: its producer fell a second behind and had up to ${formatInteger(skipped)} records skipped in a run`,
      )
    return [
      client.label,
      ms(pick((r) => r.consumer.latency.p50)),
      ms(pick((r) => r.consumer.latency.p99)),
      ms(pick((r) => r.consumer.latency.p999)),
      ms(pick((r) => r.consumer.latency.max)),
      ms(pick((r) => r.consumer.latency.mean)),
      ms(pick((r) => r.producer.ackLatency?.p50 ?? 0)),
      ms(pick((r) => r.producer.ackLatency?.p99 ?? 0)),
      formatInteger(Math.round(pick((r) => r.consumer.latency.count))),
      formatInteger(Math.round(pick((r) => r.producer.acknowledged / r.producer.seconds))),
      `${pick((r) => r.consumer.cpuSeconds).toFixed(1)} s`,
      formatBytes(pick((r) => r.consumer.peakRssBytes)),
      `${pick((r) => r.producer.cpuSeconds).toFixed(1)} s`,
      ms(Math.max(...ok.map((r) => r.producer.maxTickGapMs ?? 0))),
      `${ok.length}/${all.length}`,
    ]
  })
  printTable({
    title: `End-to-end latency ← ${target.label}: ${formatInteger(settings.latencyRate)} records/s for ${settings.latencySeconds} s (after ${WARMUP_MS / 1000} s of warm-up), acks all, each library's producer → its consumer, median of ${settings.runs} run(s)`,
    columns: [
      { header: 'library' },
      { header: 'p50', align: 'right' },
      { header: 'p99', align: 'right' },
      { header: 'p99.9', align: 'right' },
      { header: 'max', align: 'right' },
      { header: 'mean', align: 'right' },
      { header: 'ack p50', align: 'right' },
      { header: 'ack p99', align: 'right' },
      { header: 'measured', align: 'right' },
      { header: 'sent/s', align: 'right' },
      { header: 'consumer CPU', align: 'right' },
      { header: 'consumer RSS', align: 'right' },
      { header: 'producer CPU', align: 'right' },
      { header: 'longest stall', align: 'right' },
      { header: 'runs ok', align: 'right' },
    ],
    rows,
    notes: [
      'Latency = handler time - send time, both read from the same clock (performance.timeOrigin + now(), µs resolution)',
      "  in two processes; each percentile is the median of the runs' percentiles (10 µs buckets).",
      "ack p50 / p99 = the producer's share: from handing a record to the producer to its acknowledgement (acks all).",
      'sent/s = acknowledged / (first send to last acknowledgement); CPU and RSS (VmHWM) of each process over its life.',
      "longest stall = the longest the producer's generator went without running (the most of any run): records are",
      '  stamped when handed to the producer, so a stall breaks the pacing (a burst follows) but is not counted as latency.',
      ...notes,
    ],
  })
  const sluice = outcomes.get(LATENCY_CLIENTS[0])!.filter((o): o is LatencyRun => !('error' in o))
  if (sluice.length > 0) {
    const p99 = median(sluice.map((r) => r.consumer.latency.p99))
    const p999 = median(sluice.map((r) => r.consumer.latency.p999))
    const goal = target.id === 'embedded' ? 'goal' : 'goal (set for the embedded broker; shown for reference)'
    console.log(
      `Sluice on ${target.id}: p99 ${ms(p99)} (${goal} ≤ ${GOAL_P99_MS} ms) ${p99 <= GOAL_P99_MS ? 'met' : 'MISSED'}; p99.9 ${ms(p999)} (≤ ${GOAL_P999_MS} ms) ${p999 <= GOAL_P999_MS ? 'met' : 'MISSED'}\n`,
    )
  }
}
