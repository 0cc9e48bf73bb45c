/**
 * server.properties for one node of the reference Kafka: a combined KRaft
 * broker + controller on 127.0.0.1 with three listeners,
 * - CLIENT, what tests connect to: PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL;
 * - INTERNAL, always PLAINTEXT: replication between brokers and the rig's own
 *   readiness probe, so neither needs the test's credentials;
 * - CONTROLLER, the KRaft quorum (static voters: every node is one).
 * Defaults suit tests (no initial rebalance delay, fast failure detection,
 * small buffers); `overrides` can change any of them.
 */

export type ClientProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'
export type KafkaSaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

export interface NodePorts {
  readonly client: number
  readonly internal: number
  readonly controller: number
}

export interface NodeConfig {
  readonly nodeId: number
  readonly host: string
  readonly ports: NodePorts
  /** The client port Metadata names, when it is not `ports.client` (a proxy in front of the node). */
  readonly advertisedClientPort?: number
  /** Controller endpoints of every node, the quorum's voters. */
  readonly voters: ReadonlyArray<{ nodeId: number; port: number }>
  readonly brokerCount: number
  readonly logDir: string
  readonly clientProtocol: ClientProtocol
  /** SASL on the CLIENT listener: the mechanisms to enable and the PLAIN users (name -> password). */
  readonly sasl?: { mechanisms: readonly KafkaSaslMechanism[]; plainUsers: ReadonlyMap<string, string> }
  /** TLS on the CLIENT listener: a PEM file with key and certificate chain, and optionally a PEM CA file. */
  readonly tls?: { keystore: string; truststore?: string; clientAuth: 'required' | 'none' }
  readonly overrides: Readonly<Record<string, string>>
}

function baseSettings(config: NodeConfig): Record<string, string> {
  const { host, ports, nodeId, brokerCount } = config
  // with 3 nodes one may die and acks=all still succeeds; a single node can only ask for itself
  const minIsr = String(brokerCount >= 3 ? 2 : 1)
  const rf = String(brokerCount)
  return {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    'controller.quorum.voters': config.voters.map((v) => `${v.nodeId}@${host}:${v.port}`).join(','),
    listeners: `CLIENT://${host}:${ports.client},INTERNAL://${host}:${ports.internal},CONTROLLER://${host}:${ports.controller}`,
    'advertised.listeners': `CLIENT://${host}:${config.advertisedClientPort ?? ports.client},INTERNAL://${host}:${ports.internal}`,
    'listener.security.protocol.map': `CLIENT:${config.clientProtocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    'log.dirs': config.logDir,
    'num.partitions': '1',
    'auto.create.topics.enable': 'true',
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'group.initial.rebalance.delay.ms': '0',
    // a killed node is fenced (its partitions move) after 4 s instead of 9 s
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '4000',
    // two cores shared by up to six JVMs and the clients: few threads each
    'num.network.threads': '2',
    'num.io.threads': '2',
    'num.replica.fetchers': '1',
    'background.threads': '2',
    'log.cleaner.threads': '1',
    // the compaction buffer is allocated up front; 128 MiB by default would take a third of the heap
    'log.cleaner.dedupe.buffer.size': String(8 << 20),
  }
}

function saslSettings(config: NodeConfig): Record<string, string> {
  if (!config.sasl) return {}
  const out: Record<string, string> = {
    'listener.name.client.sasl.enabled.mechanisms': config.sasl.mechanisms.join(','),
  }
  for (const mechanism of config.sasl.mechanisms) {
    const prefix = `listener.name.client.${mechanism.toLowerCase()}.sasl.jaas.config`
    if (mechanism === 'PLAIN') {
      // PLAIN users live in the JAAS entry itself, one user_<name>="<password>" option each
      const users = [...config.sasl.plainUsers].map(
        ([name, password]) => ` user_${name}=${jaasQuote(password)}`,
      )
      out[prefix] = `org.apache.kafka.common.security.plain.PlainLoginModule required${users.join('')};`
    } else {
      // SCRAM credentials are in the cluster metadata, written at format time (StorageTool --add-scram)
      out[prefix] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
    }
  }
  return out
}

function tlsSettings(config: NodeConfig): Record<string, string> {
  if (!config.tls) return {}
  const out: Record<string, string> = {
    'listener.name.client.ssl.keystore.type': 'PEM',
    'listener.name.client.ssl.keystore.location': config.tls.keystore,
    'listener.name.client.ssl.client.auth': config.tls.clientAuth,
  }
  if (config.tls.truststore) {
    out['listener.name.client.ssl.truststore.type'] = 'PEM'
    out['listener.name.client.ssl.truststore.location'] = config.tls.truststore
  }
  return out
}

/** A JAAS option value: double-quoted, with backslash escapes for `\` and `"`. */
function jaasQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** Escapes a value for a .properties file: backslashes, line breaks, and leading spaces would be lost. */
function propertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/^ /, '\\ ')
}

export function serverProperties(config: NodeConfig): string {
  const settings = {
    ...baseSettings(config),
    ...saslSettings(config),
    ...tlsSettings(config),
    ...config.overrides,
  }
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${propertyValue(value)}`)
    .join('\n')}\n`
}
