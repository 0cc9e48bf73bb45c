import { join } from 'node:path'
import { startKafka } from '../../../test/kafka/start-kafka.js'
import { spawnBroker } from '../../../test/support/broker-process.js'
import type { TargetName } from '../../support/scenario.js'

/**
 * The broker the overload runs against, in a process of its own so that its
 * memory is not the runner's: `sluice broker` on the disk engine (ten
 * minutes of overload write more than the memory engine's budget, which
 * would release the oldest records and look like loss), or one Apache Kafka
 * node with retention off.
 */
export interface OverloadBroker {
  readonly bootstrap: string
  readonly pid: number | undefined
  close(): Promise<void>
}

export async function startOverloadBroker(target: TargetName, workDir: string): Promise<OverloadBroker> {
  if (target === 'kafka') {
    const kafka = await startKafka({ brokers: 1, retentionMs: -1, groupInitialRebalanceDelayMs: 0 })
    return { bootstrap: kafka.bootstrap, pid: kafka.nodes[0].pid, close: () => kafka.close() }
  }
  const broker = await spawnBroker([
    '--data-dir',
    join(workDir, 'broker'),
    '--group-initial-rebalance-delay-ms',
    '0',
  ])
  return {
    bootstrap: broker.bootstrap,
    pid: broker.child.pid,
    async close() {
      broker.child.kill('SIGTERM')
      const timer = setTimeout(() => broker.child.kill('SIGKILL'), 10_000)
      await broker.exited.finally(() => clearTimeout(timer))
    },
  }
}
