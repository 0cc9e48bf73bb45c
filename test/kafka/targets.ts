import { afterAll, beforeAll, describe } from 'vitest'
import type { BrokerOptions, ClusterOptions, TlsOptions, UserSpec } from '../../src/broker/index.js'
import { startBroker, startCluster } from '../../src/broker/index.js'
import { describeWithKafka } from './describe-with-kafka.js'
import { type KafkaOptions, startKafka } from './start-kafka.js'

/**
 * One test body, run against the embedded broker and against Apache Kafka.
 *
 *   import { describeEachTarget } from '../kafka/targets.js'   // from test/<area>/x.kafka.test.ts
 *
 *   describeEachTarget('admin topics', { brokers: 3, defaultPartitions: 3 }, (target) => {
 *     it('creates a topic every broker lists', async () => {
 *       const kafka = new Kafka({ brokers: target().bootstrap.split(',') })
 *       // ... the same assertions for both; branch on target().name only for a documented difference
 *     })
 *   })
 *
 * Each target gets its own describe block, `<title> [embedded]` and
 * `<title> [kafka]`, which starts one broker (or 3-node cluster) in beforeAll
 * and closes it in afterAll: the tests in a block share it, so give each test
 * its own topic and group names. `target()` is valid inside tests and hooks.
 *
 * Files that use it are named `*.kafka.test.ts`: `npm test` leaves them out
 * (a JVM costs seconds and ~400 MB); `npm run test:kafka` runs them, two
 * files at a time. Without Java or the jars the kafka block is skipped
 * locally and fails under CI. `SLUICE_TEST_TARGETS=kafka` (or `embedded`)
 * runs one target only, e.g. while chasing a difference; the `targets`
 * option does the same for one block.
 *
 * Embedded: `startBroker({ port: 0 })` for 1 broker, `startCluster({ nodes: 3 })`
 * for 3 (one process, shared store: placement and failover, not replication).
 * Kafka: `startKafka` (KRaft, combined nodes, RF 3 and min.insync.replicas 2 with 3).
 */

export type TargetName = 'embedded' | 'kafka'

export const ALL_TARGETS: readonly TargetName[] = ['embedded', 'kafka']

export interface TargetNode {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly bootstrap: string
  readonly running: boolean
}

export interface Target {
  readonly name: TargetName
  /** Comma-separated `host:port` of every node. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  readonly nodes: readonly TargetNode[]
  /**
   * Stops a node. Kafka: SIGTERM (controlled shutdown). Embedded cluster: the
   * node's listener closes and its partitions fail over. Needs `brokers: 3`
   * for the embedded target; a lone Kafka node can be stopped.
   */
  stopNode(nodeId: number): Promise<void>
  /** Kafka: SIGKILL. Embedded: the same as stopNode (an in-process node cannot crash on its own). */
  killNode(nodeId: number): Promise<void>
  /** Starts a stopped node on the same port (Kafka: and the same data). */
  startNode(nodeId: number): Promise<void>
  close(): Promise<void>
}

/** What both targets understand; the same option names as startBroker. */
export interface TargetOptions {
  brokers?: 1 | 3
  users?: readonly UserSpec[]
  tls?: TlsOptions
  defaultPartitions?: number
  autoCreateTopics?: boolean
  retentionMs?: number
  /** Default 0 on both (the embedded broker's own default is 3000, Kafka's too). */
  groupInitialRebalanceDelayMs?: number
  /** Which targets to run; default both, narrowed by SLUICE_TEST_TARGETS. */
  targets?: readonly TargetName[]
  /** Extra options for the embedded broker only. */
  embedded?: Omit<BrokerOptions, 'host' | 'port'>
  /** Extra options for Kafka only (e.g. `properties`). */
  kafka?: Omit<KafkaOptions, 'brokers'>
}

/** The targets to run: SLUICE_TEST_TARGETS (comma-separated) if set, else both. */
export function targetNames(wanted: readonly TargetName[] = ALL_TARGETS): TargetName[] {
  const env = process.env.SLUICE_TEST_TARGETS
  if (env === undefined || env.trim() === '') return [...wanted]
  const names = env.split(',').map((s) => s.trim())
  for (const name of names) {
    if (!ALL_TARGETS.includes(name as TargetName)) {
      throw new Error(`SLUICE_TEST_TARGETS: unknown target ${name}; use ${ALL_TARGETS.join(', ')}`)
    }
  }
  return wanted.filter((t) => names.includes(t))
}

/** Starts one target. Most tests want `describeEachTarget`, which also stops it. */
export async function startTarget(name: TargetName, options: TargetOptions = {}): Promise<Target> {
  const common = {
    users: options.users,
    tls: options.tls,
    defaultPartitions: options.defaultPartitions,
    autoCreateTopics: options.autoCreateTopics,
    retentionMs: options.retentionMs,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
  }
  const defined = Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined))
  if (name === 'kafka') {
    const kafka = await startKafka({ ...options.kafka, ...defined, brokers: options.brokers ?? 1 })
    return {
      name,
      get bootstrap() {
        return kafka.bootstrap
      },
      host: kafka.host,
      port: kafka.port,
      get nodes() {
        return kafka.nodes
      },
      stopNode: (id) => kafka.stopNode(id),
      killNode: (id) => kafka.killNode(id),
      startNode: (id) => kafka.startNode(id),
      close: () => kafka.close(),
    }
  }
  const brokerOptions = {
    logger: 'silent' as const,
    ...options.embedded,
    ...defined,
    host: '127.0.0.1',
    port: 0,
  }
  if ((options.brokers ?? 1) === 3) {
    const cluster = await startCluster({ ...(brokerOptions as ClusterOptions), nodes: 3 })
    return {
      name,
      bootstrap: cluster.bootstrap,
      host: cluster.nodes[0].host,
      port: cluster.nodes[0].port,
      get nodes() {
        return cluster.nodes
      },
      stopNode: (id) => cluster.stopNode(id),
      killNode: (id) => cluster.stopNode(id),
      startNode: (id) => cluster.startNode(id),
      close: () => cluster.close(),
    }
  }
  const broker = await startBroker(brokerOptions)
  const noNodes = () => Promise.reject(new Error('stopping a node of the embedded target needs brokers: 3'))
  return {
    name,
    bootstrap: broker.bootstrap,
    host: broker.host,
    port: broker.port,
    nodes: [{ nodeId: 1, host: broker.host, port: broker.port, bootstrap: broker.bootstrap, running: true }],
    stopNode: noNodes,
    killNode: noNodes,
    startNode: noNodes,
    close: () => broker.close(),
  }
}

/** A JVM cluster on two busy cores can take a while; the embedded broker takes milliseconds. */
const START_TIMEOUT_MS = 180_000

/** Runs `body` once per target in its own describe block with a target started for it; see the top. */
export function describeEachTarget(
  title: string,
  options: TargetOptions,
  body: (target: () => Target) => void,
): void {
  for (const name of targetNames(options.targets)) {
    const block = () => {
      let running: Target | undefined
      beforeAll(async () => {
        running = await startTarget(name, options)
      }, START_TIMEOUT_MS)
      afterAll(async () => {
        await running?.close()
      }, START_TIMEOUT_MS)
      body(() => {
        if (!running) throw new Error(`the ${name} target is not running (did its start fail?)`)
        return running
      })
    }
    const label = `${title} [${name}]`
    if (name === 'kafka') describeWithKafka(label, block)
    else describe(label, block)
  }
}
