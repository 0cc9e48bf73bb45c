import { createPrivateKey, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TlsOptions, UserSpec } from '../../src/broker/index.js'
import { classArchiveOptions } from './class-archive.js'
import { freePorts } from './free-ports.js'
import { KAFKA_LOG_CONFIG, kafkaAvailability } from './kafka-install.js'
import { KafkaNode } from './kafka-node.js'
import { requestMetadata } from './metadata-probe.js'
import { removeOnExit } from './process-reaper.js'
import {
  type ClientProtocol,
  type KafkaSaslMechanism,
  type NodeConfig,
  type NodePorts,
  serverProperties,
} from './server-properties.js'

/**
 * A real Apache Kafka (the release pinned in test/kafka/pom.xml) for tests,
 * shaped like `startBroker`: `await startKafka({ brokers: 3 })` resolves with
 * `{ bootstrap, host, port, close() }` once Metadata lists every broker.
 * KRaft, combined broker + controller nodes on 127.0.0.1, free ports, a fresh
 * temp directory removed by `close()` (and by an exit hook and a watchdog if
 * the test process dies first).
 */

export interface KafkaOptions {
  /** 1: one combined node. 3: three combined nodes, a 3-voter quorum, RF 3, min.insync.replicas 2. Default 1. */
  brokers?: 1 | 3
  /** SASL users, as for `startBroker`: the client listener becomes SASL_PLAINTEXT (SASL_SSL with `tls`). */
  users?: readonly UserSpec[]
  /** TLS on the client listener, as for `startBroker` (PEM key, cert, optional CA for mutual TLS). */
  tls?: TlsOptions
  /** `num.partitions` of auto-created topics. Default 1. */
  defaultPartitions?: number
  /** `auto.create.topics.enable`. Default true. */
  autoCreateTopics?: boolean
  /** `log.retention.ms`; -1 keeps records of any age. Default Kafka's (7 days). */
  retentionMs?: number
  /** `group.initial.rebalance.delay.ms`. Default 0 (Kafka's is 3000). */
  groupInitialRebalanceDelayMs?: number
  /** Any other broker property, applied last (so it can override the rig's defaults too). */
  properties?: Readonly<Record<string, string | number | boolean>>
  /**
   * Per node, the client port Metadata advertises instead of the real one:
   * for a proxy in front of each node, so clients that follow Metadata keep
   * going through it. `bootstrap` and `nodes` still name the real ports.
   */
  advertisedPorts?: readonly number[]
  /** JVM options replacing the default ones (TEST_JVM_OPTIONS: heap, GC, C1 only). */
  jvmOptions?: readonly string[]
  /** How long to wait for every broker to appear in Metadata. Default 90 s. */
  startTimeoutMs?: number
}

export interface KafkaNodeInfo {
  readonly nodeId: number
  readonly host: string
  /** Client listener port; the same after `startNode`. */
  readonly port: number
  /** `host:port` of the client listener. */
  readonly bootstrap: string
  readonly running: boolean
  /** The JVM's process id while it runs. */
  readonly pid: number | undefined
}

export interface RunningKafka {
  /** Every node's client listener, comma-separated. */
  readonly bootstrap: string
  readonly host: string
  /** Client port of the first node. */
  readonly port: number
  readonly clusterId: string
  /** What the client listener speaks. */
  readonly securityProtocol: ClientProtocol
  /** Every node's PLAINTEXT inter-broker listener: no login needed, for tests that inspect the cluster. */
  readonly internalBootstrap: string
  /** The cluster's temp directory (node-N/server.properties, node-N/kafka.log, node-N/data). */
  readonly dataDir: string
  /** Every node in id order (1, 2, 3), running or not. */
  readonly nodes: readonly KafkaNodeInfo[]
  /** SIGTERM: controlled shutdown, leadership moves away first. Resolves once the JVM exited. */
  stopNode(nodeId: number): Promise<void>
  /** SIGKILL: a crash. The controller fences the node after `broker.session.timeout.ms` (4 s here). */
  killNode(nodeId: number): Promise<void>
  /** Starts a stopped node on its old ports and data; resolves once every running node lists it. */
  startNode(nodeId: number): Promise<void>
  /** Stops every node cleanly, then starts them all again on the same ports and data. */
  restart(): Promise<void>
  /** The end of a node's log. */
  logTail(nodeId: number, lines?: number): string
  /** Kills every JVM and removes the directory. Safe to call twice. */
  close(): Promise<void>
}

const HOST = '127.0.0.1'
const DEFAULT_START_TIMEOUT_MS = 90_000

/** Small enough that two 3-node clusters and the clients fit on the CI machine; see README. */
const HEAP_AND_GC = [
  '-Xms128m',
  '-Xmx400m',
  '-XX:+UseSerialGC',
  // don't write /tmp/hsperfdata files nobody reads
  '-XX:-UsePerfData',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
]

/**
 * Both JIT tiers, as a production JVM runs: for a Kafka that runs long and is
 * measured (bench/).
 */
export const SERVER_JVM_OPTIONS: readonly string[] = HEAP_AND_GC

/**
 * The default, for tests: the C1 compiler only. A test's Kafka lives seconds
 * to minutes, too short for C2 to pay back the CPU it spends compiling; on
 * the 2-core CI machine a node served in ~5 s instead of ~11 s after start,
 * with ~40% less CPU, which the other JVMs and clients of the run get.
 */
export const TEST_JVM_OPTIONS: readonly string[] = [...HEAP_AND_GC, '-XX:TieredStopAtLevel=1']

export async function startKafka(options: KafkaOptions = {}): Promise<RunningKafka> {
  const availability = kafkaAvailability()
  if (!availability.available) throw new Error(`cannot start Apache Kafka: ${availability.reason}`)
  const brokers = options.brokers ?? 1
  if (brokers !== 1 && brokers !== 3) throw new Error(`startKafka: brokers must be 1 or 3, got ${brokers}`)
  if (options.users !== undefined && options.users.length === 0) {
    throw new Error('startKafka: users must hold at least one user (leave it out to turn SASL off)')
  }

  const root = await mkdtemp(join(tmpdir(), 'sluice-kafka-'))
  const forgetRoot = removeOnExit(root)
  const nodes: KafkaNode[] = []
  try {
    const ports = await freePorts(brokers * 3, HOST)
    const nodePorts: NodePorts[] = Array.from({ length: brokers }, (_, i) => ({
      client: ports[i * 3],
      internal: ports[i * 3 + 1],
      controller: ports[i * 3 + 2],
    }))
    const voters = nodePorts.map((p, i) => ({ nodeId: i + 1, port: p.controller }))
    const protocol = clientProtocol(options)
    const tls = options.tls ? await writeTlsFiles(root, options.tls) : undefined
    const sasl = options.users ? saslConfig(options.users) : undefined
    const overrides = propertyOverrides(options)
    const jvmOptions = [
      ...(options.jvmOptions ?? TEST_JVM_OPTIONS),
      ...classArchiveOptions(),
      `-Dlog4j2.configurationFile=${KAFKA_LOG_CONFIG}`,
    ]

    for (let i = 0; i < brokers; i++) {
      const nodeId = i + 1
      const dir = join(root, `node-${nodeId}`)
      await mkdir(dir)
      const config: NodeConfig = {
        nodeId,
        host: HOST,
        ports: nodePorts[i],
        advertisedClientPort: options.advertisedPorts?.[i],
        voters,
        brokerCount: brokers,
        logDir: join(dir, 'data'),
        clientProtocol: protocol,
        sasl,
        tls,
        overrides,
      }
      const configPath = join(dir, 'server.properties')
      await writeFile(configPath, serverProperties(config))
      nodes.push(
        new KafkaNode({
          nodeId,
          host: HOST,
          ports: nodePorts[i],
          dir,
          configPath,
          logPath: join(dir, 'kafka.log'),
          clusterDir: root,
          jvmOptions,
        }),
      )
    }

    const clusterId = newClusterId()
    const formatArgs = scramFormatArgs(options.users ?? [])
    await Promise.all(nodes.map((n) => n.format(clusterId, formatArgs)))
    for (const node of nodes) node.start()
    await waitForBrokers(nodes, nodes, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    return new KafkaCluster(nodes, root, clusterId, protocol, options, forgetRoot)
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()))
    await rm(root, { recursive: true, force: true })
    forgetRoot()
    throw err
  }
}

/**
 * A Kafka Uuid as StorageTool takes it: 16 random bytes in base64url. Never
 * one starting with '-', which the tool's argument parser would take for an
 * option (Kafka's own Uuid.randomUuid skips those too).
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function clientProtocol(options: KafkaOptions): ClientProtocol {
  if (options.users && options.tls) return 'SASL_SSL'
  if (options.users) return 'SASL_PLAINTEXT'
  if (options.tls) return 'SSL'
  return 'PLAINTEXT'
}

function saslConfig(users: readonly UserSpec[]): NodeConfig['sasl'] {
  // as in the embedded broker: exactly the mechanisms some user logs in with
  const mechanisms = [...new Set(users.map((u) => u.mechanism as KafkaSaslMechanism))]
  const plainUsers = new Map(users.filter((u) => u.mechanism === 'PLAIN').map((u) => [u.name, u.password]))
  return { mechanisms, plainUsers }
}

/** `--add-scram` for StorageTool: KRaft keeps SCRAM credentials in the cluster metadata from format on. */
function scramFormatArgs(users: readonly UserSpec[]): string[] {
  return users
    .filter((u) => u.mechanism !== 'PLAIN')
    .flatMap((u) => {
      for (const [what, text] of [
        ['name', u.name],
        ['password', u.password],
      ]) {
        // the --add-scram syntax has no escapes; refuse what would be misread rather than store a wrong user
        if (/[,=\][\s"]/.test(text))
          throw new Error(
            `startKafka: SCRAM user ${what} ${JSON.stringify(text)} cannot be given to --add-scram`,
          )
      }
      const iterations = u.iterations === undefined ? '' : `,iterations=${u.iterations}`
      return ['--add-scram', `${u.mechanism}=[name=${u.name},password=${u.password}${iterations}]`]
    })
}

async function writeTlsFiles(root: string, tls: TlsOptions): Promise<NodeConfig['tls']> {
  const dir = join(root, 'tls')
  await mkdir(dir)
  // Kafka's PEM key store reads PKCS#8 keys only; Node converts whatever form the test gives
  const key = createPrivateKey(tls.key).export({ type: 'pkcs8', format: 'pem' }).toString()
  const keystore = join(dir, 'keystore.pem')
  await writeFile(keystore, `${key.trimEnd()}\n${tls.cert.toString().trimEnd()}\n`)
  const cas = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca]
  const requestCert = tls.requestCert ?? cas.length > 0
  if (requestCert && cas.length === 0) throw new Error('startKafka: tls.requestCert needs tls.ca')
  let truststore: string | undefined
  if (cas.length > 0) {
    truststore = join(dir, 'truststore.pem')
    await writeFile(truststore, `${cas.map((c) => c.toString().trimEnd()).join('\n')}\n`)
  }
  return { keystore, truststore, clientAuth: requestCert ? 'required' : 'none' }
}

function propertyOverrides(options: KafkaOptions): Record<string, string> {
  const out: Record<string, string> = {}
  if (options.defaultPartitions !== undefined) out['num.partitions'] = String(options.defaultPartitions)
  if (options.autoCreateTopics !== undefined)
    out['auto.create.topics.enable'] = String(options.autoCreateTopics)
  if (options.retentionMs !== undefined) out['log.retention.ms'] = String(options.retentionMs)
  if (options.groupInitialRebalanceDelayMs !== undefined) {
    out['group.initial.rebalance.delay.ms'] = String(options.groupInitialRebalanceDelayMs)
  }
  for (const [key, value] of Object.entries(options.properties ?? {})) out[key] = String(value)
  return out
}

/**
 * Resolves once every node in `askNodes` answers Metadata listing every node
 * in `expected` (a broker is listed once the controller has unfenced it).
 * Fails at once, with the node's log, if a JVM exits while we wait.
 */
async function waitForBrokers(
  askNodes: readonly KafkaNode[],
  expected: readonly KafkaNode[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const wanted = expected.map((n) => n.nodeId)
  let died: KafkaNode | undefined
  for (const node of askNodes) {
    node.exitedEarly().then(() => {
      died ??= node
    })
  }
  let last = 'no answer yet'
  for (;;) {
    if (died) throw new Error(`Kafka node ${died.nodeId} exited during startup\n${died.logTail()}`)
    const answers = await Promise.all(
      askNodes.map(async (node) => {
        try {
          const metadata = await requestMetadata(HOST, node.spec.ports.internal)
          const listed = metadata.brokers.map((b) => b.nodeId)
          if (wanted.every((id) => listed.includes(id))) return true
          last = `node ${node.nodeId} lists brokers [${listed.join(', ')}], waiting for [${wanted.join(', ')}]`
        } catch (err) {
          last = `node ${node.nodeId}: ${(err as Error).message}`
        }
        return false
      }),
    )
    if (answers.every(Boolean)) return
    if (Date.now() > deadline) {
      const logs = askNodes.map((n) => n.logTail(25)).join('\n')
      throw new Error(`Kafka did not list every broker within ${timeoutMs} ms (${last})\n${logs}`)
    }
    await sleep(200)
  }
}

class KafkaCluster implements RunningKafka {
  private closed = false

  constructor(
    private readonly members: readonly KafkaNode[],
    readonly dataDir: string,
    readonly clusterId: string,
    readonly securityProtocol: ClientProtocol,
    private readonly options: KafkaOptions,
    private readonly forgetRoot: () => void,
  ) {}

  get bootstrap(): string {
    return this.members.map((n) => `${HOST}:${n.spec.ports.client}`).join(',')
  }

  get host(): string {
    return HOST
  }

  get port(): number {
    return this.members[0].spec.ports.client
  }

  get internalBootstrap(): string {
    return this.members.map((n) => `${HOST}:${n.spec.ports.internal}`).join(',')
  }

  get nodes(): readonly KafkaNodeInfo[] {
    return this.members.map((n) => ({
      nodeId: n.nodeId,
      host: HOST,
      port: n.spec.ports.client,
      bootstrap: `${HOST}:${n.spec.ports.client}`,
      running: n.running,
      pid: n.pid,
    }))
  }

  async stopNode(nodeId: number): Promise<void> {
    await this.node(nodeId).stop()
  }

  async killNode(nodeId: number): Promise<void> {
    await this.node(nodeId).kill()
  }

  async startNode(nodeId: number): Promise<void> {
    const node = this.node(nodeId)
    node.start()
    const running = this.members.filter((n) => n.running)
    await waitForBrokers(running, running, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS)
  }

  async restart(): Promise<void> {
    this.checkOpen()
    await Promise.all(this.members.map((n) => n.stop()))
    for (const node of this.members) node.start()
    await waitForBrokers(this.members, this.members, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS)
  }

  logTail(nodeId: number, lines?: number): string {
    return this.node(nodeId).logTail(lines)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // the data goes away with the directory, so there is nothing a clean shutdown would save
    await Promise.all(this.members.map((n) => n.kill()))
    await rm(this.dataDir, { recursive: true, force: true })
    this.forgetRoot()
  }

  private node(nodeId: number): KafkaNode {
    this.checkOpen()
    const node = this.members.find((n) => n.nodeId === nodeId)
    if (!node)
      throw new Error(`no Kafka node ${nodeId}; nodes are ${this.members.map((n) => n.nodeId).join(', ')}`)
    return node
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('this Kafka was closed')
  }
}
