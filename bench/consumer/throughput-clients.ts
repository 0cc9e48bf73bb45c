import { childReport, runProcess } from '../support/child-process.js'
import type { BuiltChildren, NodeChildName } from './build-children.js'
import type { ThroughputConfig, ThroughputReport } from './children/throughput-protocol.js'
import { kcatThroughput, kcatUnavailable } from './kcat-throughput.js'
import { nodeChild } from './node-child.js'
import type { ClientId } from './settings.js'

/**
 * Every consumer in the throughput comparison and how to start it, each
 * in a process of its own, on its defaults except what the part asks for
 * (Sluice: ordering 'partition', concurrency 3).
 */

export type Outcome = ThroughputReport | { error: string }

export interface ThroughputClient {
  id: ClientId
  label: string
  /** Null when it can run here, else why not. */
  unavailable(built: BuiltChildren): string | null
  /** `profile`: write a V8 CPU profile (Node children). */
  run(
    config: ThroughputConfig,
    built: BuiltChildren,
    profile?: { dir: string; name: string },
  ): Promise<Outcome>
}

function timeoutFor(records: number): number {
  return Math.max(120_000, records / 2)
}

function node(id: ClientId, label: string, child: NodeChildName, mode: string): ThroughputClient {
  return {
    id,
    label,
    unavailable: () => null,
    run: async (config, built, profile) =>
      childReport<ThroughputReport>(
        await runProcess(nodeChild(built, child, { ...config, mode }, profile), timeoutFor(config.records)),
      ),
  }
}

export const THROUGHPUT_CLIENTS: readonly ThroughputClient[] = [
  node('sluice-run', 'Sluice run', 'sluice-throughput', 'run'),
  node('sluice-batch', 'Sluice runBatch', 'sluice-throughput', 'batch'),
  {
    id: 'kcat',
    label: 'kcat (librdkafka)',
    unavailable: () => kcatUnavailable(),
    run: (config) => kcatThroughput(config, timeoutFor(config.records)),
  },
  {
    id: 'java',
    label: 'Java KafkaConsumer',
    unavailable: (built) => (built.java ? null : built.javaMissing),
    run: async (config, built) => {
      const java = built.java!
      const args = ['-cp', java.classpath, 'ConsumerBench', config.bootstrap, config.topic]
      args.push(String(config.partitions), String(config.records), config.groupId)
      return childReport<ThroughputReport>(
        await runProcess({ command: java.command, args }, timeoutFor(config.records)),
      )
    },
  },
  node('kafkajs-batch', 'kafkajs eachBatch', 'kafkajs-throughput', 'batch'),
  node('kafkajs-message', 'kafkajs eachMessage', 'kafkajs-throughput', 'message'),
  node('platformatic', '@platformatic/kafka stream', 'platformatic-throughput', 'stream'),
]
